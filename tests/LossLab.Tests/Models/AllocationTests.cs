using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>Forward, Backward and AddPenalty allocate nothing once warmed up (the workspace holds every buffer).</summary>
public sealed class AllocationTests
{
    public static TheoryData<string> Specs => new()
    {
        "linear:l1=0.1,l2=0.1",
        "softmax:l2=0.1",
        "mlp:hidden=16/8,activation=relu,l1=0.01",
        "mlp:hidden=16,activation=tanh",
        "mlp:hidden=16/8/4,activation=gelu,l2=0.01",
        "mlp:hidden=16,activation=sigmoid",
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Forward_and_backward_allocate_nothing_after_warm_up(string spec)
    {
        Model model = ModelCatalog.Create(spec, 13, spec.StartsWith("softmax", StringComparison.Ordinal) ? 3 : 2);
        var random = new Random(0);
        float[] theta = new float[model.ParameterCount], g = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        const int Batch = 32;
        float[] x = Reference.Uniform(random, Batch * model.Inputs), y = new float[Batch * model.Outputs], dy = Reference.Uniform(random, Batch * model.Outputs);
        Workspace ws = model.CreateWorkspace(Batch);

        for (int i = 0; i < 3; i++)
        {
            Step(model, theta, x, y, dy, g, ws);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Step(model, theta, x, y, dy, g, ws);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static void Step(Model model, float[] theta, float[] x, float[] y, float[] dy, float[] g, Workspace ws)
    {
        // A smaller batch than MaxBatch too: the buffers are sliced, not re-created.
        model.Forward(theta, x, 32, y, ws);
        model.Backward(theta, x, 32, dy, g, ws);
        model.AddPenalty(theta, g);
        model.Forward(theta, x.AsSpan(0, 5 * model.Inputs), 5, y.AsSpan(0, 5 * model.Outputs), ws);
        model.Backward(theta, x.AsSpan(0, 5 * model.Inputs), 5, dy.AsSpan(0, 5 * model.Outputs), g, ws);
    }
}
