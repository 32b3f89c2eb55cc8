using LossLab.Models;
using LossLab.Optim;
using static LossLab.Tests.OwnThread;

namespace LossLab.Tests.Optim;

/// <summary>Adam's update of a large parameter vector split over two threads by parameter ranges: the same bits as one thread, nothing allocated.</summary>
public sealed class AdamSplitTests
{
    // 1.9 M parameters (the 784-1024-1024-1 mlp), not a multiple of the 8-lane vector or of the chunk.
    private const int N = (1 << 20) + (1 << 19) + 12_345;

    [Theory]
    [InlineData("adam:lr=0.001")]
    [InlineData("adam:lr=0.01,betas=0.8/0.99,eps=1e-6,weight_decay=0.1")]
    [InlineData("adamw:lr=0.001")]
    public void Split_adam_gives_the_bits_of_one_thread(string spec)
    {
        float[] serial;
        using (IntraOp.Serial())
        {
            serial = Run(spec);
        }

        float[] reference = RunOnePiece(spec);
        Assert.Equal(reference, serial);
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        long before = IntraOp.SplitRuns;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (IntraOp.SplitRuns == before && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            // Another test may hold the helper, or a lagging helper may have sent the next runs to the caller alone
            // (IntraOp's back-off); then the update runs alone, which must give the same bits too.
            Assert.Equal(serial, OnOwnThread(() => Run(spec)));
        }

        Assert.True(IntraOp.SplitRuns > before, "no update was split over two threads");
    }

    [Fact]
    public void A_split_adam_step_allocates_nothing_on_either_thread() => OnOwnThread(() =>
    {
        var optimizer = new Optimizer(OptimizerCatalog.Create("adam:lr=0.001").Transform!, N);
        float[] theta = new float[N], g = Gradient(new Random(5));
        for (int i = 0; i < 3; i++)
        {
            optimizer.Step(theta, g);
        }

        long helperBefore = IntraOp.HelperAllocatedBytes;
        long splitsBefore = IntraOp.SplitRuns;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            optimizer.Step(theta, g);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        if (IntraOp.SplitRuns > splitsBefore)
        {
            Assert.Equal(helperBefore, IntraOp.HelperAllocatedBytes);
        }

        return true;
    });

    /// <summary>Four steps of the rule on N parameters through <see cref="Optimizer.Step"/>.</summary>
    private static float[] Run(string spec)
    {
        var random = new Random(7);
        var optimizer = new Optimizer(OptimizerCatalog.Create(spec).Transform!, N);
        float[] theta = Gradient(random);
        for (int step = 0; step < 4; step++)
        {
            optimizer.Step(theta, Gradient(random));
        }

        return theta;
    }

    /// <summary>The same steps with the transform chain's span path (no split possible), as the rule ran before.</summary>
    private static float[] RunOnePiece(string spec)
    {
        var random = new Random(7);
        TransformState state = OptimizerCatalog.Create(spec).Transform!.CreateState(N);
        float[] theta = Gradient(random), updates = new float[N];
        for (int step = 0; step < 4; step++)
        {
            Gradient(random).CopyTo(updates, 0);
            state.Update(updates.AsSpan(), theta, new StepContext(step));
            System.Numerics.Tensors.TensorPrimitives.Add(theta, updates, theta);
        }

        return theta;
    }

    private static float[] Gradient(Random random)
    {
        float[] g = new float[N];
        for (int i = 0; i < N; i++)
        {
            g[i] = (float)(((random.NextDouble() * 2) - 1) * Math.Pow(10, random.Next(-6, 3)));
        }

        return g;
    }
}
