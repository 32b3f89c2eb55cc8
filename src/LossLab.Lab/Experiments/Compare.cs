using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Lab.Verification;
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

    /// <summary>Cross-validation folds per repeat (≥ 2), or the number of time splits.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>Repeats of the K-fold assignment, each with a new shuffle.</summary>
    public int Repeats { get; init; } = 4;

    /// <summary>Seeds: each seed is a further set of <see cref="Repeats"/> fold assignments (new folds, new initialisations), so the plan has K · R · seeds splits.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>Shuffled or time folds; null picks time folds when the data are ordered in time.</summary>
    public LossLab.Lab.Verification.FoldScheme? Scheme { get; init; }

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
    public static IReadOnlyList<double> AutoRates { get; } = LossLab.Lab.Verification.VerificationSettings.DefaultRates;
}

/// <summary>One loss × optimizer, its learning rate tuned inside every training part.</summary>
/// <param name="Loss">Loss spec.</param>
/// <param name="Optimizer">Optimizer spec with the rate tuned most often.</param>
/// <param name="LearningRate">The rate tuned most often.</param>
/// <param name="Mean">Mean of the metric over the test parts of the splits.</param>
/// <param name="Std">Sample standard deviation over the splits.</param>
/// <param name="Scores">The metric per split (plan order), NaN where every rate diverged.</param>
/// <param name="Diverged">Splits where every rate diverged.</param>
/// <param name="Search">Mean metric on the inner validation rows per grid rate (averaged over the splits); empty for a single rate, which needs no inner run.</param>
public sealed record CandidateResult(string Loss, string Optimizer, double LearningRate, double Mean, double Std, double[] Scores, int Diverged, IReadOnlyDictionary<double, double> Search)
{
    /// <summary>The mean of every metric of the task over the splits.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>This candidate against the best (null for the best itself).</summary>
    public LossLab.Lab.Verification.Comparison? VersusBest { get; init; }
}

/// <summary>A paired comparison of the winner and the runner-up over the same splits.</summary>
/// <param name="MeanDifference">Mean of (runner-up − winner) in the direction where positive favours the winner.</param>
/// <param name="TStatistic">The corrected t statistic (same direction).</param>
/// <param name="PValue">Two-sided p-value of the Nadeau–Bengio corrected resampled t-test (Holm-adjusted over the comparisons with the winner).</param>
/// <param name="Pairs">Number of pairs.</param>
public sealed record PairedTest(double MeanDifference, double TStatistic, double PValue, int Pairs)
{
    /// <summary>The 95% interval of <see cref="MeanDifference"/>: lower end.</summary>
    public double Low { get; init; } = double.NaN;

    /// <summary>Upper end.</summary>
    public double High { get; init; } = double.NaN;

    /// <summary>The test's name.</summary>
    public string Test { get; init; } = LossLab.Lab.Verification.Comparison.Test;
}

/// <summary>The ranking.</summary>
/// <param name="Task">The task.</param>
/// <param name="Metric">The metric ranked by.</param>
/// <param name="LowerIsBetter">Its direction.</param>
/// <param name="Ranking">Candidates, best first (only those whose runs all finished).</param>
/// <param name="WinnerVsRunnerUp">The paired test, when there are two candidates.</param>
/// <param name="Cancelled">Whether Ctrl-C stopped it (the finished candidates are still ranked).</param>
/// <param name="RunsCompleted">(candidate, split) pairs finished.</param>
/// <param name="RunsTotal">(candidate, split) pairs planned.</param>
public sealed record CompareResult(TaskKind Task, string Metric, bool LowerIsBetter, IReadOnlyList<CandidateResult> Ranking, PairedTest? WinnerVsRunnerUp, bool Cancelled, int RunsCompleted, int RunsTotal)
{
    /// <summary>The verification run behind the ranking.</summary>
    public LossLab.Lab.Verification.VerificationRun? Run { get; init; }

    /// <summary>Friedman's test over the splits with Nemenyi's critical difference, with 3 or more candidates.</summary>
    public LossLab.Lab.Verification.RankTest? Ranks { get; init; }
}

/// <summary>
/// A fair comparison of losses × optimizers on one data set, on the shared verification engine (<see cref="Verifier"/>):
/// every combination is scored on the same splits of repeated K-fold cross-validation (or forward-chaining time splits),
/// with its learning rate tuned inside each training part on an inner hold-out (never on the scored rows; a single rate
/// leaves nothing to tune and is fitted on the training part straight away). The
/// candidates are ranked by their mean score; each is compared with the best by the Nadeau–Bengio corrected resampled
/// t-test with Holm's adjustment, and with 3 or more candidates Friedman's test with Nemenyi's critical difference ranks
/// them over the splits (Demšar 2006). Every result lands in a slot fixed before the start, so the outcome is the same
/// on any number of threads.
/// </summary>
public static class Compare
{
    /// <summary>The default metric of a task.</summary>
    public static string DefaultMetric(TaskKind task) => task switch
    {
        TaskKind.Regression => "rmse",
        TaskKind.Boxes => "mean_iou",
        TaskKind.Segmentation => "dice",
        _ => "log_loss",
    };

    /// <summary>Whether lower values of a metric are better.</summary>
    public static bool LowerIsBetter(string metric) => Scoring.LowerIsBetter(metric);

    /// <summary>τ of a <c>pinball_τ</c> metric (the mean pinball loss at quantile τ), or null.</summary>
    public static double? PinballTau(string metric) => Scoring.PinballTau(metric);

    /// <summary>Runs the comparison.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="settings">What to run.</param>
    /// <param name="progress">Called with (finished, total) after each (candidate, split), from any thread.</param>
    /// <param name="cancellation">Stops early; candidates whose splits all finished are kept.</param>
    /// <exception cref="SpecException">A spec that does not parse or does not fit the task.</exception>
    public static CompareResult Run(Dataset data, CompareSettings settings, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        VerificationPlan plan = Prepare(data, settings);
        VerificationRun run = Verifier.Run(plan, progress, cancellation);
        return ToCompareResult(data.Task, run, withOptimizer: settings.Optimizers.Count > 1);
    }

    /// <summary>
    /// Checks the settings against the data and builds the verification plan of the comparison: candidates are losses ×
    /// optimizers (loss-major), trial <c>c · splits + s</c> is candidate c on split s.
    /// </summary>
    /// <param name="data">The data set.</param>
    /// <param name="settings">What to run.</param>
    /// <exception cref="SpecException">A spec that does not parse or does not fit the task.</exception>
    public static VerificationPlan Prepare(Dataset data, CompareSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        string metric = settings.Metric ?? DefaultMetric(data.Task);
        IReadOnlyList<double> rates = settings.LearningRates ?? CompareSettings.AutoRates;
        if (settings.Losses.Count == 0 || settings.Optimizers.Count == 0 || rates.Count == 0)
        {
            throw new SpecException("compare needs at least one loss, one optimizer and one learning rate");
        }

        if (settings.Seeds < 1 || settings.Repeats < 1)
        {
            throw new SpecException($"--seeds {settings.Seeds}, --repeats {settings.Repeats}: both must be >= 1");
        }

        int outputs = data.Outputs;
        int trainRows = data.Rows - (data.Rows / Math.Max(2, settings.Folds));
        int perEpoch = settings.BatchSize > 0 ? (trainRows + settings.BatchSize - 1) / settings.BatchSize : trainRows <= 2048 ? 1 : (trainRows + 255) / 256;
        if ((long)settings.Epochs * perEpoch > Trainer.MaxSteps)
        {
            throw new SpecException($"--epochs {settings.Epochs}: with {perEpoch} steps per epoch that is more than {Trainer.MaxSteps:N0} steps per run; use fewer epochs or larger batches");
        }

        if (PinballTau(metric) is double tau && (data.Task != TaskKind.Regression || !(tau > 0 && tau < 1)))
        {
            throw new SpecException($"--metric {metric}: the pinball loss needs a regression target and a quantile in (0, 1)");
        }

        IReadOnlyList<string> names = Metrics.Names(data.Task);
        if (PinballTau(metric) is null && !names.Contains(metric))
        {
            throw new SpecException($"--metric {metric}: not a {data.Task.ToString().ToLowerInvariant()} metric; accepted: {string.Join(", ", names)}");
        }

        if (Verifier.ThresholdMetric(metric) && data.Task != TaskKind.Binary && data.Task != TaskKind.Multiclass)
        {
            throw new SpecException($"--metric {metric}: a classification metric");
        }

        FoldScheme scheme = settings.Scheme ?? (data.TimeColumn is not null ? FoldScheme.Time : FoldScheme.Shuffled);
        int folds = settings.Folds;
        if (settings.Scheme is null && scheme == FoldScheme.Time)
        {
            // Chosen because a date orders the rows: as many splits as the rows allow, else shuffled folds.
            folds = ResamplingPlan.TimeFoldsFor(data.Rows, settings.Folds);
            (scheme, folds) = folds >= 2 ? (scheme, folds) : (FoldScheme.Shuffled, settings.Folds);
        }

        var verification = new VerificationSettings
        {
            Plan = new ResamplingPlan
            {
                Folds = folds,
                Repeats = settings.Repeats * settings.Seeds,
                Scheme = scheme,
                Seed = settings.Seed,
            },
            LearningRates = rates,
            Metric = metric,
            TuneThreshold = data.Task == TaskKind.Binary && Verifier.ThresholdMetric(metric),
            Epochs = settings.Epochs,
            StepBudget = Math.Max(20_000, (long)settings.Epochs * Math.Min(perEpoch, 200)),
            BatchSize = settings.BatchSize,
            Model = settings.Model,
            Standardize = settings.Standardize,
            Parallelism = settings.Parallelism,
        };
        Candidate[] candidates = [.. settings.Losses.SelectMany(loss => settings.Optimizers.Select(optimizer => new Candidate(loss, optimizer)))];
        return Verifier.Prepare(data, candidates, verification);
    }

    /// <summary>The comparison's result from the outcomes of its trials (null where a trial did not finish).</summary>
    /// <param name="settings">The settings the plan was prepared from.</param>
    /// <param name="plan">The plan from <see cref="Prepare"/>.</param>
    /// <param name="slots">One outcome per trial, null where missing.</param>
    /// <param name="cancelled">Whether the run was stopped early.</param>
    public static CompareResult Assemble(CompareSettings settings, VerificationPlan plan, IReadOnlyList<SplitOutcome?> slots, bool cancelled)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(plan);
        VerificationRun run = Verifier.Assemble(plan, slots, cancelled);
        return ToCompareResult(plan.Data.Task, run, withOptimizer: settings.Optimizers.Count > 1);
    }

    /// <summary>
    /// The ranking of a verification run: candidates by mean score (a failed split ranks a candidate last), each
    /// against the best with the corrected t-test and Holm's adjustment, and Friedman's test over the splits.
    /// </summary>
    public static CompareResult ToCompareResult(TaskKind task, VerificationRun run, bool withOptimizer)
    {
        ArgumentNullException.ThrowIfNull(run);
        bool lower = run.LowerIsBetter;
        // Fewest failed splits first, then the mean over the splits that trained: a candidate that failed somewhere never
        // ranks above one that never did, and among candidates that all failed somewhere the order is still meaningful.
        double Key(CandidateOutcome c)
        {
            double[] trained = [.. c.Scores.Where(double.IsFinite)];
            return trained.Length == 0 ? double.PositiveInfinity : lower ? trained.Average() : -trained.Average();
        }

        var ordered = run.Candidates.OrderBy(c => c.Failed).ThenBy(Key).ToList();
        bool anyTrained = ordered.Count > 0 && ordered[0].Failed < ordered[0].Scores.Length;
        IReadOnlyList<Comparison> versusBest = ordered.Count >= 2 && anyTrained ? Judgement.Compare(run with { Candidates = ordered }, ordered[0], withOptimizer) : [];
        var ranking = new List<CandidateResult>();
        for (int i = 0; i < ordered.Count; i++)
        {
            CandidateOutcome c = ordered[i];
            var search = new SortedDictionary<double, double>();
            int grid = c.Splits.Count > 0 ? c.Splits[0].InnerScores.Length : 0;
            double[] rates = c.GridRates;
            for (int r = 0; r < Math.Min(grid, rates.Length); r++)
            {
                double[] values = [.. c.Splits.Select(s => s.InnerScores[r])];
                search[rates[r]] = values.Any(double.IsNaN) ? (lower ? double.PositiveInfinity : double.NegativeInfinity) : values.Average();
            }

            ranking.Add(new CandidateResult(c.Candidate.Loss, c.Optimizer, c.ModalRate, c.Mean, c.Std, c.Scores, c.Failed, search)
            {
                Metrics = c.MetricMeans,
                VersusBest = i == 0 || versusBest.Count == 0 ? null : versusBest[i - 1],
            });
        }

        PairedTest? test = null;
        if (versusBest.Count > 0)
        {
            Comparison v = versusBest[0];
            double sign = lower ? 1 : -1; // runner-up − winner, positive favouring the winner
            double a = -sign * v.MeanDifference, low = -sign * v.High, high = -sign * v.Low;
            test = new PairedTest(a, -sign * v.TStatistic, v.PAdjusted, v.Splits) { Low = Math.Min(low, high), High = Math.Max(low, high), Test = Judgement.TestOf(run) };
        }

        return new CompareResult(task, run.Metric, lower, ranking, test, run.Cancelled, run.RunsCompleted, run.RunsTotal) { Run = run, Ranks = Judgement.Ranks(run, withOptimizer) };
    }
}
