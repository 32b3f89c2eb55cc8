using System.Globalization;
using LossLab.Lab.Statistics;

namespace LossLab.Lab.Verification;

/// <summary>The three answers a verification can give about a recommended candidate.</summary>
public enum VerdictKind
{
    /// <summary>No alternative is significantly better, and the 95% interval of every difference rules out a loss larger than the margin.</summary>
    Confirmed,

    /// <summary>An alternative is significantly better (Holm-adjusted corrected t-test, p &lt; 0.05), or the recommendation failed on some splits where an alternative never did: the alternative is recommended instead.</summary>
    NotConfirmed,

    /// <summary>Neither: an interval is too wide to rule out a loss larger than the margin, an alternative won every split without significance, or nothing was compared.</summary>
    Inconclusive,
}

/// <summary>One candidate against a reference over the same splits.</summary>
/// <param name="Against">The other candidate's label (loss, and optimizer when they differ).</param>
/// <param name="MeanDifference">Mean of (reference − other) in the metric's units.</param>
/// <param name="Low">Lower end of the 95% interval of <paramref name="MeanDifference"/>.</param>
/// <param name="High">Upper end.</param>
/// <param name="PValue">Two-sided p of the Nadeau–Bengio corrected resampled t-test.</param>
/// <param name="PAdjusted">The p-value after Holm's adjustment over all the comparisons of the reference.</param>
/// <param name="OtherBetterSplits">Splits in which the other candidate scored strictly better.</param>
/// <param name="Splits">Paired splits.</param>
/// <param name="TStatistic">The corrected t statistic of <paramref name="MeanDifference"/>.</param>
public sealed record Comparison(string Against, double MeanDifference, double Low, double High, double PValue, double PAdjusted, int OtherBetterSplits, int Splits, double TStatistic)
{
    /// <summary>The test that produced the interval and p.</summary>
    public const string Test = "Nadeau–Bengio corrected resampled t-test, Holm-adjusted";
}

/// <summary>A verdict with the evidence behind it.</summary>
/// <param name="Kind">The verdict.</param>
/// <param name="Reference">The label of the candidate judged.</param>
/// <param name="Winner">The significantly better alternative (for <see cref="VerdictKind.NotConfirmed"/>), else null.</param>
/// <param name="Margin">The largest loss, in metric units, that still counts as "as good" (a share of the reference's mean).</param>
/// <param name="Comparisons">The reference against every alternative.</param>
/// <param name="Text">One sentence for people, with the interval and the test.</param>
/// <param name="Settle">What would settle an inconclusive verdict, or null.</param>
public sealed record VerdictReport(VerdictKind Kind, string Reference, string? Winner, double Margin, IReadOnlyList<Comparison> Comparisons, string Text, string? Settle);

/// <summary>
/// Friedman's test of the candidates' ranks over the splits, with Nemenyi's critical difference (Demšar 2006). Demšar
/// ranks over independent data sets; the splits of one data set share rows, so here it is descriptive (it overstates
/// the evidence) — the corrected t-tests decide.
/// </summary>
/// <param name="Labels">Candidate labels, in the order of <paramref name="AverageRanks"/>.</param>
/// <param name="AverageRanks">Average rank per candidate (1 = best).</param>
/// <param name="Statistic">Friedman's χ² statistic.</param>
/// <param name="PValue">Its p-value (χ², k − 1 degrees of freedom).</param>
/// <param name="CriticalDifference">Nemenyi's critical difference of average ranks at α = 0.05.</param>
public sealed record RankTest(IReadOnlyList<string> Labels, IReadOnlyList<double> AverageRanks, double Statistic, double PValue, double CriticalDifference);

/// <summary>
/// Turns paired split scores into verdicts. Differences d_j = score(reference) − score(other) over the J splits are tested
/// by the Nadeau–Bengio corrected resampled t-test (its variance (1/J + n_test/n_train)·s² accounts for the overlapping
/// training sets of cross-validation), with a 95% interval, and the p-values of a reference's comparisons are adjusted
/// by Holm's step-down method.
/// </summary>
public static class Judgement
{
    /// <summary>
    /// The default margin: a loss of at most 5% of the reference's mean score counts as "as good" (a common
    /// non-inferiority margin; <c>--margin</c> sets another).
    /// </summary>
    public const double DefaultMarginShare = 0.05;

    /// <summary>The significance level of the comparisons.</summary>
    public const double Alpha = 0.05;

    /// <summary>The name of the test a run's comparisons use: the corrected resampled t-test, or for time splits the paired t-test.</summary>
    public static string TestOf(VerificationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Plan.Scheme == FoldScheme.Time ? "paired t-test over the forward-chaining splits, Holm-adjusted" : Comparison.Test;
    }

    /// <summary>
    /// The scores of every candidate with failed splits filled in: a split where a candidate failed (every rate
    /// diverged, or its predictions blew up) gets the worst score any candidate reached on that split, so a failure
    /// counts as a loss in the pairing instead of voiding the comparison.
    /// </summary>
    public static Dictionary<CandidateOutcome, double[]> Imputed(VerificationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var result = new Dictionary<CandidateOutcome, double[]>(ReferenceEqualityComparer.Instance);
        int splits = run.Candidates.Count > 0 ? run.Candidates.Max(c => c.Scores.Length) : 0;
        for (int j = 0; j < splits; j++)
        {
            double[] finite = [.. run.Candidates.Where(c => j < c.Scores.Length && double.IsFinite(c.Scores[j])).Select(c => c.Scores[j])];
            double worst = finite.Length == 0 ? double.NaN : run.LowerIsBetter ? finite.Max() : finite.Min();
            foreach (CandidateOutcome c in run.Candidates)
            {
                if (!result.TryGetValue(c, out double[]? scores))
                {
                    scores = (double[])c.Scores.Clone();
                    result[c] = scores;
                }

                if (j < scores.Length && !double.IsFinite(scores[j]))
                {
                    scores[j] = worst;
                }
            }
        }

        return result;
    }

    /// <summary>The label of a candidate: its loss, with its optimizer when the run compares several.</summary>
    public static string Label(CandidateOutcome c, bool withOptimizer)
    {
        ArgumentNullException.ThrowIfNull(c);
        return withOptimizer ? $"{c.Candidate.Loss} + {c.Optimizer}" : c.Candidate.Loss;
    }

    /// <summary>Compares a reference with every other candidate of a run (Holm over those comparisons).</summary>
    public static IReadOnlyList<Comparison> Compare(VerificationRun run, CandidateOutcome reference, bool withOptimizer)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reference);
        var others = run.Candidates.Where(c => !ReferenceEquals(c, reference)).ToList();
        var raw = new List<(CandidateOutcome Other, CorrectedTTest Test, int Better)>();
        Dictionary<CandidateOutcome, double[]> scores = Imputed(run);
        double[] mine = scores[reference];
        foreach (CandidateOutcome other in others)
        {
            // Splits where no candidate has a score (every one failed) say nothing about the pair: they are left out.
            double[] theirs = scores[other];
            double[] d = [.. mine.Zip(theirs, (a, b) => a - b).Where(double.IsFinite)];
            if (d.Length < 2)
            {
                raw.Add((other, new CorrectedTTest(double.NaN, double.NaN, double.NaN, d.Length - 1, 1, double.NaN, double.NaN, d.Length), 0));
                continue;
            }

            int better = mine.Zip(theirs, (a, b) => double.IsFinite(a - b) && (run.LowerIsBetter ? b < a : b > a)).Count(x => x);
            raw.Add((other, ResampledTests.NadeauBengio(d, run.TestToTrainRatio), better));
        }

        double[] adjusted = raw.Count > 0 ? [.. ResampledTests.Holm([.. raw.Select(r => r.Test.PValue)])] : [];
        return [.. raw.Select((r, i) => new Comparison(Label(r.Other, withOptimizer), r.Test.MeanDifference, r.Test.Low, r.Test.High, r.Test.PValue, adjusted[i], r.Better, r.Test.Pairs, r.Test.TStatistic))];
    }

    /// <summary>
    /// The verdict on <paramref name="reference"/>: <see cref="VerdictKind.NotConfirmed"/> when an alternative is better
    /// with Holm-adjusted p &lt; 0.05 (the best such alternative wins); else <see cref="VerdictKind.Inconclusive"/> when an
    /// alternative scored better in every split, or when the 95% interval of some difference reaches a loss larger than
    /// the margin (share × |mean of the reference|); else <see cref="VerdictKind.Confirmed"/>.
    /// </summary>
    public static VerdictReport Decide(VerificationRun run, CandidateOutcome reference, bool withOptimizer, double marginShare = DefaultMarginShare)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reference);
        string me = Label(reference, withOptimizer);
        string metric = run.Metric;
        if (reference.Scores.All(v => !double.IsFinite(v)))
        {
            return new VerdictReport(VerdictKind.Inconclusive, me, null, double.NaN, [], $"inconclusive: {me} failed in every split (every learning rate diverged or its predictions blew up)", "check the data's scale or give a lower --lrs grid");
        }

        IReadOnlyList<Comparison> comparisons = Compare(run, reference, withOptimizer);
        double[] imputed = [.. Imputed(run)[reference].Where(double.IsFinite)];
        double mean = imputed.Average();
        // The margin is a share of the error: of the score itself for errors, of 1 − score for scores bounded by 1
        // (accuracy 0.95 → a 5% margin of 0.0025, not of 0.0475).
        double margin = marginShare * Math.Max(BoundedAboveByOne(metric) ? 1 - mean : Math.Abs(mean), 1e-12);
        string failed = reference.Failed > 0 ? $" ({me} failed in {reference.Failed} of {reference.Scores.Length} splits, scored there as the worst candidate of the split)" : string.Empty;
        string test = TestOf(run);
        double sign = run.LowerIsBetter ? 1 : -1; // loss of the reference = sign · (reference − other)
        double Loss(double difference) => sign * difference;
        double WorstLoss(Comparison c) => Math.Max(Loss(c.Low), Loss(c.High));

        string plan = run.Plan.Describe();
        if (reference.Failed > 0 && run.Candidates.Where(c => !ReferenceEquals(c, reference) && c.Failed == 0).OrderBy(c => run.LowerIsBetter ? c.Mean : -c.Mean).FirstOrDefault() is CandidateOutcome stable)
        {
            // A model that fails on some splits (its rate diverged at every setting, or its predictions left the data's
            // scale) is not a recommendation, however it scores elsewhere.
            string label = Label(stable, withOptimizer);
            return new VerdictReport(VerdictKind.NotConfirmed, me, label, margin, comparisons,
                $"not confirmed: {me} failed in {reference.Failed} of {reference.Scores.Length} splits ({plan}) (every learning rate diverged or its predictions left the data's scale), while {label} never failed ({metric} {F(stable.Mean)} ± {F(stable.Std)}); use {label} instead",
                null);
        }

        var winners = comparisons.Where(c => c.PAdjusted < Alpha && Loss(c.MeanDifference) > 0).OrderByDescending(c => Loss(c.MeanDifference)).ToList();
        if (winners.Count > 0)
        {
            Comparison w = winners[0];
            return new VerdictReport(VerdictKind.NotConfirmed, me, w.Against, margin, comparisons,
                $"not confirmed: {w.Against} is better than {me} on {metric} by {F(Loss(w.MeanDifference))} (95% CI {F(Math.Min(Loss(w.Low), Loss(w.High)))} to {F(WorstLoss(w))}; {test} p = {P(w.PAdjusted)}; better in {w.OtherBetterSplits} of {w.Splits} splits ({plan})){failed}; use {w.Against} instead (it was not itself compared with every other candidate)",
                null);
        }

        Comparison? sweep = comparisons.Where(c => c.Splits > 0 && c.OtherBetterSplits == c.Splits).OrderByDescending(c => Loss(c.MeanDifference)).FirstOrDefault();
        Comparison? wide = comparisons.Where(c => WorstLoss(c) > margin || double.IsNaN(c.High)).OrderByDescending(c => double.IsNaN(c.High) ? double.PositiveInfinity : WorstLoss(c)).FirstOrDefault();
        double gain = Math.Sqrt(run.TestToTrainRatio / ((1.0 / Math.Max(1, reference.Scores.Length)) + run.TestToTrainRatio));
        string settle = run.Plan.Scheme == FoldScheme.Time
            ? "more data (more or longer time blocks, --folds time:K with a larger K) narrows the interval; repeats do not apply to forward-chaining splits"
            : $"more data narrows the interval about as 1/√n; more repeats narrow it at most to {F(100 * gain)}% of its width (the correction term n_test/n_train does not shrink with repeats)";
        if (sweep is not null)
        {
            return new VerdictReport(VerdictKind.Inconclusive, me, null, margin, comparisons,
                $"inconclusive: {sweep.Against} scored better than {me} in all {sweep.Splits} splits ({plan}) (by {F(Loss(sweep.MeanDifference))} {metric} on average, 95% CI {F(Math.Min(Loss(sweep.Low), Loss(sweep.High)))} to {F(WorstLoss(sweep))}), but not significantly ({test} p = {P(sweep.PAdjusted)}){failed}",
                settle);
        }

        if (wide is not null)
        {
            return new VerdictReport(VerdictKind.Inconclusive, me, null, margin, comparisons,
                double.IsNaN(wide.High)
                    ? $"inconclusive: the comparison with {wide.Against} has no interval (no split where both have a score){failed}"
                    : $"inconclusive: no alternative is significantly better, but against {wide.Against} the 95% interval allows {me} to be worse by up to {F(WorstLoss(wide))} {metric}, more than the margin {F(margin)} ({MarginText(metric, marginShare, mean)}); {test} p = {P(wide.PAdjusted)}{failed}",
                settle);
        }

        if (comparisons.Count == 0)
        {
            return new VerdictReport(VerdictKind.Inconclusive, me, null, margin, comparisons, $"inconclusive: {me} is the only candidate, so nothing was compared ({metric} {F(mean)} ± {F(reference.Std)})", "add alternatives to compare with");
        }

        string standing = comparisons.All(c => Loss(c.MeanDifference) <= 0) ? "has the best mean" : "is not significantly worse than the best and within the margin";
        return new VerdictReport(VerdictKind.Confirmed, me, null, margin, comparisons,
            $"confirmed: {me} {standing} on {metric} ({F(mean)} ± {F(reference.Std)} over {reference.Scores.Length} splits ({plan})); against every alternative the 95% interval rules out a loss larger than {F(margin)} ({MarginText(metric, marginShare, mean)}; {test}){failed}",
            null);
    }

    /// <summary>The Friedman test over the splits with Nemenyi's critical difference; null with fewer than 3 candidates.</summary>
    public static RankTest? Ranks(VerificationRun run, bool withOptimizer)
    {
        ArgumentNullException.ThrowIfNull(run);
        Dictionary<CandidateOutcome, double[]> imputed = Imputed(run);
        var usable = run.Candidates.Where(c => imputed[c].All(double.IsFinite)).ToList();
        if (usable.Count < 3 || imputed[usable[0]].Length < 2)
        {
            return null;
        }

        int blocks = imputed[usable[0]].Length;
        double[,] scores = new double[blocks, usable.Count];
        for (int j = 0; j < blocks; j++)
        {
            for (int c = 0; c < usable.Count; c++)
            {
                scores[j, c] = imputed[usable[c]][j];
            }
        }

        FriedmanTest f = ResampledTests.Friedman(scores, run.LowerIsBetter);
        return new RankTest([.. usable.Select(c => Label(c, withOptimizer))], f.AverageRanks, f.ChiSquare, f.ChiSquarePValue, ResampledTests.NemenyiCriticalDifference(usable.Count, blocks));
    }

    private static string MarginText(string metric, double share, double mean)
        => BoundedAboveByOne(metric) ? $"{F(100 * share)}% of its error 1 − {F(mean)}" : $"{F(100 * share)}% of its mean {F(mean)}";

    /// <summary>Higher-is-better scores whose best value is 1 (the margin is then a share of 1 − score).</summary>
    public static bool BoundedAboveByOne(string metric) => metric is "accuracy" or "balanced_accuracy" or "f1" or "roc_auc" or "pr_auc" or "r2" or "mean_iou" or "dice" or "iou" or "pixel_accuracy";

    private static string F(double v) => TextNumber.G(v, 3);

    /// <summary>A p-value for people: never "0".</summary>
    public static string P(double p) => p < 1e-300 ? "< 1e-300" : p < 1e-4 ? p.ToString("0.0e+0", CultureInfo.InvariantCulture) : TextNumber.G(p, 2);
}
