using System.Globalization;
using LossLab.Lab.Experiments;
using LossLab.Lab;

namespace LossLab.Reports;

/// <summary>
/// The report of <c>losslab claims --out DIR</c>: a summary table (id, verdict, support, claim), then for every claim
/// its verdict, prediction and explanation, the support per scenario, one chart of the quantity its prediction reads
/// with a point per replication (one row per scenario), and its evidence as a table with units.
/// </summary>
public static class ClaimsReport
{
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
            .Fact("the guide", Guide.Fact)
            .Fact("seed", seed.ToString(Inv) + " (replication r uses seed·100003 + r)")
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
                report.Table(["scenario", "replications", "prediction held", "95% interval"], [.. r.Scenarios.Select(sc => (IReadOnlyList<string>)[sc.Name, sc.Replications.ToString(Inv), $"{sc.Held.ToString(Inv)} ({(100 * sc.Share).ToString("0", Inv)}%)", r.Exact ? "exact (computed once)" : $"{(100 * sc.Low).ToString("0", Inv)}–{(100 * sc.High).ToString("0", Inv)}%"])]);
            }

            if (!r.Exact && r.Samples.Count > 1 && Strip(r) is ScottPlot.Plot strip)
            {
                report.Chart($"claim-{r.Id}", $"{r.Id}: one point per replication (filled: the prediction held; open: it did not), one row per scenario", strip);
            }

            AddEvidence(report, r);
        }

        return report;
    }

    private static string Support(ClaimResult r) => r.Exact
        ? "exact"
        : double.IsFinite(r.SupportShare) ? $"{(100 * r.SupportShare).ToString("0", Inv)}% of {r.Scenarios.Sum(s => s.Replications).ToString(Inv)} trials ({(100 * r.SupportLow).ToString("0", Inv)}–{(100 * r.SupportHigh).ToString("0", Inv)}%)" : "—";

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

        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, scenarios.Length).Select(i => (double)(scenarios.Length - 1 - i))], [.. scenarios.Select(Quantity)]);
        plot.Axes.SetLimitsY(-0.6, scenarios.Length - 0.4);
        string unit = Unit(r, key);
        plot.Title($"{r.Id}: {Quantity(key)}, per replication");
        plot.XLabel(unit.Length == 0 || Quantity(key).EndsWith(unit, StringComparison.OrdinalIgnoreCase) ? Quantity(key)
            : unit.Contains('(', StringComparison.Ordinal) ? $"{Quantity(key)} — {unit}" : $"{Quantity(key)} ({unit})");
        return plot;
    }

    /// <summary>The verdict in words: holds, holds with a caveat, does not hold.</summary>
    public static string VerdictText(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "holds",
        Verdict.HoldsWithCaveat => "holds with a caveat",
        _ => "does not hold",
    };

    /// <summary>The evidence as a table: each quantity (in words) with its unit and its mean over the replications (per scenario).</summary>
    private static void AddEvidence(Report report, ClaimResult r)
    {
        if (r.Evidence.Count == 0)
        {
            report.Paragraph("This claim recorded no numeric evidence.");
            return;
        }

        report.Table(
            ["quantity", "unit", r.Exact ? "value" : $"mean over {r.Replications.ToString(Inv)} replications"],
            [.. r.Evidence.Select(e => (IReadOnlyList<string>)[Quantity(e.Key), Unit(r, e.Key), double.IsFinite(e.Value) ? TextNumber.G(e.Value, 4) : "—"])]);
    }

    /// <summary>
    /// A quantity's key in words for a chart: "lad_irls_iterations" → "LAD IRLS iterations", "fix_over_sgd_distance" →
    /// "fix over SGD distance", "jitter_batch4" → "jitter batch 4"; a scenario prefix stays apart ("clean:ols_slope" → "clean: OLS slope").
    /// </summary>
    public static string Quantity(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int colon = key.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon < key.Length - 1)
        {
            return Quantity(key[..colon]) + ": " + Quantity(key[(colon + 1)..]);
        }

        var words = new List<string>();
        foreach (string part in key.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            string word = part.ToLowerInvariant();
            if (Words.TryGetValue(word, out string? full))
            {
                word = full;
            }
            else if (Acronyms.Contains(word))
            {
                word = word.ToUpperInvariant();
            }
            else if (word == "log10")
            {
                word = "log₁₀";
            }
            else if (word.EndsWith("pct", StringComparison.Ordinal) && word.Length > 3 && word[..^3].All(char.IsAsciiDigit))
            {
                word = word[..^3] + " %";
            }
            else if (word.Length > 2 && char.IsAsciiLetter(word[0]) && char.IsAsciiLetter(word[1]) && char.IsAsciiDigit(word[^1]))
            {
                // "batch4" reads "batch 4" ("l1" and "l2", names of losses, stay as they are).
                int letters = word.TakeWhile(char.IsAsciiLetter).Count();
                word = word[letters..].All(char.IsAsciiDigit) ? word[..letters] + " " + word[letters..] : word;
            }

            words.Add(word);
        }

        return words.Count == 0 ? key : string.Join(' ', words);
    }

    private static readonly Dictionary<string, string> Words = new(StringComparer.Ordinal)
    {
        ["grad"] = "gradient", ["param"] = "parameter", ["val"] = "validation", ["lr"] = "learning rate", ["dev"] = "deviation",
        ["abs"] = "absolute", ["sq"] = "squared", ["div10"] = "÷ 10", ["vs"] = "vs.",
    };

    private static readonly HashSet<string> Acronyms = new(StringComparer.Ordinal)
    {
        "sgd", "ols", "mse", "bce", "lad", "rmse", "mae", "ece", "irls", "kpi", "ls", "sd",
    };

    private static string Unit(ClaimResult r, string key)
    {
        string bare = key.Contains(':', StringComparison.Ordinal) ? key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..] : key;
        return r.Units.TryGetValue(key, out string? unit) || r.Units.TryGetValue(bare, out unit) ? unit : string.Empty;
    }
}
