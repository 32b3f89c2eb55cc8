using LossLab.Optim;

namespace LossLab.Tests.Optim;

/// <summary>Adam's update eight parameters at a time gives the same bits as the element-by-element loop.</summary>
public sealed class AdamVectorTests
{
    [Theory]
    [InlineData("adam:lr=0.001", 37)]
    [InlineData("adam:lr=0.01,betas=0.8/0.99,eps=1e-6", 1000)]
    [InlineData("adam:lr=0.001,weight_decay=0.1", 16)]
    [InlineData("adamw:lr=0.001", 24)]
    public void Vectorised_adam_equals_one_parameter_at_a_time(string spec, int n)
    {
        var random = new Random(n);
        var all = new Optimizer(OptimizerCatalog.Create(spec).Transform!, n);
        var each = Enumerable.Range(0, n).Select(_ => new Optimizer(OptimizerCatalog.Create(spec).Transform!, 1)).ToArray();
        float[] theta = new float[n];
        for (int i = 0; i < n; i++)
        {
            theta[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] alone = (float[])theta.Clone();
        for (int step = 0; step < 6; step++)
        {
            float[] g = new float[n];
            for (int i = 0; i < n; i++)
            {
                g[i] = (float)(((random.NextDouble() * 2) - 1) * Math.Pow(10, random.Next(-6, 3)));
            }

            g[0] = 0;
            all.Step(theta, g);
            for (int i = 0; i < n; i++)
            {
                each[i].Step(alone.AsSpan(i, 1), g.AsSpan(i, 1));
            }

            Assert.Equal(alone, theta);
        }
    }
}
