using LossLab.Losses;
using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>
/// Many linear models evaluated together, one per float lane, give each model what it gets alone: LinearModel's
/// outputs bit for bit (fewer than 8 inputs), the loss's gradient bit for bit, values and parameter gradients to
/// rounding.
/// </summary>
public sealed class LinearBatchTests
{
    [Theory]
    [InlineData(1, 1, 100)]
    [InlineData(1, 5, 37)]
    [InlineData(3, 8, 64)]
    [InlineData(7, 11, 19)]
    [InlineData(12, 3, 50)]
    public void Each_model_in_the_batch_gets_what_it_gets_alone(int inputs, int models, int rows)
    {
        var random = new Random((inputs * 100) + models);
        float[] x = Enumerable.Range(0, rows * inputs).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        float[] y = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        var single = new LinearModel(inputs, 1);
        int p = single.ParameterCount;
        float[] theta = new float[models * p];
        for (int k = 0; k < models; k++)
        {
            single.Initialize(theta.AsSpan(k * p, p), Init.Default, new Random(k));
        }

        var batch = new LinearBatch(inputs, models);
        Assert.Equal(PointwiseLoss.ModelStride(models), batch.Stride);
        Assert.Equal(0, batch.Stride % 8);
        float[] outputs = new float[rows * batch.Stride];
        batch.Forward(theta, x, rows, outputs);
        float[] outputGradient = new float[rows * batch.Stride];
        double[] values = new double[models];
        var loss = (PointwiseLoss)LossCatalog.Create("log_cosh");
        Assert.True(loss.TryEvaluateModels(outputs, models, y, outputGradient, values));
        float[] gradient = new float[models * p];
        batch.Backward(x, rows, outputGradient, gradient);

        Workspace ws = single.CreateWorkspace(rows);
        for (int k = 0; k < models; k++)
        {
            float[] alone = new float[rows];
            single.Forward(theta.AsSpan(k * p, p), x, rows, alone, ws);
            float[] column = Enumerable.Range(0, rows).Select(n => outputs[(n * batch.Stride) + k]).ToArray();
            if (inputs < 8)
            {
                Assert.Equal(alone, column);
            }
            else
            {
                Assert.All(Enumerable.Range(0, rows), n => Assert.Equal(alone[n], column[n], 1e-5f));
            }

            float[] dy = new float[rows];
            double value = loss.Evaluate(column, y, dy, Reduction.Mean);
            Assert.Equal(value, values[k], 1e-12 * Math.Max(1, value));
            Assert.Equal(dy, Enumerable.Range(0, rows).Select(n => outputGradient[(n * batch.Stride) + k]).ToArray());

            for (int j = 0; j <= inputs; j++)
            {
                double exact = 0;
                for (int n = 0; n < rows; n++)
                {
                    exact += (double)dy[n] * (j < inputs ? x[(n * inputs) + j] : 1f);
                }

                float got = gradient[(k * p) + j];
                Assert.True(Math.Abs(got - exact) <= MathF.BitIncrement(Math.Abs(got)) - Math.Abs(got), $"model {k}, parameter {j}: {got} vs {exact}");
            }
        }

        for (int n = 0; n < rows; n++)
        {
            for (int k = models; k < batch.Stride; k++)
            {
                Assert.Equal(0f, outputs[(n * batch.Stride) + k]);
            }
        }
    }

    [Fact]
    public void Every_batched_kernel_gives_each_model_its_own_gradient()
    {
        const int rows = 29, models = 6;
        var random = new Random(3);
        float[] y = Enumerable.Range(0, rows).Select(_ => (float)random.Next(2)).ToArray();
        int stride = PointwiseLoss.ModelStride(models);
        float[] predictions = Enumerable.Range(0, rows * stride).Select(_ => (float)((random.NextDouble() * 10) - 5)).ToArray();
        foreach (string spec in new[] { "mse", "l1", "huber:delta=0.5", "smooth_l1", "smooth_l1:beta=0", "log_cosh", "bce_with_logits" })
        {
            var loss = (PointwiseLoss)LossCatalog.Create(spec);
            float[] gradient = new float[rows * stride];
            double[] values = new double[models];
            Assert.True(loss.TryEvaluateModels(predictions, models, y, gradient, values), spec);
            for (int k = 0; k < models; k++)
            {
                float[] column = Enumerable.Range(0, rows).Select(n => predictions[(n * stride) + k]).ToArray();
                float[] dy = new float[rows];
                double value = loss.Evaluate(column, y, dy, Reduction.Mean);
                Assert.Equal(value, values[k], 1e-12 * Math.Max(1, value));
                Assert.Equal(dy, Enumerable.Range(0, rows).Select(n => gradient[(n * stride) + k]).ToArray());
            }
        }

        Assert.False(((PointwiseLoss)LossCatalog.Create("bce_with_logits:pos_weight=2")).TryEvaluateModels(predictions, models, y, new float[rows * stride], new double[models]));
    }

    [Fact]
    public void Wrong_shapes_are_refused_with_the_name_of_the_argument()
    {
        Assert.Equal("inputs", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearBatch(0, 3)).ParamName);
        Assert.Equal("models", Assert.Throws<ArgumentOutOfRangeException>(() => new LinearBatch(2, 0)).ParamName);
        Assert.Equal("models", Assert.Throws<ArgumentOutOfRangeException>(() => PointwiseLoss.ModelStride(0)).ParamName);
        var batch = new LinearBatch(2, 3);
        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => batch.Forward(new float[8], new float[4], 2, new float[16])).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => batch.Forward(new float[9], new float[5], 2, new float[16])).ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => batch.Forward(new float[9], new float[4], 2, new float[15])).ParamName);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => batch.Backward(new float[4], 2, new float[8], new float[9])).ParamName);
        Assert.Throws<ArgumentException>(() => ((PointwiseLoss)new Mse()).TryEvaluateModels(new float[8], 3, [1f, 2f], new float[16], new double[3]));
    }
}
