using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Specs;

namespace LossLab.Lab.Experiments;

/// <summary>The advisor's full answer: what the data look like, what to use and why, and whether cross-validation agrees.</summary>
/// <param name="Diagnostics">The measured properties of the data.</param>
/// <param name="Recommendation">The loss and optimizer with reasons, and the alternatives.</param>
/// <param name="Metric">The metric the verification ranks by.</param>
/// <param name="Verification">The comparison of the recommendation against the alternatives.</param>
/// <param name="Confirmed">Whether the recommended loss ranked first, or the winner's edge over it is not significant (paired p ≥ 0.05).</param>
/// <param name="Verdict">One sentence on the verification.</param>
public sealed record AdviceResult(DataDiagnostics Diagnostics, Recommendation Recommendation, string Metric, CompareResult Verification, bool Confirmed, string Verdict);

/// <summary>
/// <c>losslab advise</c>: diagnose the data, recommend a loss and optimizer with reasons tied to the guide, and verify
/// the recommendation by cross-validation against the obvious alternatives with the same learning-rate search.
/// The verification ranks by the KPI's metric, or by MAE for regression (the error a user reads first) and the
/// advisor's metric for classification.
/// </summary>
public static class Advise
{
    /// <summary>Runs the advisor.</summary>
    public static AdviceResult Run(Dataset data, Kpi? kpi, int folds = 3, int seeds = 1, int epochs = 100, string model = "linear", int seed = 0, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Task is TaskKind.Boxes or TaskKind.Segmentation)
        {
            throw new SpecException($"advise diagnoses regression and classification data; for {data.Task.ToString().ToLowerInvariant()} data compare the losses directly, e.g. losslab compare --data {data.Name} --losses \"smooth_l1;giou;ciou\" --optimizers adam (boxes) or --losses \"bce_with_logits;dice;focal\" (masks)");
        }

        kpi?.EnsureApplies(data.Task);
        DataDiagnostics diagnostics = Diagnostics.Analyze(data);
        Recommendation recommendation = Advisor.Recommend(diagnostics, kpi);
        string metric = kpi?.Metric ?? (data.Task == TaskKind.Regression ? "mae" : recommendation.Metric);

        // compare standardises a regression target, so a Huber δ in target units becomes δ/σ_y there.
        double scale = diagnostics.TargetStandardDeviation is double sd && sd > 0 && data.Task == TaskKind.Regression ? sd : 1;
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string loss in new[] { recommendation.Loss }.Concat(recommendation.Alternatives).Distinct())
        {
            shown[Standardised(loss, scale)] = loss;
        }

        CompareResult verification = Compare.Run(data, new CompareSettings
        {
            Losses = shown.Keys.ToArray(),
            Optimizers = [recommendation.Optimizer],
            Folds = folds,
            Seeds = seeds,
            Epochs = epochs,
            Model = model,
            Metric = metric,
            Seed = seed,
        }, null, cancellation);
        var ranking = verification.Ranking.Select(c => c with { Loss = shown[c.Loss] }).ToList();
        verification = verification with { Ranking = ranking };

        CandidateResult? mine = ranking.FirstOrDefault(c => c.Loss == recommendation.Loss);
        bool first = ranking.Count > 0 && ranking[0].Loss == recommendation.Loss;
        PairedTest? againstWinner = mine is null || first ? null : Compare.Paired(ranking[0].Scores, mine.Scores, verification.LowerIsBetter);
        bool confirmed = first || (againstWinner is { PValue: >= 0.05 });
        string verdict = mine is null
            ? "the verification did not finish"
            : first
                ? $"confirmed: {recommendation.Loss} has the best validation {metric} ({Fmt(mine.Mean)} ± {Fmt(mine.Std)})"
                : confirmed
                    ? $"confirmed within noise: {ranking[0].Loss} scored {Fmt(ranking[0].Mean)} vs {Fmt(mine.Mean)}, but the paired test gives p = {Fmt(againstWinner!.PValue)}"
                    : $"not confirmed: {ranking[0].Loss} beat {recommendation.Loss} on validation {metric} ({Fmt(ranking[0].Mean)} vs {Fmt(mine.Mean)}, paired p = {Fmt(againstWinner!.PValue)}); prefer it on this data";
        return new AdviceResult(diagnostics, recommendation, metric, verification, confirmed, verdict);
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

    private static string Fmt(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
}
