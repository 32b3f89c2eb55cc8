using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab;

namespace LossLab.Reports;

/// <summary>
/// The report of <c>losslab advise --out DIR</c>: what was run, the data's diagnostics (with the target's histogram or
/// class counts and, for regression, the robust residuals the outlier rule reads), the recommendation with its reasons,
/// and the verification: the ranking with the recommendation highlighted, every run's score, the learning-rate search,
/// a table, and the verdict.
/// </summary>
public static class AdviseReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the report of an advice.</summary>
    /// <param name="commandLine">The command line as typed.</param>
    /// <param name="dataText">The <c>--data</c> text.</param>
    /// <param name="dataset">The data set advised on.</param>
    /// <param name="kpi">The <c>--kpi</c> text, or null.</param>
    /// <param name="result">The advice.</param>
    public static Report Build(string commandLine, string dataText, Dataset dataset, string? kpi, AdviceResult result)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(result);
        CompareResult verification = result.Verification;
        Recommendation recommendation = result.Recommendation;
        var report = new Report($"LossLab advise: {dataText}", commandLine);
        CompareReport.AddDataFacts(report, dataText, dataset);
        report.Fact("KPI", kpi ?? "none given")
            .Fact("the guide", Guide.Fact + "; the reasons cite its claim ids")
            .Fact("metric", $"test {result.Metric} ({CompareReport.Direction(verification.LowerIsBetter)}): {recommendation.MetricReason}")
            .Fact("resampling", result.Run?.Plan.Describe() ?? "not run")
            .Fact("tuning", "learning rate (and a decision threshold for threshold KPIs) tuned on an inner hold-out of each training part, the grid extended once past an edge")
            .Fact("learning rates searched", string.Join(", ", ((result.Run is { Candidates.Count: > 0 } run0 ? run0.Candidates[0].GridRates : null) ?? [.. CompareSettings.AutoRates]).Select(r => TextNumber.G(r, 4))))
            .Fact("seed", (result.Run?.Plan.Seed ?? 0).ToString(Inv) + " (the verification's folds)");

        report.Heading("Diagnostics")
            .Paragraph(dataset.Task == TaskKind.Regression
                ? $"Measured on the target itself, on the residuals of a high-breakdown fit ({result.Diagnostics.RobustFit ?? "mm"}), and on the least-squares design (leverage)."
                : "The class balance of the target.")
            .Table(["quantity", "value", "what it says"], DiagnosticRows(result.Diagnostics, dataset));
        if (result.Diagnostics.Findings.Count > 0)
        {
            report.Paragraph("Findings, each from one check:").List([.. result.Diagnostics.Findings.Select(f => $"[{f.Check}] {f.Text}")]);
        }

        AddDataCharts(report, dataset, result.Diagnostics);

        report.Heading("Recommendation")
            .Note($"Loss {recommendation.Loss} with optimizer {recommendation.Optimizer} (the verified spec).")
            .List(recommendation.Reasons);
        if (recommendation.Warnings.Count > 0)
        {
            report.Paragraph("Warnings:").List(recommendation.Warnings);
        }

        if (recommendation.OptimizerAlternatives.Count > 0)
        {
            report.Paragraph("Alternative optimizers: " + string.Join(", ", recommendation.OptimizerAlternatives) + ".");
        }

        report.Heading("Verification")
            .Paragraph($"The first choice {result.Initial?.Loss ?? recommendation.Loss} and the alternatives, each with its own optimizer (learning rate tuned inside each training part), scored on the same splits ({result.Run?.Plan.Describe() ?? "cross-validation"}); test {result.Metric} ({CompareReport.Direction(verification.LowerIsBetter)}).")
            .Note($"Verdict: {result.Verdict}.");
        if (result.Outcome is { } outcome && outcome.Comparisons.Count > 0)
        {
            report.Table(
                ["against", $"mean difference ({outcome.Reference} − other)", "95% CI", "p", "Holm p", "other better in"],
                [.. outcome.Comparisons.Select(c => (IReadOnlyList<string>)[c.Against, G(c.MeanDifference), $"[{G(c.Low)}, {G(c.High)}]", LossLab.Lab.Verification.Judgement.P(c.PValue), LossLab.Lab.Verification.Judgement.P(c.PAdjusted), $"{c.OtherBetterSplits.ToString(Inv)} of {c.Splits.ToString(Inv)} splits"])]);
            if (outcome.Settle is string settle)
            {
                report.Paragraph("What would settle it: " + settle + ".");
            }
        }

        if (result.Run is { } run && run.Candidates.Count > 0)
        {
            string[] keys = [.. run.Candidates.SelectMany(c => c.MetricMeans.Keys).Distinct().Where(k => k is not "mse" and not "pinball_0.5")];
            report.Paragraph("Every standard metric of the task, mean over the test parts of the splits:")
                .Table(["loss", .. keys], [.. run.Candidates.Select(c => (IReadOnlyList<string>)[c.Candidate.Loss, .. keys.Select(k => c.MetricMeans.TryGetValue(k, out double v) ? G(v) : "—")])]);
        }

        if (verification.Cancelled)
        {
            report.Note($"Cancelled after {verification.RunsCompleted} of {verification.RunsTotal} (candidate, split) runs: only the candidates whose splits all finished are ranked.");
        }

        int recommended = verification.Ranking.ToList().FindIndex(c => c.Loss == recommendation.Loss);
        CompareReport.AddRanking(report, verification, recommended >= 0 ? recommended : null, "the recommendation");
        return report;
    }

    private static List<IReadOnlyList<string>> DiagnosticRows(DataDiagnostics d, Dataset dataset)
    {
        var rows = new List<IReadOnlyList<string>>
        {
            Row("rows", d.Rows.ToString(Inv), "n"),
            Row("features", d.Features.ToString(Inv), "columns the model sees"),
        };
        if (d.RobustScale is double scale)
        {
            rows.Add(Row("robust scale s", G(scale), "the scale of the high-breakdown fit, ≈ σ under Gaussian noise"));
        }

        if (d.ResidualMedian is double median)
        {
            rows.Add(Row("residual median", G(median), "the centre of the outlier rule"));
        }

        if (d.OutlierShare is double share)
        {
            rows.Add(Row("outliers", $"{d.OutlierCount?.ToString(Inv) ?? "?"} ({(100 * share).ToString("0.##", Inv)} %)", $"rows with |r| / s > {Diagnostics.OutlierThreshold.ToString(Inv)} against the local noise scale, bad leverage rows apart; not assessed for counts and zero-heavy targets"));
        }

        if (d.Skewness is double skew)
        {
            rows.Add(Row("residual skewness", G(skew), "0 for symmetric noise"));
        }

        if (d.ExcessKurtosis is double kurtosis)
        {
            rows.Add(Row("residual excess kurtosis", G(kurtosis), "0 Gaussian, ≈ 3 Laplace, large for heavy tails"));
        }

        if (d.Heteroscedasticity is HeteroscedasticityTest h)
        {
            rows.Add(Row("heteroscedasticity p", G(h.PValue), $"Breusch–Pagan (Koenker) on the regressors, LM = {G(h.Statistic)}; small p: the noise scale changes along the regressors{(d.VarianceRegressor is string v ? $" (most along '{v}')" : string.Empty)}"));
        }

        if (d.NonNegativeTarget is bool nonNegative)
        {
            rows.Add(Row("non-negative target", YesNo(nonNegative), "every target ≥ 0"));
        }

        if (d.CountTarget is bool counts)
        {
            rows.Add(Row("count target", YesNo(counts), "non-negative whole numbers, some of them 0"));
        }

        if (d.TargetSkewness is double targetSkew)
        {
            rows.Add(Row("target skewness", G(targetSkew), "of the target itself"));
        }

        if (d.TargetStandardDeviation is double sd)
        {
            rows.Add(Row("target standard deviation", G(sd), "the unit compare scales a regression target by"));
        }

        if (d.TargetKind is { } kind)
        {
            rows.Add(Row("target kind", LossLab.Lab.Advice.Checks.TargetShape.Code(kind), d.TargetKindReason ?? string.Empty));
        }

        if (d.ZeroShare is double zeros)
        {
            rows.Add(Row("zeros", $"{(100 * zeros).ToString("0.##", Inv)} %", "share of targets equal to 0"));
        }

        if (d.Dispersion is double dispersion)
        {
            rows.Add(Row("variance / mean", G(dispersion), "1 for Poisson counts; above 1 is over-dispersion"));
        }

        if (d.MaxLeverage is double maxLeverage)
        {
            rows.Add(Row("largest hat value", G(maxLeverage), $"leverage cut 2p/n = {G(d.LeverageCut ?? 0)}; {d.HighLeverageCount?.ToString(Inv) ?? "?"} rows above it"));
        }

        if (d.BadLeverageRows is { Count: > 0 } badRows)
        {
            rows.Add(Row("bad leverage rows", string.Join(", ", badRows.Select(r => r.ToString(Inv))), "high leverage and a robust residual beyond 2.5 s"));
        }

        if (d.MaxCooksDistance is double cooks)
        {
            rows.Add(Row("largest Cook's distance", G(cooks), $"at data row {d.MaxCooksRow?.ToString(Inv) ?? "?"}"));
        }

        if (d.WhiteTest is { } white)
        {
            rows.Add(Row("White test p", G(white.PValue), $"LM = {G(white.Statistic)}, df {G(white.DegreesOfFreedom)}"));
        }

        if (d.DurbinWatson is double dw)
        {
            rows.Add(Row("Durbin–Watson", G(dw), $"2 without autocorrelation; lag-1 autocorrelation {G(d.ResidualAutocorrelation ?? 0)}" + (d.TimeColumn is string tc ? $"; rows ordered in time by '{tc}'" : string.Empty)));
        }

        if (d.RowsPerCoefficient > 0)
        {
            rows.Add(Row("rows per coefficient", G(d.RowsPerCoefficient), "below 10, estimates are noisy"));
        }

        if (d.ClassCounts is { } classCounts)
        {
            rows.Add(Row("class counts", string.Join(", ", classCounts.Select((c, k) => $"{ClassName(dataset, k)}: {c.ToString(Inv)}")), "rows per class"));
        }

        if (d.MinorityClass is int minority)
        {
            rows.Add(Row("minority class", ClassName(dataset, minority), $"{(100 * (d.MinorityShare ?? 0)).ToString("0.##", Inv)} % of the rows"));
        }

        if (d.ImbalanceRatio is double ratio)
        {
            rows.Add(Row("imbalance ratio", G(ratio), "largest class over the smallest non-empty one (1 when balanced)"));
        }

        if (d.EmptyClasses is int empty)
        {
            rows.Add(Row("empty classes", empty.ToString(Inv), "classes without a row"));
        }

        return rows;
    }

    /// <summary>The target's histogram (or class counts) and, for regression, the residuals in units of the robust scale.</summary>
    private static void AddDataCharts(Report report, Dataset dataset, DataDiagnostics d)
    {
        if (dataset.TargetWidth != 1)
        {
            return;
        }

        if (d.ClassCounts is { } classCounts)
        {
            report.Chart(
                "classes",
                $"Rows per class of {dataset.TargetName}",
                Charts.LabelledBars($"Class counts of {dataset.TargetName}", "rows", [.. classCounts.Select((c, k) => (ClassName(dataset, k), (double)c))]));
            return;
        }

        report.Chart(
            "target",
            $"Histogram of the target {dataset.TargetName}",
            (Charts.Histograms($"Target: {dataset.TargetName}", dataset.TargetName, [(dataset.TargetName, [.. dataset.Targets.Select(v => (double)v)])], Bins(dataset.Rows))));
        if (d.RobustScale is double scale && scale > 0 && d.RobustResiduals is double[] residuals)
        {
            double[] z = [.. residuals.Select(r => r / scale)];
            ScottPlot.Plot plot = Charts.Histograms("Residuals of the high-breakdown fit", "r / s (robust SDs)", [("residuals", z)], Bins(z.Length));
            foreach (double at in new[] { -Diagnostics.OutlierThreshold, Diagnostics.OutlierThreshold })
            {
                var line = plot.Add.VerticalLine(at);
                line.LinePattern = ScottPlot.LinePattern.Dashed;
                line.Color = ScottPlot.Colors.IndianRed;
                line.LegendText = at > 0 ? $"outlier threshold ±{Diagnostics.OutlierThreshold.ToString(Inv)}" : string.Empty;
            }

            report.Chart(
                "residuals",
                $"Residuals of the {d.RobustFit ?? "robust"} fit in units of its robust scale s = {G(scale)}; beyond the dashed lines a row is far from the fit ({d.OutlierCount?.ToString(Inv) ?? "?"} rows counted as outliers)",
                plot);
        }
    }

    /// <summary>Bins of a histogram of n values: about four values a bin, between 10 and 40 bins.</summary>
    private static int Bins(int n) => Math.Clamp(n / 4, 10, 40);

    private static string ClassName(Dataset dataset, int k) => k < dataset.ClassNames.Count ? dataset.ClassNames[k] : k.ToString(Inv);

    private static string[] Row(string key, string value, string meaning) => [key, value, meaning];

    private static string G(double v) => CompareReport.Number(v, "G4");

    private static string YesNo(bool v) => v ? "yes" : "no";
}
