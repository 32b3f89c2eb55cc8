using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Training;
using LossLab.Losses;

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
    /// <param name="folds">Folds of the verification.</param>
    /// <param name="seeds">Seeds per fold of the verification.</param>
    /// <param name="epochs">Epochs per verification run.</param>
    /// <param name="model">The model spec of the verification.</param>
    /// <param name="result">The advice.</param>
    public static Report Build(string commandLine, string dataText, Dataset dataset, string? kpi, int folds, int seeds, int epochs, string model, AdviceResult result)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(result);
        CompareResult verification = result.Verification;
        Recommendation recommendation = result.Recommendation;
        var report = new Report($"LossLab advise: {dataText}", commandLine);
        CompareReport.AddDataFacts(report, dataText, dataset);
        report.Fact("KPI", kpi ?? "none given")
            .Fact("metric", $"validation {result.Metric} ({CompareReport.Direction(verification.LowerIsBetter)})" + (kpi is null ? " (the default without --kpi)" : string.Empty))
            .Fact("folds", folds.ToString(Inv))
            .Fact("seeds per fold", seeds.ToString(Inv))
            .Fact("epochs", epochs.ToString(Inv))
            .Fact("learning rates searched", string.Join(", ", CompareSettings.AutoRates.Select(r => r.ToString("G4", Inv))))
            .Fact("model", model)
            .Fact("seed", "0 (the verification's folds)");

        report.Heading("Diagnostics")
            .Paragraph(dataset.Task == TaskKind.Regression
                ? $"Measured on the residuals of a first robust fit (Huber, c = {Diagnostics.HuberTuning.ToString(Inv)} in units of the MAD scale) and on the target itself."
                : "The class balance of the target.")
            .Table(["quantity", "value", "what it says"], DiagnosticRows(result.Diagnostics, dataset));
        AddDataCharts(report, dataset, result.Diagnostics);

        report.Heading("Recommendation")
            .Note($"Loss {recommendation.Loss} with optimizer {recommendation.Optimizer}.")
            .List(recommendation.Reasons);
        if (recommendation.Alternatives.Count > 0)
        {
            report.Paragraph("Alternative losses, verified below against the recommendation: " + string.Join(", ", recommendation.Alternatives) + ".");
        }

        if (recommendation.OptimizerAlternatives.Count > 0)
        {
            report.Paragraph("Alternative optimizers: " + string.Join(", ", recommendation.OptimizerAlternatives) + ".");
        }

        report.Heading("Verification")
            .Paragraph($"The recommended loss and the alternatives, each with the optimizer {CompareReport.BaseOptimizer(recommendation.Optimizer)} and the same learning-rate search (the recommendation's own rate is replaced by the search), folds, seeds and epochs, ranked by the mean validation {result.Metric} over {folds} folds × {seeds} seed(s) ({CompareReport.Direction(verification.LowerIsBetter)}).")
            .Note($"Verdict: {result.Verdict}.");
        if (verification.Cancelled)
        {
            report.Note($"Cancelled after {verification.RunsCompleted} of {verification.RunsTotal} runs: only the candidates whose runs all finished are ranked.");
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
            rows.Add(Row("robust scale s", G(scale), "normalised MAD of the residuals, ≈ σ under Gaussian noise"));
        }

        if (d.ResidualMedian is double median)
        {
            rows.Add(Row("residual median", G(median), "the centre of the outlier rule"));
        }

        if (d.OutlierShare is double share)
        {
            rows.Add(Row("outliers", $"{d.OutlierCount?.ToString(Inv) ?? "?"} ({(100 * share).ToString("0.##", Inv)} %)", $"rows with |r − median r| / s > {Diagnostics.OutlierThreshold.ToString(Inv)} (Iglewicz–Hoaglin)"));
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
            rows.Add(Row("heteroscedasticity p", G(h.PValue), $"Breusch–Pagan (Koenker) LM = {G(h.Statistic)}, R² = {G(h.RSquared)}; small p: the noise scale changes with the fit"));
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
        if (d.RobustScale is double scale && scale > 0 && d.ResidualMedian is double median && RobustResiduals(dataset) is double[] residuals)
        {
            double[] z = [.. residuals.Select(r => (r - median) / scale)];
            ScottPlot.Plot plot = (Charts.Histograms("Residuals of the robust fit", "(r − median r) / s", [("residuals", z)], Bins(z.Length)));
            foreach (double at in new[] { -Diagnostics.OutlierThreshold, Diagnostics.OutlierThreshold })
            {
                var line = plot.Add.VerticalLine(at);
                line.LinePattern = ScottPlot.LinePattern.Dashed;
                line.Color = ScottPlot.Colors.IndianRed;
                line.LegendText = at > 0 ? $"outlier threshold ±{Diagnostics.OutlierThreshold.ToString(Inv)}" : string.Empty;
            }

            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
            report.Chart(
                "residuals",
                $"Residuals of the first robust (Huber) fit in units of the robust scale s = {G(scale)}; beyond the dashed lines a row counts as an outlier ({d.OutlierCount?.ToString(Inv) ?? "?"} rows)",
                plot);
        }
    }

    /// <summary>The residuals y − ŷ of the same first Huber fit the diagnostics measure; null when the fit fails.</summary>
    private static double[]? RobustResiduals(Dataset data)
    {
        double[] beta;
        try
        {
            beta = ExactSolvers.Robust(new Huber(Diagnostics.HuberTuning), data).Coefficients;
        }
        catch (DataException)
        {
            return null;
        }

        int n = data.Rows, columns = data.Columns;
        double[] r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double f = beta[columns];
            for (int j = 0; j < columns; j++)
            {
                f += beta[j] * data.Features[(i * columns) + j];
            }

            r[i] = data.Targets[i] - f;
        }

        return r;
    }

    /// <summary>Bins of a histogram of n values: about four values a bin, between 10 and 40 bins.</summary>
    private static int Bins(int n) => Math.Clamp(n / 4, 10, 40);

    private static string ClassName(Dataset dataset, int k) => k < dataset.ClassNames.Count ? dataset.ClassNames[k] : k.ToString(Inv);

    private static string[] Row(string key, string value, string meaning) => [key, value, meaning];

    private static string G(double v) => CompareReport.Number(v, "G4");

    private static string YesNo(bool v) => v ? "yes" : "no";
}
