using LossLab.Lab.Data;
using LossLab.Optim;
using LossLab.Schedules;

namespace LossLab.Lab.Training;

/// <summary>How to train.</summary>
public sealed record TrainOptions
{
    /// <summary>Passes over the training data (≥ 0).</summary>
    public int Epochs { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException("epochs", value, "epochs must be >= 0"); } = 100;

    /// <summary>Rows per step; 0 (or ≥ the number of rows) is full batch, where one step is one epoch.</summary>
    public int BatchSize { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException("batch_size", value, "batch size must be >= 0"); }

    /// <summary>Seed of the mini-batch shuffling.</summary>
    public int Seed { get; init; }

    /// <summary>Early stopping: stop after this many epochs without a better validation loss and restore the best parameters (0: off).</summary>
    public int Patience { get; init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException("patience", value, "patience must be >= 0"); }

    /// <summary>
    /// Stopping tolerance (0: off, every epoch runs). An epoch is quiet when its mean training loss L lies within
    /// tol·|best| of best, the lowest epoch loss before it (|L − best| ≤ tol·|best|: it neither improved nor worsened by
    /// more than the relative tolerance); the run stops, converged, after <see cref="NoChangeEpochs"/> quiet epochs in a
    /// row. Unlike scikit-learn's "no improvement" rule, a loss that rises (momentum overshooting, a learning rate too
    /// large) does not count as converged; a noisy mini-batch loss may never be quiet, and the run then uses every epoch.
    /// </summary>
    public double Tolerance { get; init => field = value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException("tol", value, "tol must be a finite number >= 0"); }

    /// <summary>Quiet epochs in a row (see <see cref="Tolerance"/>) that end the run (≥ 1).</summary>
    public int NoChangeEpochs { get; init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException("n_iter_no_change", value, "n_iter_no_change must be >= 1"); } = 5;

    /// <summary>A loss above this multiple of the starting loss (and of 1) counts as an explosion.</summary>
    public double ExplosionFactor { get; init; } = Trainer.DefaultExplosionFactor;

    /// <summary>Keep the parameters of every step when the model has at most this many.</summary>
    public int RecordParametersUpTo { get; init; } = 256;
}

/// <summary>
/// The record of a run. Row k of the per-step arrays is the state after k updates: its loss (on the batch the next
/// step uses; the whole training set for full batch and for the last row), the learning rate and the pre-clip
/// gradient norm of the step that produced it (NaN on row 0), and the parameters when recorded.
/// </summary>
public sealed class TrainingRun
{
    internal TrainingRun(int capacity, int parameterCount, bool recordParameters)
    {
        Loss = new double[capacity + 1];
        LearningRate = new double[capacity + 1];
        GradientNorm = new double[capacity + 1];
        ParameterHistory = recordParameters ? new float[(capacity + 1) * parameterCount] : null;
        ParameterCount = parameterCount;
    }

    /// <summary>Updates applied.</summary>
    public int Steps { get; internal set; }

    /// <summary>Epochs completed.</summary>
    public int Epochs { get; internal set; }

    /// <summary>Loss per row (see the class remarks); length Steps + 1 is meaningful.</summary>
    public double[] Loss { get; }

    /// <summary>Learning rate used by the step that produced each row.</summary>
    public double[] LearningRate { get; }

    /// <summary>Pre-clip gradient norm of the step that produced each row (NaN on row 0).</summary>
    public double[] GradientNorm { get; }

    /// <summary>Rows × parameters, when recorded.</summary>
    public float[]? ParameterHistory { get; }

    /// <summary>The number of parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>Mean training loss per epoch (the batch losses before each update, averaged).</summary>
    public List<double> EpochTrainLoss { get; } = [];

    /// <summary>Validation loss at the end of each epoch (empty without validation data).</summary>
    public List<double> EpochValidationLoss { get; } = [];

    /// <summary>The final parameters (the best ones when early stopping restored them).</summary>
    public float[] Parameters { get; internal set; } = [];

    /// <summary>Whether the run stopped on a non-finite or exploding loss or parameter.</summary>
    public bool Diverged { get; internal set; }

    /// <summary>Why and when it diverged.</summary>
    public string? DivergenceReason { get; internal set; }

    /// <summary>Whether cancellation stopped it (what was computed is kept).</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>Whether early stopping ended it.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>
    /// Whether the stopping tolerance ended it (<see cref="TrainOptions.Tolerance"/>): the epoch loss stopped improving
    /// before the last epoch allowed. False when the tolerance is off, and for a diverged or cancelled run.
    /// </summary>
    public bool Converged { get; internal set; }

    /// <summary>The epoch (1-based) with the best validation loss, or 0.</summary>
    public int BestEpoch { get; internal set; }

    /// <summary>The parameters of row <paramref name="row"/>, when recorded.</summary>
    public ReadOnlySpan<float> ParametersAt(int row)
        => ParameterHistory is null ? throw new InvalidOperationException("parameters were not recorded for this model size") : ParameterHistory.AsSpan(row * ParameterCount, ParameterCount);
}

/// <summary>
/// Trains a model with any loss and optimizer: full batch or seeded mini-batches, schedules stepped per update,
/// divergence detection, early stopping on validation loss, cancellation. All buffers are created before the first
/// step; a step allocates nothing.
/// </summary>
public static class Trainer
{
    /// <summary>The most updates one run may take (the per-step history is allocated up front).</summary>
    public const long MaxSteps = 20_000_000;

    /// <summary>
    /// The most parameter values (rows × parameters, 64 MB of floats) a run records; a longer run or a larger model keeps
    /// only the loss, learning rate and gradient norm of each step (24 bytes a step).
    /// </summary>
    public const long MaxRecordedParameterValues = 16_000_000;

    /// <summary>Trains from <paramref name="initial"/> (not modified).</summary>
    public static TrainingRun Train(TrainingObjective objective, OptimizerRule rule, ReadOnlySpan<float> initial, Dataset train, Dataset? validation, TrainOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        int n = train.Rows, d = train.Columns, p = objective.Model.ParameterCount;
        int batchSize = options.BatchSize <= 0 || options.BatchSize >= n ? n : options.BatchSize;
        int batchesPerEpoch = (n + batchSize - 1) / batchSize;
        long steps = (long)options.Epochs * batchesPerEpoch;
        if (steps > MaxSteps)
        {
            throw new ArgumentOutOfRangeException("epochs", options.Epochs, $"{options.Epochs} epochs × {batchesPerEpoch} steps per epoch is more than {MaxSteps:N0} steps; use fewer epochs or larger batches");
        }

        int capacity = (int)steps;
        var run = new TrainingRun(capacity, p, p <= options.RecordParametersUpTo && (capacity + 1L) * p <= MaxRecordedParameterValues);

        float[] theta = initial.ToArray();
        float[] gradient = new float[p];
        float[] best = new float[p];
        float[] targets = objective.EncodeTargets(train.Targets);
        float[]? validationTargets = validation is null ? null : objective.EncodeTargets(validation.Targets);
        bool fullBatch = batchSize == n;
        float[] batchX = fullBatch ? train.Features : new float[batchSize * d];
        int w = objective.TargetWidth;
        float[] batchY = fullBatch ? targets : new float[batchSize * w];
        int[] order = Enumerable.Range(0, n).ToArray();
        var random = new Random(options.Seed);
        Optimizer? first = rule.Transform is null ? null : new Optimizer(rule.Transform, p);
        Lbfgs? lbfgs = rule.Lbfgs is null ? null : new Lbfgs(rule.Lbfgs, p);
        TrainingObjective.BatchObjective? closure = lbfgs is null ? null : objective.ForBatch(batchX, batchY);

        double startLoss = double.NaN, bestValidation = double.PositiveInfinity, bestTrain = double.PositiveInfinity;
        int sinceBest = 0, sinceImproved = 0;
        run.GradientNorm[0] = double.NaN;
        run.LearningRate[0] = rule.LearningRate.At(0);
        Record(run, 0, theta);
        int step = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            if (!fullBatch)
            {
                random.Shuffle(order);
            }

            double epochLoss = 0;
            int epochRows = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                if (cancellation.IsCancellationRequested)
                {
                    run.Cancelled = true;
                    return Finish(run, objective, theta, train, targets, step, best, run.BestEpoch > 0 && options.Patience > 0);
                }

                int batch = Math.Min(batchSize, n - start);
                if (!fullBatch)
                {
                    for (int i = 0; i < batch; i++)
                    {
                        int row = order[start + i];
                        train.Features.AsSpan(row * d, d).CopyTo(batchX.AsSpan(i * d, d));
                        targets.AsSpan(row * w, w).CopyTo(batchY.AsSpan(i * w, w));
                    }
                }

                double loss = objective.Evaluate(theta, batchX.AsSpan(0, batch * d), batchY.AsSpan(0, batch * w), batch, gradient);
                run.Loss[step] = loss;
                if (step == 0)
                {
                    startLoss = loss;
                }

                if (Diverging(loss, startLoss, options, out string? why))
                {
                    return Diverge(run, objective, theta, train, targets, step, why!);
                }

                epochLoss += loss * batch;
                epochRows += batch;
                double norm = Clipping.Norm(gradient);
                double lr = rule.LearningRate.At(step);
                if (first is not null)
                {
                    first.Step(theta, gradient);
                }
                else
                {
                    closure!.Rows = batch;
                    lbfgs!.Step(theta, closure.Invoke);
                }

                step++;
                run.Steps = step;
                run.LearningRate[step] = lr;
                run.GradientNorm[step] = norm;
                Record(run, step, theta);
                if (!AllFinite(theta))
                {
                    return Diverge(run, objective, theta, train, targets, step, $"a parameter became NaN or infinite at step {step}");
                }
            }

            run.Epochs = epoch;
            double trainLoss = epochLoss / epochRows;
            run.EpochTrainLoss.Add(trainLoss);
            bool stalled = false;
            if (options.Tolerance > 0)
            {
                bool quiet = double.IsFinite(bestTrain) && Math.Abs(trainLoss - bestTrain) <= options.Tolerance * Math.Abs(bestTrain);
                sinceImproved = quiet ? sinceImproved + 1 : 0;
                bestTrain = Math.Min(bestTrain, trainLoss);
                stalled = sinceImproved >= options.NoChangeEpochs;
            }

            if (validation is not null)
            {
                double v = objective.Evaluate(theta, validation, validationTargets!);
                run.EpochValidationLoss.Add(v);
                (rule.LearningRate as PlateauState)?.Report(v);
                if (v < bestValidation)
                {
                    bestValidation = v;
                    run.BestEpoch = epoch;
                    theta.CopyTo(best, 0);
                    sinceBest = 0;
                }
                else if (options.Patience > 0 && ++sinceBest >= options.Patience)
                {
                    run.StoppedEarly = true;
                    return Finish(run, objective, theta, train, targets, step, best, restoreBest: true);
                }
            }
            else
            {
                (rule.LearningRate as PlateauState)?.Report(epochLoss / epochRows);
            }

            if (stalled)
            {
                run.Converged = true;
                return Finish(run, objective, theta, train, targets, step, best, restoreBest: false);
            }
        }

        return Finish(run, objective, theta, train, targets, step, best, restoreBest: false);
    }

    private static TrainingRun Finish(TrainingRun run, TrainingObjective objective, float[] theta, Dataset train, float[] targets, int step, float[] best, bool restoreBest)
    {
        run.Loss[step] = objective.Evaluate(theta, train, targets);
        run.Parameters = restoreBest ? (float[])best.Clone() : theta;
        if (!run.Diverged && Diverging(run.Loss[step], run.Loss[0], new TrainOptions(), out string? why) && step > 0)
        {
            run.Diverged = true;
            run.Converged = false;
            run.DivergenceReason = why;
        }

        return run;
    }

    private static TrainingRun Diverge(TrainingRun run, TrainingObjective objective, float[] theta, Dataset train, float[] targets, int step, string reason)
    {
        run.Diverged = true;
        run.DivergenceReason = reason.Contains("step", StringComparison.Ordinal) ? reason : $"{reason} at step {step}";
        run.Loss[step] = objective.Evaluate(theta, train, targets);
        run.Parameters = theta;
        return run;
    }

    /// <summary>The default of <see cref="TrainOptions.ExplosionFactor"/>.</summary>
    internal const double DefaultExplosionFactor = 1e8;

    /// <summary>Whether a loss is not finite or exploded past <paramref name="factor"/> × max(1, |start|) (the test of every step).</summary>
    internal static bool Diverging(double loss, double start, double factor)
        => !double.IsFinite(loss) || (double.IsFinite(start) && Math.Abs(loss) > factor * Math.Max(1, Math.Abs(start)));

    private static bool Diverging(double loss, double start, TrainOptions options, out string? why)
    {
        if (!double.IsFinite(loss))
        {
            why = $"the loss became {loss}";
            return true;
        }

        double limit = options.ExplosionFactor * Math.Max(1, Math.Abs(start));
        if (double.IsFinite(start) && Math.Abs(loss) > limit)
        {
            why = $"the loss exploded to {TextNumber.G(loss, 4)} (more than {TextNumber.G(options.ExplosionFactor, 2)} × the starting {TextNumber.G(start, 4)})";
            return true;
        }

        why = null;
        return false;
    }

    internal static bool AllFinite(float[] values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private static void Record(TrainingRun run, int row, float[] theta)
    {
        if (run.ParameterHistory is float[] history)
        {
            theta.CopyTo(history, row * run.ParameterCount);
        }
    }
}
