using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Performance;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Tests.Experiments;

/// <summary>The sweep engine trains what the trainer trains, the same on any thread count; steady-state steps allocate nothing.</summary>
public sealed class SweepAndBenchTests
{
    private static readonly Dataset Seed = Builtins.Load("builtin:seed");

    [Fact]
    public void The_thousand_grid_has_a_thousand_distinct_configurations()
    {
        Assert.Equal(1000, BenchSuite.ThousandGrid.Count);
        Assert.Equal(1000, BenchSuite.ThousandGrid.Distinct().Count());
    }

    [Fact]
    public void Sweep_results_do_not_depend_on_the_thread_count()
    {
        SweepConfig[] grid = [.. BenchSuite.ThousandGrid.Where((_, i) => i % 7 == 0)];
        SweepOutcome[] one = Sweep.Run(Seed, grid, 50, 1);
        SweepOutcome[] two = Sweep.Run(Seed, grid, 50, 2);
        SweepOutcome[] four = Sweep.Run(Seed, grid, 50, 4);
        for (int i = 0; i < grid.Length; i++)
        {
            Assert.Equal(one[i].FinalLoss, two[i].FinalLoss);
            Assert.Equal(one[i].FinalLoss, four[i].FinalLoss);
            Assert.Equal(one[i].Parameters, two[i].Parameters);
            Assert.Equal(one[i].Parameters, four[i].Parameters);
        }

        Assert.Contains(one, o => o.Diverged);
        Assert.Contains(one, o => !o.Diverged && o.FinalLoss < 0.01);
    }

    [Theory]
    [InlineData("mse", "sgd:lr=0.1", 3)]
    [InlineData("huber", "adam:lr=0.03", 1)]
    [InlineData("log_cosh", "rmsprop:lr=0.01", 4)]
    public void A_sweep_run_equals_the_trainer_from_the_same_start(string loss, string optimizer, int seed)
    {
        SweepOutcome outcome = Sweep.Run(Seed, [new SweepConfig(loss, optimizer, seed)], 40, 1)[0];
        var model = new LinearModel(1, 1);
        float[] initial = new float[2];
        model.Initialize(initial, Init.Default, new Random(seed));
        var objective = new TrainingObjective(model, LossCatalog.Create(loss), TaskKind.Regression, Seed.Rows);
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create(optimizer), initial, Seed, null, new TrainOptions { Epochs = 40 });
        Assert.Equal(run.Parameters, outcome.Parameters);
        Assert.Equal(run.Loss[run.Steps], outcome.FinalLoss, 12);
    }

    [Fact]
    public void Batched_sweep_runs_equal_the_trainer_run_by_run()
    {
        // Configurations 40 … 239 of the grid: batches of 8 over mse and l1 with the five seeds of an optimizer sharing one
        // optimizer, runs that diverge, and runs that converge.
        SweepConfig[] grid = [.. BenchSuite.ThousandGrid.Skip(40).Take(200)];
        SweepOutcome[] batched = Sweep.Run(Seed, grid, 30, 2);
        int identical = 0;
        for (int i = 0; i < grid.Length; i++)
        {
            SweepConfig c = grid[i];
            var model = new LinearModel(1, 1);
            float[] initial = new float[2];
            model.Initialize(initial, Init.Default, new Random(c.Seed));
            var objective = new TrainingObjective(model, LossCatalog.Create(c.Loss), TaskKind.Regression, Seed.Rows);
            TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create(c.Optimizer), initial, Seed, null, new TrainOptions { Epochs = 30 });
            bool diverged = run.Diverged;
            Assert.True(diverged == batched[i].Diverged, $"{c}: trainer diverged {diverged}, sweep {batched[i].Diverged}");
            if (!diverged)
            {
                Assert.Equal(run.Loss[run.Steps], batched[i].FinalLoss, 1e-9 * Math.Max(1, run.Loss[run.Steps]));
                for (int j = 0; j < 2; j++)
                {
                    Assert.True(Math.Abs(run.Parameters[j] - batched[i].Parameters[j]) <= 1e-5 * Math.Max(1, Math.Abs(run.Parameters[j])), $"{c}: θ{j} {batched[i].Parameters[j]} vs {run.Parameters[j]}");
                }
            }

            identical += diverged || run.Parameters.AsSpan().SequenceEqual(batched[i].Parameters) ? 1 : 0;
        }

        Assert.Contains(batched, o => o.Diverged);
        Assert.Contains(batched, o => !o.Diverged && o.FinalLoss < 0.1);
        Assert.True(identical >= grid.Length * 9 / 10, $"{identical} of {grid.Length} runs bit for bit the trainer's");
    }

    [Fact]
    public void A_loss_without_a_batched_kernel_trains_each_configuration_alone()
    {
        SweepConfig[] grid = [new("cauchy", "adam:lr=0.03", 0), new("cauchy", "adam:lr=0.03", 1), new("mse", "sgd:lr=0.1,momentum=0.9", 2)];
        SweepOutcome[] outcomes = Sweep.Run(Seed, grid, 20, 1);
        for (int i = 0; i < grid.Length; i++)
        {
            Assert.Equal(Sweep.Run(Seed, [grid[i]], 20, 1)[0].Parameters, outcomes[i].Parameters);
        }

        Assert.False(((PointwiseLoss)LossCatalog.Create("cauchy")).TryEvaluateModels(new float[8], 1, [0f], new float[8], new double[1]));
    }

    [Fact]
    public void Sweep_rejects_bad_arguments_by_name()
    {
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => Sweep.Run(Seed, [], 10, 0)).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => Sweep.Run(Seed, [], -1, 1)).ParamName);
        Assert.Equal("seeds", Assert.Throws<ArgumentOutOfRangeException>(() => Sweep.Grid(["mse"], ["sgd"], [0.1], 0)).ParamName);
    }

    [Fact]
    public void Steady_state_training_steps_allocate_nothing()
    {
        var linear = new TrainingStepWorkload(new LinearModel(1, 1), new Mse(), Seed, 0, "sgd:lr=0.01");
        var mlp = new TrainingStepWorkload(new Mlp(16, [64, 64], 1), new Mse(), BenchSuite.Generate(1024, 16, 3), 256, "adam:lr=0.001");
        var logistic = new TrainingStepWorkload(new LinearModel(4, 1), LossCatalog.Create("huber"), BenchSuite.Generate(512, 4, 2), 64, "rmsprop:lr=0.01,momentum=0.9");
        Assert.Equal(0, linear.BytesPerStep(500));
        Assert.Equal(0, mlp.BytesPerStep(20));
        Assert.Equal(0, logistic.BytesPerStep(100));
    }

    [Fact]
    public void The_kernel_workload_computes_what_the_losses_compute()
    {
        var work = new KernelWorkload(1000);
        foreach (string loss in BenchSuite.KernelLosses)
        {
            double value = work.Run(loss);
            Assert.True(double.IsFinite(value) && value > 0, $"{loss}: {value}");
        }
    }
}
