using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Specs;

namespace LossLab.Lab.Verification;

/// <summary>
/// One candidate: a loss and an optimizer whose learning rate is tuned inside every training part — or, with the
/// optimizer <see cref="Verifier.MmSolver"/>, the exact MM-estimate of a linear model (loss <c>tukey</c>; nothing to tune).
/// </summary>
/// <param name="Loss">The loss spec.</param>
/// <param name="Optimizer">The optimizer spec; an <c>lr</c> in it is replaced by the tuned rate.</param>
public sealed record Candidate(string Loss, string Optimizer)
{
    /// <summary>
    /// Estimates the loss's own parameters on each training part (a Huber δ from the part's robust scale, a pos_weight
    /// from the part's class counts): given the rows a model is trained on, in their original units, it returns the
    /// spec to train with. Null trains <see cref="Loss"/> as written. The estimate never sees the rows scored. The part
    /// holds the float32 values only (<see cref="Dataset.FeaturesDouble"/> is null there: the training copies leave the
    /// doubles out, which more than halves them).
    /// </summary>
    public Func<Dataset, string>? PerSplit { get; init; }

    /// <summary>Whether the candidate is fitted by the exact MM solver instead of an optimizer.</summary>
    public bool IsSolver => Optimizer == Verifier.MmSolver;
}

/// <summary>What a verification runs.</summary>
public sealed record VerificationSettings
{
    /// <summary>The default learning-rate grid: 0.001 … 0.3, six log-spaced rates.</summary>
    public static IReadOnlyList<double> DefaultRates { get; } = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3];

    /// <summary>The splits every candidate is scored on.</summary>
    public ResamplingPlan Plan { get; init; } = new();

    /// <summary>The learning rates tuned over (extended once past an edge where the best rate sits).</summary>
    public IReadOnlyList<double> LearningRates { get; init; } = DefaultRates;

    /// <summary>The metric that decides: it picks the learning rate inside each training part and ranks the candidates.</summary>
    public required string Metric { get; init; }

    /// <summary>
    /// For binary data with a threshold-dependent metric (<c>f1</c>, <c>balanced_accuracy</c>, <c>accuracy</c>): the
    /// probability threshold is tuned on the inner validation rows of each training part, then applied to the test part.
    /// </summary>
    public bool TuneThreshold { get; init; }

    /// <summary>The most epochs per run.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>The most optimizer steps per run: large data get fewer epochs so a run costs at most this many steps.</summary>
    public long StepBudget { get; init; } = 20_000;

    /// <summary>Rows per step; 0 picks full batch up to 2,048 training rows and 256 beyond.</summary>
    public int BatchSize { get; init; }

    /// <summary>The model spec.</summary>
    public string Model { get; init; } = "linear";

    /// <summary>Standardise features (and a regression target for losses of the residual) on each training part.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>The share of each training part held out to tune on.</summary>
    public double InnerShare { get; init; } = 0.2;

    /// <summary>The most rows the inner tuning uses (a seeded sample of larger training parts).</summary>
    public int TuningRows { get; init; } = 20_000;

    /// <summary>Largest number of runs at once (null: all cores). Results do not depend on it.</summary>
    public int? Parallelism { get; init; }

    /// <summary>Train every fit alone with <see cref="Trainer"/>, never in a group (the reference the grouped path is tested against).</summary>
    internal bool OneModelAtATime { get; init; }
}

/// <summary>One candidate on one split.</summary>
/// <param name="Score">The decision metric on the test part (NaN when every rate diverged).</param>
/// <param name="Metrics">Every metric of the task on the test part.</param>
/// <param name="LearningRate">The rate tuned on the inner split.</param>
/// <param name="Threshold">The tuned probability threshold, or null.</param>
/// <param name="Diverged">Whether the run diverged at every rate tried.</param>
/// <param name="AtEdge">Whether the tuned rate sat at an edge of the grid even after the grid was extended once.</param>
/// <param name="Extended">Whether the grid was extended (its best rate was at an edge).</param>
/// <param name="InnerScores">The decision metric on the inner validation rows, per grid rate (in grid order); empty when the grid is a single rate and no threshold is tuned (nothing to choose, so no inner run).</param>
public sealed record SplitOutcome(double Score, IReadOnlyDictionary<string, double> Metrics, double LearningRate, double? Threshold, bool Diverged, bool AtEdge, bool Extended, double[] InnerScores);

/// <summary>A candidate over all splits.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Optimizer">The optimizer spec with the learning rate chosen most often (the one shown to people).</param>
/// <param name="Splits">One outcome per split, in plan order.</param>
/// <param name="Scores">The decision metric per split.</param>
/// <param name="Mean">The mean of <paramref name="Scores"/> (NaN when a split failed).</param>
/// <param name="Std">Their sample standard deviation.</param>
/// <param name="MetricMeans">The mean of every metric over the splits.</param>
/// <param name="ModalRate">The rate chosen most often (the smaller on ties).</param>
/// <param name="ModalShare">The share of splits that chose it.</param>
public sealed record CandidateOutcome(Candidate Candidate, string Optimizer, IReadOnlyList<SplitOutcome> Splits, double[] Scores, double Mean, double Std, IReadOnlyDictionary<string, double> MetricMeans, double ModalRate, double ModalShare)
{
    /// <summary>Splits where every rate diverged.</summary>
    public int Failed => Splits.Count(s => s.Diverged);

    /// <summary>The grid of learning rates, sorted, in the order of <see cref="SplitOutcome.InnerScores"/>.</summary>
    public double[] GridRates { get; init; } = [];

    /// <summary>Splits whose tuned rate stayed at the edge of the extended grid.</summary>
    public int AtEdge => Splits.Count(s => s.AtEdge);
}

/// <summary>The outcome of a verification: every candidate on the same splits.</summary>
/// <param name="Metric">The decision metric.</param>
/// <param name="LowerIsBetter">Its direction.</param>
/// <param name="Plan">The resampling plan.</param>
/// <param name="TestToTrainRatio">The mean n_test/n_train over the splits (the Nadeau–Bengio correction's ratio); 0 for time splits, whose differences get the plain paired t-test.</param>
/// <param name="Candidates">The candidates in the order given (only finished ones when cancelled).</param>
/// <param name="Cancelled">Whether Ctrl-C stopped it.</param>
/// <param name="RunsCompleted">(candidate, split) pairs finished.</param>
/// <param name="RunsTotal">(candidate, split) pairs planned.</param>
public sealed record VerificationRun(string Metric, bool LowerIsBetter, ResamplingPlan Plan, double TestToTrainRatio, IReadOnlyList<CandidateOutcome> Candidates, bool Cancelled, int RunsCompleted, int RunsTotal);

/// <summary>
/// A verification ready to run, from <see cref="Verifier.Prepare"/>: the checked candidates, the splits, the sorted grid of
/// learning rates, the strata and the metric's direction. Trial <c>c · splits + s</c> is candidate c on split s.
/// </summary>
public sealed class VerificationPlan
{
    internal VerificationPlan(Dataset data, IReadOnlyList<Candidate> candidates, VerificationSettings settings, IReadOnlyList<Split> splits, double[] rates, int[]? strata, bool lowerIsBetter)
    {
        Data = data;
        Candidates = candidates;
        Settings = settings;
        Splits = splits;
        Rates = rates;
        Strata = strata;
        LowerIsBetter = lowerIsBetter;
    }

    /// <summary>The data set.</summary>
    public Dataset Data { get; }

    /// <summary>The candidates, in the order given.</summary>
    public IReadOnlyList<Candidate> Candidates { get; }

    /// <summary>The settings.</summary>
    public VerificationSettings Settings { get; }

    /// <summary>The splits every candidate is scored on, in plan order.</summary>
    public IReadOnlyList<Split> Splits { get; }

    /// <summary>The learning rates, distinct and ascending.</summary>
    public double[] Rates { get; }

    /// <summary>The class of every row for stratified splits (classification), or null.</summary>
    public int[]? Strata { get; }

    /// <summary>Whether lower values of the metric are better.</summary>
    public bool LowerIsBetter { get; }

    /// <summary>The number of trials: candidates × splits.</summary>
    public int Trials => Candidates.Count * Splits.Count;
}

/// <summary>
/// The verification engine shared by <c>advise</c> and <c>compare</c>: every candidate (loss × optimizer) is trained and
/// scored on the same splits of a <see cref="ResamplingPlan"/>. Inside each split the learning rate (and a decision
/// threshold where the metric needs one) is tuned on an inner hold-out of the training part only; the model is then
/// refitted on the whole training part and scored once on the test part, which tuning never saw (nested resampling);
/// a single rate with no threshold to tune is fitted on the training part straight away. The candidates of a split
/// train together where they can (linear models share every mini-batch), each exactly as it would alone.
/// Each (candidate, split) writes to a slot fixed before the start, so the outcome is the same on any number of threads.
/// </summary>
public static class Verifier
{
    /// <summary>
    /// The optimizer text of a candidate fitted by the MM-estimator (high breakdown, 95% efficiency; R's <c>lmrob</c>)
    /// instead of gradient steps: a linear model with the <c>tukey</c> loss, for regression data.
    /// </summary>
    public const string MmSolver = "mm";

    /// <summary>Metrics whose value depends on a decision threshold.</summary>
    public static bool ThresholdMetric(string metric) => metric is "f1" or "balanced_accuracy" or "accuracy";

    /// <summary>Runs the verification: <see cref="Prepare"/>, every trial by <see cref="RunTrial"/> in parallel, then <see cref="Assemble"/>.</summary>
    /// <param name="data">The data set.</param>
    /// <param name="candidates">The candidates.</param>
    /// <param name="settings">How.</param>
    /// <param name="progress">Called with (finished, total) after each (candidate, split), from any thread.</param>
    /// <param name="cancellation">Stops early; candidates whose splits all finished are kept.</param>
    /// <exception cref="SpecException">A spec that does not parse or does not fit the task; too few rows for the plan.</exception>
    public static VerificationRun Run(Dataset data, IReadOnlyList<Candidate> candidates, VerificationSettings settings, Action<int, int>? progress = null, CancellationToken cancellation = default)
        => Run(Prepare(data, candidates, settings), progress, cancellation);

    /// <summary>Runs every trial of a prepared plan in parallel (<see cref="RunTrial"/>), then <see cref="Assemble"/>.</summary>
    /// <param name="plan">The plan from <see cref="Prepare"/>.</param>
    /// <param name="progress">Called with (finished, total) after each (candidate, split), from any thread.</param>
    /// <param name="cancellation">Stops early; candidates whose splits all finished are kept.</param>
    public static VerificationRun Run(VerificationPlan plan, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        int total = plan.Trials;
        var slots = new SplitOutcome?[total];
        int finished = 0;
        bool cancelled = false;
        int degree = plan.Settings.Parallelism ?? Environment.ProcessorCount;

        // Candidates of a one-output linear model on the same split run in groups of up to 8 (their fits share the
        // splits, the shuffles and every mini-batch), about as many groups as threads; other models run trial by trial.
        // Each trial's outcome is the same in any group, so the grouping changes only the speed.
        int splits = plan.Splits.Count, candidates = plan.Candidates.Count;
        bool shared = LinearGroupTrainer.Supported && !plan.Settings.OneModelAtATime
            && ModelCatalog.Create(plan.Settings.Model, plan.Data.Columns, plan.Data.Outputs) is LinearModel { Outputs: 1, Inputs: >= 2 };
        int size = shared ? Math.Clamp((int)Math.Ceiling((double)total / Math.Max(1, degree)), 1, 8) : 1;
        var work = new List<(int Split, int First, int Count)>();
        for (int s = 0; s < splits; s++)
        {
            for (int first = 0; first < candidates; first += size)
            {
                work.Add((s, first, Math.Min(size, candidates - first)));
            }
        }

        // Each run at once holds copies of its training and test parts and its fits' scratch memory: no more runs start
        // together than the memory the process may use holds (a limit of the grouping's threads only, which the results
        // do not depend on).
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Min(degree, MemoryDegree(plan)), CancellationToken = cancellation };
        try
        {
            Parallel.For(0, work.Count, options, index =>
            {
                (int s, int first, int count) = work[index];
                Candidate[] group = [.. Enumerable.Range(first, count).Select(c => plan.Candidates[c])];
                SplitOutcome[] outcomes = RunGroup(plan.Data, group, plan.Splits[s], plan.Settings, plan.Rates, plan.Strata, plan.LowerIsBetter, cancellation);
                for (int i = 0; i < count; i++)
                {
                    slots[((first + i) * splits) + s] = outcomes[i];
                    int done = Interlocked.Increment(ref finished);
                    progress?.Invoke(done, total);
                }
            });
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }

        return Assemble(plan, slots, cancelled);
    }

    /// <summary>
    /// Checks the candidates against the data and settings, and fixes the splits, the sorted rate grid, the strata and the
    /// metric's direction: everything a trial needs. Trial <c>c · splits + s</c> is candidate c on split s.
    /// </summary>
    /// <param name="data">The data set.</param>
    /// <param name="candidates">The candidates.</param>
    /// <param name="settings">How.</param>
    /// <exception cref="SpecException">A spec that does not parse or does not fit the task; too few rows for the plan.</exception>
    public static VerificationPlan Prepare(Dataset data, IReadOnlyList<Candidate> candidates, VerificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(settings);
        if (candidates.Count == 0 || settings.LearningRates.Count == 0)
        {
            throw new SpecException("a verification needs at least one candidate and one learning rate");
        }

        int outputs = data.Outputs;
        int classes = data.Task == TaskKind.Multiclass ? data.Classes : 0;
        Fitter.CheckSize(ModelCatalog.Create(settings.Model, data.Columns, outputs));
        foreach (Candidate c in candidates)
        {
            if (c.IsSolver)
            {
                if (data.Task != TaskKind.Regression || LossCatalog.Create(c.Loss) is not Tukey)
                {
                    throw new SpecException($"the MM solver fits a linear regression with the tukey loss, not {c.Loss} on {data.Task.ToString().ToLowerInvariant()} data");
                }

                continue;
            }

            var objective = new TrainingObjective(ModelCatalog.Create(settings.Model, data.Columns, outputs), LossCatalog.Create(c.Loss, classes), data.Task, 1);
            _ = OptimizerCatalog.Create(WithRate(c.Optimizer, settings.LearningRates[0]));
            try
            {
                _ = objective.EncodeTargets((float[])data.Targets.Clone());
            }
            catch (ArgumentException e)
            {
                throw new SpecException($"{c.Loss} cannot be trained on this target: {e.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        int[]? strata = data.Task is TaskKind.Binary or TaskKind.Multiclass ? data.Targets.Select(t => (int)t).ToArray() : null;
        IReadOnlyList<Split> splits;
        try
        {
            splits = settings.Plan.Create(data.Rows, strata);
        }
        catch (ArgumentException e)
        {
            throw new SpecException(e.Message);
        }

        double[] rates = [.. settings.LearningRates.Distinct().Order()];
        return new VerificationPlan(data, candidates, settings, splits, rates, strata, Scoring.LowerIsBetter(settings.Metric));
    }

    /// <summary>Runs one trial of a plan: candidate <c>index / splits</c> on split <c>index % splits</c>.</summary>
    /// <param name="plan">The plan from <see cref="Prepare"/>.</param>
    /// <param name="index">The trial, 0 … <see cref="VerificationPlan.Trials"/> − 1.</param>
    /// <param name="cancellation">Stops the trial (it throws <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index outside the plan.</exception>
    public static SplitOutcome RunTrial(VerificationPlan plan, int index, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, plan.Trials);
        int c = index / plan.Splits.Count, s = index % plan.Splits.Count;
        return RunGroup(plan.Data, [plan.Candidates[c]], plan.Splits[s], plan.Settings, plan.Rates, plan.Strata, plan.LowerIsBetter, cancellation)[0];
    }

    /// <summary>
    /// The verification run from the outcomes of the trials (a slot per trial, null where it did not finish): candidates
    /// whose splits all finished are summarised, in the order given.
    /// </summary>
    /// <param name="plan">The plan from <see cref="Prepare"/>.</param>
    /// <param name="slots">One outcome per trial (<see cref="VerificationPlan.Trials"/> of them), null where missing.</param>
    /// <param name="cancelled">Whether the run was stopped early.</param>
    /// <exception cref="ArgumentException">Not one slot per trial.</exception>
    public static VerificationRun Assemble(VerificationPlan plan, IReadOnlyList<SplitOutcome?> slots, bool cancelled)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Count != plan.Trials)
        {
            throw new ArgumentException($"{slots.Count} outcomes for {plan.Trials} trials", nameof(slots));
        }

        int splitCount = plan.Splits.Count;
        var outcomes = new List<CandidateOutcome>();
        for (int c = 0; c < plan.Candidates.Count; c++)
        {
            SplitOutcome?[] mine = [.. Enumerable.Range(c * splitCount, splitCount).Select(i => slots[i])];
            if (mine.Any(o => o is null))
            {
                continue;
            }

            outcomes.Add(Summarise(plan.Candidates[c], [.. mine.Select(o => o!)]) with { GridRates = plan.Rates });
        }

        // Nadeau and Bengio's correction is for random splits of a fixed size; forward-chaining splits have nested training
        // parts and disjoint test blocks, so their differences are tested by the plain paired t-test (ratio 0).
        double ratio = plan.Settings.Plan.Scheme == FoldScheme.Time ? 0 : plan.Splits.Average(s => (double)s.Test.Length / s.Train.Length);
        int finished = slots.Count(o => o is not null);
        return new VerificationRun(plan.Settings.Metric, plan.LowerIsBetter, plan.Settings.Plan, ratio, outcomes, cancelled, finished, plan.Trials);
    }

    /// <summary>
    /// Bytes one run of a plan holds at its peak, roughly: 48 bytes per value of its largest training part (the float32
    /// training and test copies, their standardised copies and targets, and a robust fit's design, QR and reweighted
    /// design in double for a per-split Huber δ or the MM solver).
    /// </summary>
    internal static long RunBytes(VerificationPlan plan)
    {
        long rows = plan.Splits.Count == 0 ? 0 : plan.Splits.Max(s => (long)s.Train.Length);
        return rows * (plan.Data.Columns + plan.Data.TargetWidth + 1) * 48;
    }

    /// <summary>
    /// The most runs of a plan that fit at once into three quarters of the memory the garbage collector may use (a
    /// container's or <c>DOTNET_GCHeapHardLimit</c>'s limit, or the machine's memory) beyond what is live now; at least 1.
    /// Plans whose runs are small (under 64 MB) are not limited.
    /// </summary>
    private static int MemoryDegree(VerificationPlan plan)
    {
        long perRun = RunBytes(plan);
        if (perRun < (64L << 20))
        {
            return int.MaxValue;
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (available <= 0)
        {
            return int.MaxValue;
        }

        long room = (available / 4 * 3) - GC.GetTotalMemory(forceFullCollection: true);
        return (int)Math.Clamp(room / perRun, 1, int.MaxValue);
    }

    /// <summary>An optimizer spec with its <c>lr</c> set last (replacing one given).</summary>
    public static string WithRate(string optimizer, double rate)
    {
        Spec parsed = Spec.Parse(optimizer);
        var kept = parsed.Arguments.Where(a => a.Key != "lr").ToList();
        kept.Add(new KeyValuePair<string, string>("lr", rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        return new Spec(parsed.Name, kept).ToString();
    }

    private static CandidateOutcome Summarise(Candidate candidate, SplitOutcome[] splits)
    {
        double[] scores = [.. splits.Select(s => s.Score)];
        double mean = scores.Any(double.IsNaN) ? double.NaN : scores.Average();
        double std = double.IsNaN(mean) ? double.NaN : scores.Length < 2 ? 0 : Math.Sqrt(scores.Sum(v => (v - mean) * (v - mean)) / (scores.Length - 1));
        var metricMeans = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (string key in splits.Where(s => !s.Diverged).SelectMany(s => s.Metrics.Keys).Distinct())
        {
            double[] values = [.. splits.Select(s => s.Metrics.TryGetValue(key, out double v) ? v : double.NaN).Where(double.IsFinite)];
            metricMeans[key] = values.Length > 0 ? values.Average() : double.NaN;
        }

        var byRate = splits.Where(s => !s.Diverged).GroupBy(s => s.LearningRate).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).FirstOrDefault();
        double modal = byRate?.Key ?? double.NaN;
        double share = byRate is null ? 0 : (double)byRate.Count() / splits.Length;
        string optimizer = double.IsNaN(modal) || candidate.IsSolver ? candidate.Optimizer : WithRate(candidate.Optimizer, modal);
        return new CandidateOutcome(candidate, optimizer, splits, scores, mean, std, metricMeans, modal, share);
    }

    /// <summary>
    /// Candidates on one split. A single rate with no threshold to tune needs no inner tuning (there is nothing to
    /// choose): the candidate is fitted at it on the training part straight away. Otherwise every rate is tuned on the
    /// inner split, an edge rate gets one more rate beyond it, and the tuned rate is refitted on the whole training part
    /// (the next smaller rate that trained in tuning taking its place should it diverge there). The fits of each stage
    /// run together (<see cref="FitMany"/>); every candidate's outcome is what it would be alone.
    /// </summary>
    private static SplitOutcome[] RunGroup(Dataset data, Candidate[] candidates, Split split, VerificationSettings settings, double[] rates, int[]? strata, bool lower, CancellationToken cancellation)
    {
        int seed = unchecked((settings.Plan.Seed * 7919) + split.Index + 1);
        int count = candidates.Length;
        var outcomes = new SplitOutcome?[count];
        for (int c = 0; c < count; c++)
        {
            if (candidates[c].IsSolver)
            {
                cancellation.ThrowIfCancellationRequested();
                outcomes[c] = SolveSplit(data, candidates[c], split, settings, seed);
            }
        }

        int[] fitted = [.. Enumerable.Range(0, count).Where(c => outcomes[c] is null)];
        if (fitted.Length == 0)
        {
            return [.. outcomes.Select(o => o!)];
        }

        var tried = new List<(double Rate, double Score, float[]? Outputs)>[count];
        double[][] innerScores = new double[count][];
        int[] best = new int[count];
        bool[] extended = new bool[count], atEdge = new bool[count];
        Dataset? tuneValidation = null;
        bool tune = rates.Length > 1 || (settings.TuneThreshold && data.Task == TaskKind.Binary);
        if (!tune)
        {
            foreach (int c in fitted)
            {
                tried[c] = [(rates[0], double.NaN, null)];
                innerScores[c] = [];
            }
        }
        else
        {
            // Tune the rate on the inner split; a rate at either edge of the grid gets one more rate beyond it.
            (int[] innerTrain, int[] innerValidation) = settings.Plan.Inner(split.Train, settings.InnerShare, settings.TuningRows, seed, strata);
            Dataset tuneTrain = data.SubsetOf(innerTrain, withDoubles: false);
            tuneValidation = data.SubsetOf(innerValidation, withDoubles: false);
            var jobs = new List<(Candidate Candidate, double Rate)>();
            foreach (int c in fitted)
            {
                jobs.AddRange(rates.Select(rate => (candidates[c], rate)));
            }

            float[]?[] outputs = FitMany(data, jobs, settings, tuneTrain, tuneValidation, seed, cancellation);
            for (int i = 0; i < fitted.Length; i++)
            {
                int c = fitted[i];
                tried[c] = [.. rates.Select((rate, r) => Tuned(data, settings, tuneValidation, rate, outputs[(i * rates.Length) + r]))];
                innerScores[c] = [.. tried[c].Select(t => t.Score)];
                best[c] = Best(tried[c], lower);
            }

            int[] edge = [.. fitted.Where(c => best[c] >= 0 && rates.Length >= 2 && (best[c] == 0 || best[c] == rates.Length - 1))];
            var extra = new List<(Candidate Candidate, double Rate)>();
            foreach (int c in edge)
            {
                extended[c] = true;
                double step = best[c] == 0 ? rates[0] / rates[1] : rates[^1] / rates[^2];
                extra.Add((candidates[c], RoundSignificant((best[c] == 0 ? rates[0] : rates[^1]) * step)));
            }

            float[]?[] extraOutputs = FitMany(data, extra, settings, tuneTrain, tuneValidation, seed, cancellation);
            for (int i = 0; i < edge.Length; i++)
            {
                int c = edge[i];
                var result = Tuned(data, settings, tuneValidation, extra[i].Rate, extraOutputs[i]);
                tried[c].Add(result);
                if (Better(result.Score, tried[c][best[c]].Score, lower))
                {
                    best[c] = tried[c].Count - 1;
                    atEdge[c] = true;
                }
            }
        }

        var thresholds = new double?[count];
        var queue = new int[count][];
        foreach (int c in fitted)
        {
            if (best[c] < 0)
            {
                outcomes[c] = new SplitOutcome(double.NaN, new Dictionary<string, double>(), double.NaN, null, true, false, extended[c], innerScores[c]);
                continue;
            }

            thresholds[c] = settings.TuneThreshold && data.Task == TaskKind.Binary && tried[c][best[c]].Outputs is float[] inner
                ? Thresholds.Best(inner, tuneValidation!.Targets, settings.Metric)
                : null;
            var mine = tried[c];
            int b = best[c];
            queue[c] = [.. Enumerable.Range(0, mine.Count).Where(i => double.IsFinite(mine[i].Score) || i == b).OrderBy(i => i == b ? 0 : 1).ThenByDescending(i => mine[i].Rate).Where(i => i == b || mine[i].Rate < mine[b].Rate)];
        }

        // Refit on the whole training part at the tuned rate; should it diverge there, the next smaller rate that did not
        // diverge in tuning takes its place.
        // The models train on float32 values: the copies leave the double values out.
        Dataset train = data.SubsetOf(split.Train, withDoubles: false), test = data.SubsetOf(split.Test, withDoubles: false);
        int[] next = new int[count];
        while (true)
        {
            int[] pending = [.. fitted.Where(c => outcomes[c] is null && next[c] < queue[c].Length)];
            if (pending.Length == 0)
            {
                break;
            }

            float[]?[] outputs = FitMany(data, [.. pending.Select(c => (candidates[c], tried[c][queue[c][next[c]]].Rate))], settings, train, test, seed, cancellation);
            for (int i = 0; i < pending.Length; i++)
            {
                int c = pending[i], index = queue[c][next[c]++];
                if (outputs[i] is not float[] predictions)
                {
                    continue;
                }

                if (index != best[c] && thresholds[c] is not null && tried[c][index].Outputs is float[] fallbackInner)
                {
                    thresholds[c] = Thresholds.Best(fallbackInner, tuneValidation!.Targets, settings.Metric);
                }

                SortedDictionary<string, double> metrics = Scoring.All(data, predictions, test.Targets, settings.Metric, thresholds[c]);
                outcomes[c] = new SplitOutcome(metrics[settings.Metric], metrics, tried[c][index].Rate, thresholds[c], false, atEdge[c], extended[c], innerScores[c]);
            }
        }

        foreach (int c in fitted)
        {
            outcomes[c] ??= new SplitOutcome(double.NaN, new Dictionary<string, double>(), double.NaN, thresholds[c], true, atEdge[c], extended[c], innerScores[c]);
        }

        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>The MM-estimate on the training part (no tuning: the estimator is affine equivariant and has no rate).</summary>
    private static SplitOutcome SolveSplit(Dataset data, Candidate candidate, Split split, VerificationSettings settings, int seed)
    {
        // The solver fits the double values of the training part; the test part is scored from its float32 features.
        Dataset train = data.Subset(split.Train), test = data.SubsetOf(split.Test, withDoubles: false);
        double[] beta;
        try
        {
            beta = ExactSolvers.Mm(LossCatalog.Create(candidate.Loss), train, seed).Coefficients; // weights, then intercept
        }
        catch (DataException)
        {
            return new SplitOutcome(double.NaN, new Dictionary<string, double>(), double.NaN, null, true, false, false, []);
        }

        int d = data.Columns;
        float[] predictions = new float[test.Rows];
        for (int i = 0; i < test.Rows; i++)
        {
            double f = beta[d];
            for (int j = 0; j < d; j++)
            {
                f += beta[j] * test.Features[(i * d) + j];
            }

            predictions[i] = (float)f;
        }

        SortedDictionary<string, double> metrics = Scoring.All(data, predictions, test.Targets, settings.Metric, null);
        return new SplitOutcome(metrics[settings.Metric], metrics, double.NaN, null, false, false, false, []);
    }

    /// <summary>The score of a tuning fit on the inner validation rows (with its own tuned threshold where one is tuned); NaN when it diverged.</summary>
    private static (double Rate, double Score, float[]? Outputs) Tuned(Dataset data, VerificationSettings settings, Dataset validation, double rate, float[]? outputs)
    {
        if (outputs is null)
        {
            return (rate, double.NaN, null);
        }

        double? threshold = settings.TuneThreshold && data.Task == TaskKind.Binary ? Thresholds.Best(outputs, validation.Targets, settings.Metric) : null;
        double score = Scoring.All(data, outputs, validation.Targets, settings.Metric, threshold)[settings.Metric];
        return (rate, double.IsFinite(score) ? score : double.NaN, outputs);
    }

    /// <summary>A rate rounded to 2 significant digits (0.001/3 → 0.00033), so the spec people read stays short.</summary>
    private static double RoundSignificant(double value)
        => double.Parse(value.ToString("G2", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    private static int Best(List<(double Rate, double Score, float[]? Outputs)> tried, bool lower)
    {
        int best = -1;
        for (int i = 0; i < tried.Count; i++)
        {
            if (double.IsFinite(tried[i].Score) && (best < 0 || Better(tried[i].Score, tried[best].Score, lower)))
            {
                best = i;
            }
        }

        return best;
    }

    private static bool Better(double a, double b, bool lower) => double.IsFinite(a) && (!double.IsFinite(b) || (lower ? a < b : a > b));

    /// <summary>
    /// Trains each job (a candidate at a rate) on <paramref name="train"/> and predicts <paramref name="test"/> on the
    /// target's scale (logits for classification); null where the run diverged. Features are standardised on the training
    /// rows; a regression target is standardised for losses of the residual (δ, β, c in target SDs), divided by its
    /// training mean for log-link losses (the log-rate then starts at 0), and left as it is for the others; predictions
    /// return to the original units. Every job starts from the same seeded initialisation and sees the same mini-batches,
    /// so one-output linear models on the same targets train together (<see cref="LinearGroupTrainer"/>: each batch
    /// gathered once, the same arithmetic as alone); the others train one by one.
    /// </summary>
    private static float[]?[] FitMany(Dataset data, List<(Candidate Candidate, double Rate)> jobs, VerificationSettings settings, Dataset train, Dataset test, int seed, CancellationToken cancellation)
    {
        var results = new float[]?[jobs.Count];
        if (jobs.Count == 0)
        {
            return results;
        }

        cancellation.ThrowIfCancellationRequested();
        int outputs = data.Outputs;
        int classes = data.Task == TaskKind.Multiclass ? data.Classes : 0;
        // The per-split estimates first (a Huber δ fits the whole training part): their scratch memory is freed before
        // the scaled copies below exist.
        var perSplit = new Dictionary<Candidate, string>(ReferenceEqualityComparer.Instance);
        string[] specs = new string[jobs.Count];
        for (int i = 0; i < jobs.Count; i++)
        {
            Candidate candidate = jobs[i].Candidate;
            if (!perSplit.TryGetValue(candidate, out string? spec))
            {
                perSplit[candidate] = spec = candidate.PerSplit?.Invoke(train) ?? candidate.Loss;
            }

            specs[i] = spec;
        }

        Standardizer scaler = settings.Standardize ? Standardizer.Fit(train) : Standardizer.Identity(train.Columns);
        Dataset scaledFeatures = scaler.Apply(train), scaledTest = scaler.Apply(test);
        var scaledTrains = new Dictionary<(double Center, double Spread), Dataset>();
        int batch = settings.BatchSize > 0 ? settings.BatchSize : scaledFeatures.Rows <= 2048 ? 0 : 256;
        int rowsPerStep = batch == 0 ? scaledFeatures.Rows : batch;
        long stepsPerEpoch = (scaledFeatures.Rows + rowsPerStep - 1) / rowsPerStep;
        int epochs = (int)Math.Max(1, Math.Min(settings.Epochs, settings.StepBudget / Math.Max(1, stepsPerEpoch)));
        var fits = new Fit[jobs.Count];
        var groups = new Dictionary<(double Center, double Spread, bool Signed), List<int>>();
        for (int i = 0; i < jobs.Count; i++)
        {
            (Candidate candidate, double rate) = jobs[i];
            ILoss loss = LossCatalog.Create(specs[i], classes);
            (double center, double spread) = TargetScale(data, settings, candidate, loss, train);
            if (!scaledTrains.TryGetValue((center, spread), out Dataset? scaledTrain))
            {
                scaledTrain = center != 0 || spread != 1
                    ? scaledFeatures.WithTargets([.. scaledFeatures.Targets.Select(v => (float)((v - center) / spread))])
                    : scaledFeatures;
                scaledTrains[(center, spread)] = scaledTrain;
            }

            Model model = ModelCatalog.Create(settings.Model, data.Columns, outputs);
            var objective = new TrainingObjective(model, loss, data.Task, rowsPerStep);
            float[] initial = new float[model.ParameterCount];
            model.Initialize(initial, Init.Default, new Random(seed));
            objective.ApplyPrior(initial, scaledTrain);
            OptimizerRule rule = OptimizerCatalog.Create(WithRate(candidate.Optimizer, rate));
            fits[i] = new Fit(objective, rule, initial, scaledTrain, center, spread);
            if (!settings.OneModelAtATime && LinearGroupTrainer.Eligible(objective, rule))
            {
                var key = (center, spread, objective.Kind == InputKind.SignedLabels);
                if (!groups.TryGetValue(key, out List<int>? members))
                {
                    groups[key] = members = [];
                }

                members.Add(i);
            }
        }

        var done = new bool[jobs.Count];
        foreach (List<int> group in groups.Values)
        {
            Fit first = fits[group[0]];
            float[] targets = first.Objective.EncodeTargets(first.Train.Targets);
            LinearGroupTrainer.Member[] members = [.. group.Select(i => new LinearGroupTrainer.Member(fits[i].Objective, fits[i].Rule, fits[i].Initial))];
            LinearGroupTrainer.Train(members, first.Train, targets, epochs, batch, seed, cancellation);
            for (int m = 0; m < group.Count; m++)
            {
                int i = group[m];
                done[i] = true;
                results[i] = members[m].Diverged ? null : Predict(data, fits[i], members[m].Parameters!, scaledTest, train);
            }
        }

        for (int i = 0; i < jobs.Count; i++)
        {
            if (done[i])
            {
                continue;
            }

            Fit fit = fits[i];
            TrainingRun run = Trainer.Train(fit.Objective, fit.Rule, fit.Initial, fit.Train, null, new TrainOptions { Epochs = epochs, BatchSize = batch, Seed = seed, RecordParametersUpTo = 0 }, cancellation);
            if (run.Cancelled)
            {
                throw new OperationCanceledException(cancellation);
            }

            results[i] = run.Diverged ? null : Predict(data, fit, run.Parameters, scaledTest, train);
        }

        return results;
    }

    /// <summary>One job of <see cref="FitMany"/>, ready to train: its objective, optimizer, start, scaled training rows and target scale.</summary>
    private sealed record Fit(TrainingObjective Objective, OptimizerRule Rule, float[] Initial, Dataset Train, double Center, double Spread);

    /// <summary>The (center, spread) a regression target is trained in: standardised for losses of the residual, over its mean for log-link losses.</summary>
    private static (double Center, double Spread) TargetScale(Dataset data, VerificationSettings settings, Candidate candidate, ILoss loss, Dataset train)
    {
        (double center, double spread) = (0, 1);
        if (data.Task == TaskKind.Regression && settings.Standardize)
        {
            if (ResidualLoss(candidate.Loss))
            {
                center = train.Targets.Average(v => (double)v);
                spread = Math.Sqrt(train.Targets.Average(v => (v - center) * (v - center)));
                spread = spread > 1e-12 ? spread : 1;
            }
            else if (TrainingObjective.IsLogLink(loss))
            {
                double mean = train.Targets.Average(v => (double)v);
                spread = mean > 0 ? mean : 1;
            }
        }

        return (center, spread);
    }

    /// <summary>The test predictions of trained parameters, in the original units; null when not finite or off the data's scale.</summary>
    private static float[]? Predict(Dataset data, Fit fit, float[] parameters, Dataset scaledTest, Dataset train)
    {
        float[] predictions = fit.Objective.ToResponse(fit.Objective.Predict(parameters, scaledTest));
        if (data.Task == TaskKind.Regression && (fit.Center != 0 || fit.Spread != 1))
        {
            for (int i = 0; i < predictions.Length; i++)
            {
                predictions[i] = (float)((predictions[i] * fit.Spread) + fit.Center);
            }
        }

        return predictions.All(float.IsFinite) && !BlewUp(data.Task, predictions, train.Targets) ? predictions : null;
    }

    /// <summary>
    /// Whether regression predictions left the data's scale: a prediction farther than 1,000 target ranges from the
    /// training targets' range (a log-link model whose rate overflowed, a run that diverged without an infinity) is a
    /// failed run, not a score.
    /// </summary>
    private static bool BlewUp(TaskKind task, float[] predictions, float[] targets)
    {
        if (task != TaskKind.Regression || targets.Length == 0)
        {
            return false;
        }

        double min = targets.Min(), max = targets.Max();
        double range = Math.Max(max - min, 1e-12 * (1 + Math.Abs(max)));
        double low = min - (1000 * range), high = max + (1000 * range);
        return predictions.Any(p => p < low || p > high);
    }

    /// <summary>
    /// Losses of the residual y − ŷ alone, for which standardising the target only rescales their parameters (δ, β, c
    /// in target standard deviations).
    /// </summary>
    public static bool ResidualLoss(string loss) => Spec.Parse(loss).Name is "l1" or "mse" or "huber" or "smooth_l1" or "log_cosh"
        or "pseudo_huber" or "quantile" or "epsilon_insensitive" or "squared_epsilon_insensitive" or "cauchy" or "tukey" or "barron";
}
