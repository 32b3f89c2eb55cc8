using LossLab.Lab.Data;
using LossLab.Lab.Performance;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using static LossLab.Tests.OwnThread;

namespace LossLab.Lab.Tests.Training;

/// <summary>
/// Training steps of a large mlp (784-256-256-1, batch 256), whose products are split over two threads on a plain
/// thread and not inside a parallel loop: the same parameters either way, and nothing allocated per step.
/// </summary>
public sealed class LargeMlpStepTests
{
    private static readonly Dataset Data = BenchSuite.Generate(512, 784, 11);

    [Fact]
    public void Split_and_unsplit_steps_give_the_same_parameters()
    {
        float[] split = OnOwnThread(() => Train(4));
        float[] alone = [];
        Parallel.For(0, 1, _ => alone = Train(4)); // inside a parallel loop: no split
        Assert.Equal(alone, split);
        Assert.All(split, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_large_steady_state_step_allocates_nothing() => OnOwnThread(() =>
    {
        var step = new TrainingStepWorkload(new Mlp(784, [256, 256], 1), new Mse(), Data, 256, "adam:lr=0.001");
        Assert.Equal(0, step.BytesPerStep(4));
        return true;
    });

    private static float[] Train(int steps)
    {
        var model = new Mlp(784, [256, 256], 1);
        var objective = new TrainingObjective(model, new Mse(), TaskKind.Regression, 256);
        var optimizer = new Optimizer(OptimizerCatalog.Create("adam:lr=0.001").Transform!, model.ParameterCount);
        float[] theta = new float[model.ParameterCount], gradient = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, new Random(1));
        float[] y = objective.EncodeTargets(Data.Targets);
        for (int s = 0; s < steps; s++)
        {
            int first = s % 2 * 256;
            objective.Evaluate(theta, Data.Features.AsSpan(first * 784, 256 * 784), y.AsSpan(first, 256), 256, gradient);
            optimizer.Step(theta, gradient);
        }

        return theta;
    }
}
