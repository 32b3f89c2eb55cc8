using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Specs;

namespace LossLab.Lab.Experiments;

/// <summary>What <c>losslab compare</c> runs.</summary>
public sealed record CompareSettings
{
    /// <summary>Loss specs.</summary>
    public required IReadOnlyList<string> Losses { get; init; }

    /// <summary>Optimizer specs; an <c>lr</c> in the spec is replaced by the learning-rate search.</summary>
    public required IReadOnlyList<string> Optimizers { get; init; }

    /// <summary>Learning rates every loss × optimizer may pick from (the same budget for all); null for <see cref="AutoRates"/>.</summary>
    public IReadOnlyList<double>? LearningRates { get; init; }

    /// <summary>Cross-validation folds (≥ 2).</summary>
    public int Folds { get; init; } = 3;

    /// <summary>Seeds per fold (initialisation and shuffling).</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Epochs per run.</summary>
    public int Epochs { get; init; } = 50;

    /// <summary>Rows per step; 0 picks full batch up to 2,048 training rows and 256 beyond.</summary>
    public int BatchSize { get; init; }

    /// <summary>Model spec.</summary>
    public string Model { get; init; } = "linear";

    /// <summary>Metric to rank by; null for the task's default (rmse, accuracy).</summary>
    public string? Metric { get; init; }

    /// <summary>
    /// Standardise features on each fold's training part, and a regression target too when every loss depends on the
    /// residual alone (their δ, β, c are then in target standard deviations); metrics stay in the original units.
    /// </summary>
    public bool Standardize { get; init; } = true;

    /// <summary>The base seed of the folds.</summary>
    public int Seed { get; init; }

    /// <summary>Largest number of runs at once (null: all cores). Results do not depend on it.</summary>
    public int? Parallelism { get; init; }

    /// <summary>The default search grid: 0.001 … 0.3, six log-spaced rates.</summary>
    public static IReadOnlyList<double> AutoRates { get; } = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];
}

/// <summary>One loss × optimizer, at its best learning rate.</summary>
/// <param name="Loss">Loss spec.</param>
/// <param name="Optimizer">Optimizer spec with the chosen rate.</param>
/// <param name="LearningRate">The chosen rate.</param>
/// <param name="Mean">Mean of the metric over folds × seeds.</param>
/// <param name="Std">Sample standard deviation over folds × seeds.</param>
/// <param name="Scores">The metric per fold × seed (fold-major), NaN for a diverged run.</param>
/// <param name="Diverged">Runs at the chosen rate that diverged.</param>
/// <param name="Search">Mean metric per learning rate tried.</param>
public sealed record CandidateResult(string Loss, string Optimizer, double LearningRate, double Mean, double Std, double[] Scores, int Diverged, IReadOnlyDictionary<double, double> Search);

/// <summary>A paired comparison of the winner and the runner-up over the same folds and seeds.</summary>
/// <param name="MeanDifference">Mean of (runner-up − winner) in the direction where positive favours the winner.</param>
/// <param name="TStatistic">Paired t statistic.</param>
/// <param name="PValue">Two-sided p-value of a paired sign-flip permutation test (exact up to 16 pairs).</param>
/// <param name="Pairs">Number of pairs.</param>
public sealed record PairedTest(double MeanDifference, double TStatistic, double PValue, int Pairs);

/// <summary>The ranking.</summary>
/// <param name="Task">The task.</param>
/// <param name="Metric">The metric ranked by.</param>
/// <param name="LowerIsBetter">Its direction.</param>
/// <param name="Ranking">Candidates, best first (only those whose runs all finished).</param>
/// <param name="WinnerVsRunnerUp">The paired test, when there are two candidates.</param>
/// <param name="Cancelled">Whether Ctrl-C stopped it (the finished candidates are still ranked).</param>
/// <param name="RunsCompleted">Runs finished.</param>
/// <param name="RunsTotal">Runs planned.</param>
public sealed record CompareResult(TaskKind Task, string Metric, bool LowerIsBetter, IReadOnlyList<CandidateResult> Ranking, PairedTest? WinnerVsRunnerUp, bool Cancelled, int RunsCompleted, int RunsTotal);

/// <summary>
/// A fair comparison of losses × optimizers on one data set: every combination gets the same learning-rate search,
/// the same folds, seeds, epochs and initialisations; it is ranked by a validation metric with mean ± std over
/// folds × seeds, and the winner is tested against the runner-up with a paired test. Runs go in parallel, and every
/// result lands in a slot fixed before the start, so the outcome is the same on any number of threads.
/// </summary>
public static class Compare
{
    /// <summary>The default metric of a task.</summary>
    public static string DefaultMetric(TaskKind task) => task switch
    {
        TaskKind.Regression => "rmse",
        TaskKind.Boxes => "mean_iou",
        TaskKind.Segmentation => "dice",
        _ => "accuracy",
    };

    /// <summary>Whether lower values of a metric are better.</summary>
    public static bool LowerIsBetter(string metric) => metric is not ("accuracy" or "balanced_accuracy" or "f1" or "roc_auc" or "r2" or "mean_iou" or "dice" or "iou");

    /// <summary>Runs the comparison.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="settings">What to run.</param>
    /// <param name="progress">Called with (finished, total) after each run, from any thread.</param>
    /// <param name="cancellation">Stops early; finished candidates are kept.</param>
    /// <exception cref="SpecException">A spec that does not parse or does not fit the task.</exception>
    public static CompareResult Run(Dataset data, CompareSettings settings, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        string metric = settings.Metric ?? DefaultMetric(data.Task);
        IReadOnlyList<double> rates = settings.LearningRates ?? CompareSettings.AutoRates;
        if (settings.Losses.Count == 0 || settings.Optimizers.Count == 0 || rates.Count == 0)
        {
            throw new SpecException("compare needs at least one loss, one optimizer and one learning rate");
        }

        if (settings.Seeds < 1)
        {
            throw new SpecException($"--seeds {settings.Seeds}: must be >= 1");
        }

        int outputs = data.Outputs;
        int classes = data.Task == TaskKind.Multiclass ? data.Classes : 0;

        // Validate every spec once, before any run, so a typo fails at once with a clear message.
        Fitter.CheckSize(ModelCatalog.Create(settings.Model, data.Columns, outputs));
        int trainRows = data.Rows - (data.Rows / settings.Folds);
        int perEpoch = settings.BatchSize > 0 ? (trainRows + settings.BatchSize - 1) / settings.BatchSize : trainRows <= 2048 ? 1 : (trainRows + 255) / 256;
        if ((long)settings.Epochs * perEpoch > Trainer.MaxSteps)
        {
            throw new SpecException($"--epochs {settings.Epochs}: with {perEpoch} steps per epoch that is more than {Trainer.MaxSteps:N0} steps per run; use fewer epochs or larger batches");
        }

        foreach (string loss in settings.Losses)
        {
            _ = new TrainingObjective(ModelCatalog.Create(settings.Model, data.Columns, outputs), LossCatalog.Create(loss, classes), data.Task, 1);
        }

        string[] optimizers = settings.Optimizers.Select(StripRate).ToArray();
        foreach (string optimizer in optimizers)
        {
            _ = OptimizerCatalog.Create(Demo.WithRate(optimizer, rates[0]));
        }

        if (PinballTau(metric) is double tau && (data.Task != TaskKind.Regression || !(tau > 0 && tau < 1)))
        {
            throw new SpecException($"--metric {metric}: the pinball loss needs a regression target and a quantile in (0, 1)");
        }

        if (PinballTau(metric) is null && !Metrics.Compute(data.Task, new float[outputs], new float[data.TargetWidth], Math.Max(1, data.Classes)).ContainsKey(metric))
        {
            throw new SpecException($"--metric {metric}: not a {data.Task.ToString().ToLowerInvariant()} metric; accepted: {string.Join(", ", Metrics.Compute(data.Task, new float[outputs], new float[data.TargetWidth], Math.Max(1, data.Classes)).Keys)}");
        }

        int[][] folds = Splits.KFold(data.Rows, settings.Folds, settings.Seed);
        int perCandidate = rates.Count * settings.Folds * settings.Seeds;
        int total = settings.Losses.Count * optimizers.Length * perCandidate;
        double[] scores = new double[total];
        bool[] done = new bool[total];
        bool[] diverged = new bool[total];
        int finished = 0;
        bool cancelled = false;
        var options = new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism ?? Environment.ProcessorCount, CancellationToken = cancellation };
        try
        {
            Parallel.For(0, total, options, index =>
            {
                (int l, int o, int r, int f, int s) = Decode(index, optimizers.Length, rates.Count, settings.Folds, settings.Seeds);
                (scores[index], diverged[index]) = RunOne(data, settings, settings.Losses[l], Demo.WithRate(optimizers[o], rates[r]), folds, f, settings.Seed + s, metric, outputs, classes);
                done[index] = true;
                progress?.Invoke(Interlocked.Increment(ref finished), total);
            });
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }

        bool lower = LowerIsBetter(metric);
        var ranking = new List<CandidateResult>();
        for (int l = 0; l < settings.Losses.Count; l++)
        {
            for (int o = 0; o < optimizers.Length; o++)
            {
                int first = ((l * optimizers.Length) + o) * perCandidate;
                if (!done.AsSpan(first, perCandidate).ToArray().All(d => d))
                {
                    continue;
                }

                var search = new Dictionary<double, double>();
                int bestRate = -1;
                double bestMean = double.NaN;
                for (int r = 0; r < rates.Count; r++)
                {
                    double mean = MeanOf(scores.AsSpan(first + (r * settings.Folds * settings.Seeds), settings.Folds * settings.Seeds), lower);
                    search[rates[r]] = mean;
                    if (bestRate < 0 || Better(mean, bestMean, lower))
                    {
                        bestRate = r;
                        bestMean = mean;
                    }
                }

                int at = first + (bestRate * settings.Folds * settings.Seeds);
                double[] chosen = scores.AsSpan(at, settings.Folds * settings.Seeds).ToArray();
                ranking.Add(new CandidateResult(
                    settings.Losses[l],
                    Demo.WithRate(optimizers[o], rates[bestRate]),
                    rates[bestRate],
                    bestMean,
                    Std(chosen),
                    chosen,
                    diverged.AsSpan(at, chosen.Length).ToArray().Count(d => d),
                    search));
            }
        }

        ranking.Sort((a, b) => Better(a.Mean, b.Mean, lower) ? -1 : Better(b.Mean, a.Mean, lower) ? 1 : 0);
        PairedTest? test = ranking.Count >= 2 ? Paired(ranking[0].Scores, ranking[1].Scores, lower) : null;
        return new CompareResult(data.Task, metric, lower, ranking, test, cancelled, finished, total);
    }

    private static (double Score, bool Diverged) RunOne(Dataset data, CompareSettings settings, string lossSpec, string optimizerSpec, int[][] folds, int fold, int seed, string metric, int outputs, int classes)
    {
        int[] validationRows = folds[fold];
        int[] trainRows = folds.Where((_, k) => k != fold).SelectMany(rows => rows).Order().ToArray();
        Dataset train = data.Subset(trainRows), validation = data.Subset(validationRows);
        Standardizer scaler = settings.Standardize ? Standardizer.Fit(train) : Standardizer.Identity(train.Columns);
        train = scaler.Apply(train);
        validation = scaler.Apply(validation);

        // A regression target is standardised too (on the training part), so that every optimizer faces the same
        // scale whatever the units of y; the metric is computed back in the original units.
        (double center, double spread) = (0, 1);
        if (settings.Standardize && data.Task == TaskKind.Regression && settings.Losses.All(ShiftInvariant))
        {
            center = train.Targets.Average(v => (double)v);
            spread = Math.Sqrt(train.Targets.Average(v => (v - center) * (v - center)));
            spread = spread > 1e-12 ? spread : 1;
            train = train.WithTargets(train.Targets.Select(v => (float)((v - center) / spread)).ToArray());
        }

        Model model = ModelCatalog.Create(settings.Model, data.Columns, outputs);
        int batch = settings.BatchSize > 0 ? settings.BatchSize : train.Rows <= 2048 ? 0 : 256;
        var objective = new TrainingObjective(model, LossCatalog.Create(lossSpec, classes), data.Task, batch == 0 ? train.Rows : batch);
        float[] initial = new float[model.ParameterCount];
        model.Initialize(initial, Init.Default, new Random(seed));
        objective.ApplyPrior(initial, train);
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create(optimizerSpec), initial, train, null, new TrainOptions { Epochs = settings.Epochs, BatchSize = batch, Seed = seed, RecordParametersUpTo = 0 });
        if (run.Diverged)
        {
            return (double.NaN, true);
        }

        float[] predictions = objective.ToResponse(objective.Predict(run.Parameters, validation));
        if (data.Task == TaskKind.Regression)
        {
            for (int i = 0; i < predictions.Length; i++)
            {
                predictions[i] = (float)((predictions[i] * spread) + center);
            }
        }

        if (PinballTau(metric) is double tau)
        {
            double sum = 0;
            for (int i = 0; i < predictions.Length; i++)
            {
                double r = validation.Targets[i] - (double)predictions[i];
                sum += r >= 0 ? tau * r : (tau - 1) * r;
            }

            return (sum / predictions.Length, false);
        }

        return (Metrics.Compute(data.Task, predictions, validation.Targets, Math.Max(1, data.Classes))[metric], false);
    }

    /// <summary>
    /// Losses of the residual alone, for which standardising the target only rescales their parameters (δ, β, c in
    /// target standard deviations). With a loss that needs the raw target (msle, mape, poisson_nll) the target of the
    /// whole comparison is left in its units, so every candidate sees the same data.
    /// </summary>
    private static bool ShiftInvariant(string loss) => Spec.Parse(loss).Name is "l1" or "mse" or "huber" or "smooth_l1" or "log_cosh"
        or "pseudo_huber" or "quantile" or "epsilon_insensitive" or "squared_epsilon_insensitive" or "cauchy" or "tukey" or "barron";

    /// <summary>τ of a <c>pinball_τ</c> metric (the mean pinball loss at quantile τ), or null.</summary>
    public static double? PinballTau(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.StartsWith("pinball_", StringComparison.Ordinal)
            && double.TryParse(metric["pinball_".Length..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double tau)
            ? tau
            : null;
    }

    private static (int L, int O, int R, int F, int S) Decode(int index, int optimizers, int rates, int folds, int seeds)
    {
        int s = index % seeds;
        index /= seeds;
        int f = index % folds;
        index /= folds;
        int r = index % rates;
        index /= rates;
        int o = index % optimizers;
        return (index / optimizers, o, r, f, s);
    }

    /// <summary>Mean where a diverged run (NaN) counts as the worst possible score.</summary>
    private static double MeanOf(ReadOnlySpan<double> values, bool lower)
    {
        double sum = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                return lower ? double.PositiveInfinity : double.NegativeInfinity;
            }

            sum += v;
        }

        return sum / values.Length;
    }

    private static bool Better(double a, double b, bool lower) => lower ? a < b : a > b;

    private static double Std(double[] values)
    {
        if (values.Length < 2 || values.Any(double.IsNaN))
        {
            return values.Length < 2 ? 0 : double.NaN;
        }

        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }

    /// <summary>Paired sign-flip permutation test of the mean difference (exact for up to 16 pairs, else 20,000 seeded flips).</summary>
    public static PairedTest Paired(double[] winner, double[] runnerUp, bool lowerIsBetter)
    {
        ArgumentNullException.ThrowIfNull(winner);
        ArgumentNullException.ThrowIfNull(runnerUp);
        double[] d = winner.Zip(runnerUp, (w, r) => lowerIsBetter ? r - w : w - r).ToArray();
        if (d.Any(v => !double.IsFinite(v)))
        {
            return new PairedTest(double.NaN, double.NaN, double.NaN, d.Length);
        }

        double mean = d.Average();
        double sd = Std(d);
        double t = sd > 0 ? mean / (sd / Math.Sqrt(d.Length)) : mean == 0 ? 0 : double.PositiveInfinity;
        double observed = Math.Abs(d.Sum());
        int extreme = 0, trials;
        if (d.Length <= 16)
        {
            trials = 1 << d.Length;
            for (int mask = 0; mask < trials; mask++)
            {
                double sum = 0;
                for (int i = 0; i < d.Length; i++)
                {
                    sum += (mask & (1 << i)) != 0 ? -d[i] : d[i];
                }

                extreme += Math.Abs(sum) >= observed - 1e-12 ? 1 : 0;
            }
        }
        else
        {
            trials = 20_000;
            var random = new Random(12345);
            for (int k = 0; k < trials; k++)
            {
                double sum = 0;
                foreach (double v in d)
                {
                    sum += random.Next(2) == 0 ? v : -v;
                }

                extreme += Math.Abs(sum) >= observed - 1e-12 ? 1 : 0;
            }
        }

        return new PairedTest(mean, t, (double)extreme / trials, d.Length);
    }

    private static string StripRate(string spec)
    {
        Spec parsed = Spec.Parse(spec);
        var kept = parsed.Arguments.Where(a => a.Key != "lr").ToList();
        return new Spec(parsed.Name, kept).ToString();
    }
}
