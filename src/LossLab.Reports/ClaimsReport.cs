using System.Globalization;
using LossLab.Lab.Experiments;

namespace LossLab.Reports;

/// <summary>
/// The report of <c>losslab claims --out DIR</c>: a summary table (id, verdict, claim), then for every claim its
/// verdict, the explanation and its evidence as labelled bars. Evidence that spans more than three orders of magnitude
/// is split at its widest gap into a second chart, so the small numbers get visible bars too.
/// </summary>
public static class ClaimsReport
{
    /// <summary>Evidence whose largest and smallest non-zero magnitudes differ by more than this is drawn in two charts.</summary>
    public const double SplitRatio = 1000;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the report of a set of claims.</summary>
    /// <param name="commandLine">The command line as typed.</param>
    /// <param name="seed">The seed of the experiments.</param>
    /// <param name="only">The <c>--only</c> list, or null for every claim.</param>
    /// <param name="results">The claims' outcomes, in the guide's order.</param>
    public static Report Build(string commandLine, int seed, string? only, IReadOnlyList<ClaimResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var report = new Report("LossLab claims: the guide's claims, measured", commandLine)
            .Fact("seed", seed.ToString(Inv) + " (replication r uses seed·1000 + r)")
            .Fact("replications", results.Count > 0 ? results.Max(r => r.Replications).ToString(Inv) : "0")
            .Fact("claims", only is null ? "all" : only);
        report.Heading("Summary")
            .Paragraph($"{results.Count(r => r.Verdict == Verdict.Holds)} hold, {results.Count(r => r.Verdict == Verdict.HoldsWithCaveat)} hold with a caveat, {results.Count(r => r.Verdict == Verdict.DoesNotHold)} do not hold. Each claim's experiment runs once per replication on new data from a new start; the support is the share of replications in which its prediction held, with a 95% Wilson interval. A claim holds when that interval lies above ½ in every scenario, does not hold when it lies below ½ in every scenario, and holds with a caveat otherwise.")
            .Table(["id", "verdict", "support", "claim"], [.. results.Select(r => (IReadOnlyList<string>)[r.Id, VerdictText(r.Verdict), Support(r), r.Claim])]);
        foreach (ClaimResult r in results)
        {
            report.Heading($"{r.Id} — {r.Claim}")
                .Note($"Verdict: {VerdictText(r.Verdict)}.");
            if (r.Prediction.Length > 0)
            {
                report.Paragraph("Prediction: " + r.Prediction + ".");
            }

            report.Paragraph(r.Explanation);
            if (r.Scenarios.Count > 0)
            {
                report.Table(["scenario", "replications", "prediction held", "95% interval"], [.. r.Scenarios.Select(sc => (IReadOnlyList<string>)[sc.Name, sc.Replications.ToString(Inv), $"{sc.Held.ToString(Inv)} ({(100 * sc.Share).ToString("0", Inv)}%)", $"{(100 * sc.Low).ToString("0", Inv)}–{(100 * sc.High).ToString("0", Inv)}%"])]);
            }

            if (!r.Exact && r.Samples.Count > 1 && Strip(r) is ScottPlot.Plot strip)
            {
                report.Chart($"claim-{r.Id}-replications", $"{r.Id}: one point per replication (filled: the prediction held; open: it did not), one row per scenario", strip);
            }

            AddEvidence(report, r);
        }

        return report;
    }

    private static string Support(ClaimResult r) => r.Exact
        ? "exact"
        : double.IsFinite(r.SupportShare) ? $"{(100 * r.SupportShare).ToString("0", Inv)}% of {r.Replications.ToString(Inv)} ({(100 * r.SupportLow).ToString("0", Inv)}–{(100 * r.SupportHigh).ToString("0", Inv)}%)" : "—";

    /// <summary>The chart quantity of every replication, one row per scenario, held and not held told apart.</summary>
    private static ScottPlot.Plot? Strip(ClaimResult r)
    {
        string? key = r.ChartKey ?? r.Samples.SelectMany(t => t.Evidence.Keys).FirstOrDefault();
        if (key is null)
        {
            return null;
        }

        string[] scenarios = [.. r.Samples.Select(t => t.Scenario).Distinct()];
        var plot = new ScottPlot.Plot();
        foreach (bool held in new[] { true, false })
        {
            var xs = new List<double>();
            var ys = new List<double>();
            int k = 0;
            foreach (var t in r.Samples)
            {
                k++;
                if (t.Held == held && t.Evidence.TryGetValue(key, out double v) && double.IsFinite(v))
                {
                    xs.Add(v);
                    ys.Add(scenarios.Length - 1 - Array.IndexOf(scenarios, t.Scenario) + (0.25 * ((k % 7) / 6.0 - 0.5)));
                }
            }

            if (xs.Count == 0)
            {
                continue;
            }

            var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
            points.LegendText = held ? "prediction held" : "prediction did not hold";
            points.MarkerSize = 9;
            points.MarkerShape = held ? ScottPlot.MarkerShape.FilledCircle : ScottPlot.MarkerShape.OpenCircle;
            points.Color = held ? ScottPlot.Colors.SteelBlue : ScottPlot.Colors.IndianRed;
        }

        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, scenarios.Length).Select(i => (double)(scenarios.Length - 1 - i))], scenarios);
        plot.Axes.SetLimitsY(-0.6, scenarios.Length - 0.4);
        plot.Title($"{r.Id}: {key} per replication");
        plot.XLabel(r.Units.TryGetValue(key, out string? unit) ? $"{key} ({unit})" : key);
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        return plot;
    }

    /// <summary>The verdict in words: holds, holds with a caveat, does not hold.</summary>
    public static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "holds",
        Verdict.HoldsWithCaveat => "holds with a caveat",
        _ => "does not hold",
    };

    /// <summary>
    /// Splits evidence into the values of large magnitude and those of small magnitude (zeros and non-finite values
    /// with the small ones) when the magnitudes span more than <see cref="SplitRatio"/>, at the widest gap between
    /// consecutive log₁₀ magnitudes; otherwise returns everything as the first part and an empty second part. The order
    /// of the evidence is kept within each part.
    /// </summary>
    public static ((string Label, double Value)[] Large, (string Label, double Value)[] Small) Split(IReadOnlyList<(string Label, double Value)> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        double[] logs = [.. evidence.Select(e => Math.Abs(e.Value)).Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).Order()];
        if (logs.Length < 2 || logs[^1] - logs[0] <= Math.Log10(SplitRatio))
        {
            return ([.. evidence], []);
        }

        int widest = 0;
        for (int i = 1; i < logs.Length - 1; i++)
        {
            if (logs[i + 1] - logs[i] > logs[widest + 1] - logs[widest])
            {
                widest = i;
            }
        }

        double cut = (logs[widest] + logs[widest + 1]) / 2;
        bool IsLarge((string Label, double Value) e) => double.IsFinite(e.Value) && e.Value != 0 && Math.Log10(Math.Abs(e.Value)) > cut;
        return ([.. evidence.Where(IsLarge)], [.. evidence.Where(e => !IsLarge(e))]);
    }

    private static void AddEvidence(Report report, ClaimResult r)
    {
        (string Label, double Value)[] evidence = [.. r.Evidence.Select(e => (e.Key, e.Value))];
        if (evidence.Length == 0)
        {
            report.Paragraph("This claim recorded no numeric evidence.");
            return;
        }

        var (large, small) = Split(evidence);
        if (small.Length == 0)
        {
            report.Chart($"claim-{r.Id}", $"{r.Id}: the measured evidence (bar labels give the values)", Charts.LabelledBars($"{r.Id}: evidence", "measured value", large));
            return;
        }

        double largest = evidence.Where(e => double.IsFinite(e.Value)).Max(e => Math.Abs(e.Value));
        double smallest = evidence.Where(e => double.IsFinite(e.Value) && e.Value != 0).Min(e => Math.Abs(e.Value));
        report.Paragraph($"The evidence spans {Math.Floor(Math.Log10(largest / smallest)).ToString(Inv)} orders of magnitude ({smallest.ToString("G3", Inv)} to {largest.ToString("G3", Inv)}), so it is drawn in two charts: the large values, then the small ones (and any zero), each on its own scale.");
        report.Chart($"claim-{r.Id}", $"{r.Id}: the evidence of large magnitude (bar labels give the values)", Charts.LabelledBars($"{r.Id}: evidence (large values)", "measured value", large));
        report.Chart($"claim-{r.Id}-small", $"{r.Id}: the evidence of small magnitude, on its own scale", Charts.LabelledBars($"{r.Id}: evidence (small values)", "measured value", small));
    }
}
