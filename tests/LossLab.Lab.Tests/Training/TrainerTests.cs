using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Tests.Training;

public sealed class TrainerTests
{
    private static (TrainingObjective TrainingObjective, Dataset Data) Seed(string loss = "mse")
    {
        Dataset data = Builtins.Load("builtin:seed");
        return (new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create(loss), TaskKind.Regression, data.Rows), data);
    }

    [Fact]
    public void Full_batch_trace_rows_are_the_state_after_k_updates()
    {
        var (objective, data) = Seed();
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.1"), new float[2], data, null, new TrainOptions { Epochs = 5 });
        Assert.Equal(5, run.Steps);
        Assert.True(double.IsNaN(run.GradientNorm[0]));
        for (int k = 0; k <= 5; k++)
        {
            double recomputed = objective.Evaluate(run.ParametersAt(k), data, data.Targets);
            Assert.Equal(recomputed, run.Loss[k], 6);
        }

        Assert.True(run.Loss[5] < run.Loss[0]);
        Assert.Equal(run.ParametersAt(5).ToArray(), run.Parameters);
    }

    [Fact]
    public void The_parameter_history_is_kept_only_within_its_memory_bound()
    {
        Dataset data = Builtins.Load("builtin:seed");
        var objective = new TrainingObjective(ModelCatalog.Create("mlp:hidden=64", 1, 1), LossCatalog.Create("mse"), TaskKind.Regression, data.Rows);
        int p = objective.Model.ParameterCount;
        int within = (int)(Trainer.MaxRecordedParameterValues / p) - 1, beyond = within + 1;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        TrainingRun small = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.01"), new float[p], data, null, new TrainOptions { Epochs = within }, cancelled.Token);
        TrainingRun large = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.01"), new float[p], data, null, new TrainOptions { Epochs = beyond }, cancelled.Token);
        Assert.True(p <= new TrainOptions().RecordParametersUpTo);
        Assert.NotNull(small.ParameterHistory);
        Assert.True(small.ParameterHistory.LongLength <= Trainer.MaxRecordedParameterValues);
        Assert.Null(large.ParameterHistory);
        Assert.True(large.Cancelled);
    }

    [Fact]
    public void Mini_batches_are_seeded_and_reproducible()
    {
        var (objective, data) = Seed();
        var options = new TrainOptions { Epochs = 3, BatchSize = 16, Seed = 3 };
        TrainingRun a = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.05"), new float[2], data, null, options);
        TrainingRun b = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.05"), new float[2], data, null, options);
        TrainingRun c = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.05"), new float[2], data, null, options with { Seed = 4 });
        Assert.Equal(21, a.Steps);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.NotEqual(a.Parameters, c.Parameters);
    }

    [Fact]
    public void Divergence_is_detected_recorded_and_never_silent()
    {
        var (objective, data) = Seed();
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=5"), new float[2], data, null, new TrainOptions { Epochs = 500 });
        Assert.True(run.Diverged);
        Assert.Contains("step", run.DivergenceReason, StringComparison.Ordinal);
        Assert.True(run.Steps < 500);
    }

    [Fact]
    public void Early_stopping_restores_the_best_parameters()
    {
        Dataset all = Builtins.Load("builtin:seed:n=200");
        (int[] t, int[] v) = Splits.TrainValidation(all.Rows, 0.5, 1);
        var objective = new TrainingObjective(new LinearModel(1, 1), new Mse(), TaskKind.Regression, 200);
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create("sgd:lr=0.5"), new float[2], all.Subset(t), all.Subset(v), new TrainOptions { Epochs = 1000, Patience = 5 });
        Assert.True(run.StoppedEarly);
        Assert.True(run.Epochs < 1000);
        double best = run.EpochValidationLoss.Min();
        Assert.Equal(best, objective.Evaluate(run.Parameters, all.Subset(v), all.Subset(v).Targets), 6);
    }

    [Fact]
    public void Cancellation_stops_cleanly_and_keeps_what_was_computed()
    {
        var (objective, data) = Seed();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create("adam"), new float[2], data, null, new TrainOptions { Epochs = 100 }, cts.Token);
        Assert.True(run.Cancelled);
        Assert.Equal(0, run.Steps);
        Assert.Equal(2, run.Parameters.Length);
    }

    [Fact]
    public void A_training_step_allocates_nothing_in_steady_state()
    {
        var (objective, data) = Seed("huber");
        var options = new TrainOptions { Epochs = 50, BatchSize = 10 };
        OptimizerRule rule = OptimizerCatalog.Create("adam:lr=0.01", "cosine:t_max=500", 1.0);
        Trainer.Train(objective, rule, new float[2], data, null, options);
        long before = GC.GetAllocatedBytesForCurrentThread();
        TrainingRun run = Trainer.Train(objective, rule, new float[2], data, null, options);
        long perRun = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        Trainer.Train(objective, rule, new float[2], data, null, options with { Epochs = 500 });
        long longer = GC.GetAllocatedBytesForCurrentThread() - before;

        // Ten times the steps may cost only the history, which is allocated up front in proportion to the steps
        // (3 doubles and 2 parameters per step) and the per-epoch loss lists; any allocation inside a step would
        // add at least 24 bytes for each of the 4,500 extra steps.
        long history = (4500 * ((3 * sizeof(double)) + (2 * sizeof(float)))) + (450 * 2 * sizeof(double) * 2);
        Assert.True(longer - perRun <= history + 4096, $"{run.Steps} steps: {perRun} B; 10× the steps: {longer} B");
    }

    [Fact]
    public void A_loss_that_does_not_fit_the_task_is_rejected_with_the_suitable_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("cross_entropy"), TaskKind.Regression, 10));
        Assert.Contains("use one of: l1, mse, huber", ex.Message, StringComparison.Ordinal);
    }
}
