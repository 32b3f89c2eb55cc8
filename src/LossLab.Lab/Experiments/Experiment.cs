using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Experiments;

/// <summary>One training run of a linear model on one-feature data, with the measures the demo and the claims report.</summary>
/// <param name="Loss">Loss spec.</param>
/// <param name="Optimizer">Optimizer spec (with its learning rate).</param>
/// <param name="LearningRate">The learning rate.</param>
/// <param name="FinalTrainLoss">Training loss at the end.</param>
/// <param name="FinalValidationLoss">Validation loss at the end (NaN without validation data).</param>
/// <param name="Parameters">(w, b) at the end.</param>
/// <param name="ParameterError">Euclidean distance from the true (w, b).</param>
/// <param name="SettledEpoch">First epoch after which (w, b) stays within 0.01 of its final value; null if it never settles.</param>
/// <param name="Jitter">Largest range (max − min) of w or b over the last 20 epochs.</param>
/// <param name="Diverged">Whether the run diverged.</param>
/// <param name="DivergenceReason">Why.</param>
/// <param name="Path">(w, b) after every epoch, starting with the initial values.</param>
/// <param name="LossCurve">Training loss per row of the trace.</param>
public sealed record RunSummary(
    string Loss,
    string Optimizer,
    double LearningRate,
    double FinalTrainLoss,
    double FinalValidationLoss,
    double[] Parameters,
    double ParameterError,
    int? SettledEpoch,
    double Jitter,
    bool Diverged,
    string? DivergenceReason,
    float[][] Path,
    double[] LossCurve);

/// <summary>Shared machinery: train a fresh linear model from given initial parameters and summarise the run.</summary>
public static class Experiment
{
    /// <summary>Trains <c>linear</c> on (x, y) full batch or in mini-batches; every call starts from <paramref name="initial"/>.</summary>
    public static RunSummary Run(Dataset train, Dataset? validation, string lossSpec, string optimizerSpec, float[] initial, int epochs, double[] truth, int batchSize = 0, int seed = 0, string? schedule = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(truth);
        var model = new LinearModel(train.Columns, 1);
        ILoss loss = LossCatalog.Create(lossSpec);
        var objective = new TrainingObjective(model, loss, TaskKind.Regression, Math.Max(train.Rows, 1));
        OptimizerRule rule = OptimizerCatalog.Create(optimizerSpec, schedule);
        TrainingRun run = Trainer.Train(objective, rule, initial, train, validation, new TrainOptions { Epochs = epochs, BatchSize = batchSize, Seed = seed });
        int stepsPerEpoch = run.Epochs == 0 ? 1 : Math.Max(1, run.Steps / Math.Max(1, run.Epochs));
        var path = new List<float[]>();
        for (int k = 0; k <= run.Steps; k += stepsPerEpoch)
        {
            path.Add(run.ParametersAt(k).ToArray());
        }

        double[] final = run.Parameters.Select(p => (double)p).ToArray();
        double error = Math.Sqrt(final.Select((p, i) => (p - truth[i]) * (p - truth[i])).Sum());
        double validationLoss = validation is null ? double.NaN : objective.Evaluate(run.Parameters, validation, validation.Targets);
        double lr = rule.LearningRate.At(0);
        return new RunSummary(
            lossSpec,
            optimizerSpec,
            lr,
            run.Loss[run.Steps],
            validationLoss,
            final,
            error,
            Settle(path, final),
            Jitter(path, 20),
            run.Diverged,
            run.DivergenceReason,
            [.. path],
            run.Loss.AsSpan(0, run.Steps + 1).ToArray());
    }

    /// <summary>First epoch after which every later (w, b) stays within 0.01 of the final values.</summary>
    public static int? Settle(IReadOnlyList<float[]> path, double[] final)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(final);
        int? settled = null;
        for (int k = path.Count - 1; k >= 0; k--)
        {
            bool close = path[k].Select((p, i) => Math.Abs(p - final[i])).Max() < 0.01;
            if (!close)
            {
                break;
            }

            settled = k;
        }

        return settled == path.Count - 1 && path.Count > 1 ? null : settled;
    }

    /// <summary>The largest range (max − min) of any parameter over the last <paramref name="window"/> epochs.</summary>
    public static double Jitter(IReadOnlyList<float[]> path, int window)
    {
        ArgumentNullException.ThrowIfNull(path);
        int from = Math.Max(0, path.Count - window);
        double worst = 0;
        for (int i = 0; i < path[0].Length; i++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int k = from; k < path.Count; k++)
            {
                lo = Math.Min(lo, path[k][i]);
                hi = Math.Max(hi, path[k][i]);
            }

            worst = Math.Max(worst, hi - lo);
        }

        return worst;
    }

    /// <summary>The initial parameters of PyTorch's default init for a one-feature linear model, for a seed.</summary>
    public static float[] DefaultInit(int features, int seed)
    {
        var model = new LinearModel(features, 1);
        float[] p = new float[model.ParameterCount];
        model.Initialize(p, Init.Default, new Random(seed));
        return p;
    }
}
