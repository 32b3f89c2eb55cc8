using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Advice.Checks;
using LossLab.Lab.Data;
using LossLab.Lab.Verification;
using LossLab.Specs;

namespace LossLab.Lab.Experiments;

/// <summary>The advisor's full answer: what the data look like, what to use and why, and what the verification says.</summary>
/// <param name="Diagnostics">The measured properties of the data.</param>
/// <param name="Recommendation">The final loss and optimizer (the verified spec) with reasons; the winner when the verification overturned the first choice.</param>
/// <param name="Metric">The metric the verification ranks by.</param>
/// <param name="Verification">The candidates ranked by mean score (for readers of the ranking).</param>
/// <param name="Confirmed">Whether the verdict is <see cref="VerdictKind.Confirmed"/>.</param>
/// <param name="Verdict">One sentence on the verification, with its interval and test.</param>
public sealed record AdviceResult(DataDiagnostics Diagnostics, Recommendation Recommendation, string Metric, CompareResult Verification, bool Confirmed, string Verdict)
{
    /// <summary>The recommendation before the verification (the diagnosis' choice).</summary>
    public Recommendation? Initial { get; init; }

    /// <summary>The verification run: every candidate on every split.</summary>
    public VerificationRun? Run { get; init; }

    /// <summary>The verdict with its comparisons (null when the run was cancelled before the recommendation finished).</summary>
    public VerdictReport? Outcome { get; init; }
}

/// <summary>How <c>losslab advise</c> verifies.</summary>
public sealed record AdviseSettings
{
    /// <summary>K, the folds per repeat (default 5).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>R, the repeats; null picks 4 up to 50,000 rows, 2 up to 200,000 and 1 beyond (the intervals are narrow there anyway).</summary>
    public int? Repeats { get; init; }

    /// <summary>
    /// Shuffled or time folds; null picks time folds when the data are ordered in time: by a date or year column
    /// (<see cref="Dataset.TimeColumn"/>), or by a running index (<see cref="Dataset.OrderedIndexColumn"/>) along which the
    /// residuals are autocorrelated (Durbin–Watson).
    /// </summary>
    public FoldScheme? Scheme { get; init; }

    /// <summary>The most epochs per run.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>The model spec.</summary>
    public string Model { get; init; } = "linear";

    /// <summary>The seed of the folds.</summary>
    public int Seed { get; init; }

    /// <summary>The margin of <see cref="VerdictKind.Confirmed"/>: the largest loss, as a share of the recommendation's mean score, that counts as "as good".</summary>
    public double Margin { get; init; } = Judgement.DefaultMarginShare;

    /// <summary>The kind of a regression target when the user knows it, or null to recognise it.</summary>
    public TargetKind? TargetKind { get; init; }

    /// <summary>The learning-rate grid (null: <see cref="VerificationSettings.DefaultRates"/>).</summary>
    public IReadOnlyList<double>? LearningRates { get; init; }

    /// <summary>Largest number of runs at once (null: all cores). Results do not depend on it.</summary>
    public int? Parallelism { get; init; }

    /// <summary>The repeats for a data set of <paramref name="rows"/> rows.</summary>
    public int RepeatsFor(int rows) => Repeats ?? (rows <= 50_000 ? 4 : rows <= 200_000 ? 2 : 1);
}

/// <summary>
/// <c>losslab advise</c>: diagnose the data, recommend a loss and optimizer with reasons, and verify the recommendation
/// against the alternatives with the shared verification engine (<see cref="Verifier"/>: repeated K-fold, the learning
/// rate tuned inside each training part, the Nadeau–Bengio corrected t-test with Holm's adjustment, and a verdict that
/// can say no). When an alternative is significantly better, it becomes the recommendation.
/// </summary>
public static class Advise
{
    /// <summary>Runs the advisor.</summary>
    /// <exception cref="SpecException">Boxes or masks; a KPI that does not fit the task; too few rows for the folds.</exception>
    public static AdviceResult Run(Dataset data, Kpi? kpi, AdviseSettings? settings = null, Action<int, int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        settings ??= new AdviseSettings();
        if (data.Task is TaskKind.Boxes or TaskKind.Segmentation)
        {
            throw new SpecException($"advise diagnoses regression and classification data; for {data.Task.ToString().ToLowerInvariant()} data compare the losses directly, e.g. losslab compare --data {data.Name} --losses \"smooth_l1;giou;ciou\" --optimizers adam (boxes) or --losses \"bce_with_logits;dice;focal\" (masks)");
        }

        kpi?.EnsureApplies(data.Task);
        DataDiagnostics diagnostics = Diagnostics.Analyze(data, settings.TargetKind);
        Recommendation initial = Advisor.Recommend(diagnostics, kpi);

        // The verification standardises a regression target for losses of the residual, so a δ in target units becomes δ/σ_y there.
        double scale = diagnostics.TargetStandardDeviation is double sd && sd > 0 && data.Task == TaskKind.Regression ? sd : 1;
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string loss in new[] { initial.Loss }.Concat(initial.Alternatives).Distinct())
        {
            shown[Standardised(loss, scale)] = loss;
        }

        // Rows ordered in time: by a date or year column, or by a running index along which the residuals are correlated.
        bool indexedSeries = data.OrderedIndexColumn is not null && diagnostics.Findings.Any(f => f.Code == "autocorrelated");
        FoldScheme scheme = settings.Scheme ?? (data.TimeColumn is not null || indexedSeries ? FoldScheme.Time : FoldScheme.Shuffled);
        int folds = settings.Folds;
        if (settings.Scheme is null && scheme == FoldScheme.Time)
        {
            folds = ResamplingPlan.TimeFoldsFor(data.Rows, settings.Folds);
            if (folds < 2)
            {
                scheme = FoldScheme.Shuffled;
                folds = settings.Folds;
                initial = initial with { Warnings = [.. initial.Warnings, $"the rows are ordered in time, but {data.Rows} rows are too few for forward-chaining splits (blocks of {ResamplingPlan.MinimumTimeBlock} rows): shuffled folds are used, and the scores may be optimistic"] };
            }
        }
        if (settings.Scheme is null && indexedSeries && data.TimeColumn is null)
        {
            initial = initial with
            {
                Warnings = [.. initial.Warnings.Where(w => !w.Contains("verify with --folds time", StringComparison.Ordinal)), $"the rows follow the running index '{data.OrderedIndexColumn}' and neighbouring residuals are correlated: verified with forward-chaining folds (--folds shuffled to shuffle instead)"],
            };
        }
        else if (scheme == FoldScheme.Shuffled && data.TimeColumn is not null)
        {
            initial = initial with
            {
                Warnings = [.. initial.Warnings.Where(w => !w.Contains("trains on the past", StringComparison.Ordinal)), $"the rows are ordered in time by '{data.TimeColumn}', but shuffled folds were asked for: the models see later rows than those they are scored on, so the scores may be optimistic"],
            };
        }

        var verification = new VerificationSettings
        {
            Plan = new ResamplingPlan { Folds = folds, Repeats = settings.RepeatsFor(data.Rows), Scheme = scheme, Seed = settings.Seed },
            LearningRates = settings.LearningRates ?? VerificationSettings.DefaultRates,
            Metric = initial.Metric,
            TuneThreshold = initial.TuneThreshold,
            Epochs = settings.Epochs,
            Model = settings.Model,
            Parallelism = settings.Parallelism,
        };
        var candidates = new List<Candidate>(shown.Keys.Select(loss => new Candidate(loss, shown[loss] == initial.Loss ? initial.Optimizer : Advisor.OptimizerFor(shown[loss])) { PerSplit = PerSplit(loss) }));
        if (candidates.Count == 1 && initial.OptimizerAlternatives.Count > 0)
        {
            // No other loss fits (e.g. log loss on imbalanced classes): verify the optimizer choice instead.
            candidates.Add(new Candidate(candidates[0].Loss, initial.OptimizerAlternatives[0]));
        }

        bool withOptimizer = candidates.Select(c => c.Loss).Distinct().Count() < candidates.Count;
        VerificationRun run = Verifier.Run(data, candidates, verification, progress, cancellation);
        run = run with { Candidates = [.. run.Candidates.Select(c => c with { Candidate = c.Candidate with { Loss = shown[c.Candidate.Loss] } })] };

        CompareResult ranking = Compare.ToCompareResult(data.Task, run, withOptimizer);
        CandidateOutcome? mine = run.Candidates.FirstOrDefault(c => c.Candidate.Loss == initial.Loss && c.Candidate.Optimizer == initial.Optimizer);
        if (mine is null)
        {
            return new AdviceResult(diagnostics, initial, initial.Metric, ranking, false, "the verification did not finish: it was cancelled before the recommendation was scored on every split") { Initial = initial, Run = run };
        }

        VerdictReport verdict = Judgement.Decide(run, mine, withOptimizer, settings.Margin);
        Recommendation final = Finalise(initial, verdict, run, mine, withOptimizer);
        return new AdviceResult(diagnostics, final, initial.Metric, ranking, verdict.Kind == VerdictKind.Confirmed, verdict.Text) { Initial = initial, Run = run, Outcome = verdict };
    }

    /// <summary>The recommendation people see: the verified optimizer spec, or the significantly better alternative.</summary>
    private static Recommendation Finalise(Recommendation initial, VerdictReport verdict, VerificationRun run, CandidateOutcome mine, bool withOptimizer)
    {
        CandidateOutcome chosen = verdict.Kind == VerdictKind.NotConfirmed && run.Candidates.FirstOrDefault(c => Judgement.Label(c, withOptimizer) == verdict.Winner) is CandidateOutcome w ? w : mine;
        bool overturned = !ReferenceEquals(chosen, mine);
        var reasons = new List<string>();
        var warnings = initial.Warnings.ToList();
        if (overturned)
        {
            // The winner was picked after the fact: only the comparison that overturned the first choice speaks for it.
            reasons.Add($"the verification overturned the first choice {initial.Loss}: {verdict.Text}");
            reasons.Add($"the reasons for {initial.Loss} follow; {chosen.Candidate.Loss} is recommended on the evidence of this comparison alone");
        }

        reasons.AddRange(initial.Reasons);
        if (!chosen.Candidate.IsSolver)
        {
            string rates = string.Join(", ", chosen.Splits.GroupBy(s => s.LearningRate).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => $"{TextNumber.G(g.Key, 4)} in {g.Count()}"));
            reasons.Add($"learning rate {TextNumber.G(chosen.ModalRate, 4)}: the rate tuned most often on the inner validation rows of the {chosen.Splits.Count} training parts (chosen: {rates})");
            if (chosen.ModalShare < 0.5)
            {
                reasons.Add($"the tuned rate varies between the splits (the most frequent one in only {(100 * chosen.ModalShare).ToString("0", CultureInfo.InvariantCulture)}% of them): the loss is flat in the learning rate here, so any rate of the list does about as well");
            }
        }

        if (chosen.AtEdge * 2 > chosen.Splits.Count)
        {
            warnings.Add($"the tuned learning rate sat at the edge of the grid in {chosen.AtEdge} of {chosen.Splits.Count} splits even after the grid was extended once; give a wider --lrs grid or more --epochs");
        }

        var alternatives = new List<string>(run.Candidates.Where(c => !ReferenceEquals(c, chosen)).Select(c => Judgement.Label(c, withOptimizer)));
        return initial with
        {
            Loss = chosen.Candidate.Loss,
            Optimizer = chosen.Optimizer,
            Reasons = reasons,
            Alternatives = alternatives,
            Warnings = warnings,
            OptimizerAlternatives = chosen.Candidate.IsSolver ? [] : initial.OptimizerAlternatives,
        };
    }

    /// <summary>
    /// The per-split estimate of a loss's data-driven parameter, so that no parameter is estimated on the rows it is
    /// scored on: Huber's δ = 1.345 × the training part's robust scale (MAD of a Huber fit's residuals) over its target
    /// SD (the verifier trains on a standardised target); pos_weight = negatives/positives and focal's α = the negatives'
    /// share of the training part; inverse-frequency class weights (mean 1) of the training part. Null for losses
    /// without such a parameter.
    /// </summary>
    public static Func<Dataset, string>? PerSplit(string loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Spec spec = Spec.Parse(loss);
        string S(double v) => AdviceMath.Spec(v);
        return spec.Name switch
        {
            "huber" when spec.Arguments.Any(a => a.Key == "delta") => part =>
            {
                double[] y = [.. part.Targets.Select(v => (double)v)];
                double sd = Math.Sqrt(AdviceMath.Moments(y).Variance);
                double robust = PartScale(part, y);
                return robust > 0 && sd > 0 ? $"huber:delta={S(Diagnostics.HuberTuning * robust / sd)}" : loss;
            },
            "bce_with_logits" when spec.Arguments.Any(a => a.Key == "pos_weight") => part =>
            {
                int positives = part.Targets.Count(t => t == 1), negatives = part.Rows - positives;
                return positives > 0 ? $"bce_with_logits:pos_weight={S((double)negatives / positives)}" : loss;
            },
            "focal" when spec.Arguments.Any(a => a.Key == "alpha") => part =>
            {
                double positives = part.Targets.Count(t => t == 1);
                string rest = string.Join(",", spec.Arguments.Where(a => a.Key != "alpha").Select(a => $"{a.Key}={a.Value}"));
                return $"focal:alpha={S(1 - (positives / part.Rows))}" + (rest.Length > 0 ? "," + rest : string.Empty);
            },
            "cross_entropy" when spec.Arguments.Any(a => a.Key == "weight") => part =>
            {
                int classes = part.Classes;
                int[] counts = new int[classes];
                foreach (float t in part.Targets)
                {
                    counts[(int)t]++;
                }

                double meanInverse = counts.Where(c => c > 0).Select(c => 1.0 / c).DefaultIfEmpty(1).Average();
                return "cross_entropy:weight=" + string.Join("/", counts.Select(c => c > 0 ? S(1.0 / c / meanInverse) : "0"));
            },
            _ => null,
        };
    }

    /// <summary>The normalised MAD of a Huber (1.345) fit's residuals on a training part; 0 when the fit fails.</summary>
    private static double PartScale(Dataset part, double[] y)
    {
        try
        {
            double[] x = [.. part.Features.Select(v => (double)v)];
            LossLab.Solvers.RobustFit fit = LossLab.Solvers.Irls.Fit(x, part.Rows, part.Columns, y, intercept: true, LossLab.Solvers.RobustNorm.Huber(Diagnostics.HuberTuning));
            double[] r = [.. fit.Residuals];
            double centre = AdviceMath.Median(r);
            return LossLab.Solvers.Irls.MadScale([.. r.Select(v => v - centre)]);
        }
        catch (ArgumentException)
        {
            return 0;
        }
    }

    private static string Standardised(string loss, double scale)
    {
        Spec spec = Spec.Parse(loss);
        if (spec.Name != "huber" || scale == 1)
        {
            return loss;
        }

        var arguments = spec.Arguments.Select(a => a.Key == "delta"
            ? new KeyValuePair<string, string>("delta", (double.Parse(a.Value, CultureInfo.InvariantCulture) / scale).ToString("G6", CultureInfo.InvariantCulture))
            : a).ToList();
        return new Spec(spec.Name, arguments).ToString();
    }
}
