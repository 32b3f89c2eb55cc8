using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab;
using LossLab.Specs;

namespace LossLab.Reports;

/// <summary>
/// The report of <c>losslab compare --out DIR</c>: what was run, the ranking (mean ± std per loss + optimizer, the
/// winner highlighted), the learning-rate search of every candidate, the score of every run, a table, and the paired
/// test of the winner against the runner-up.
/// </summary>
public static class CompareReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the report of a comparison.</summary>
    /// <param name="commandLine">The command line as typed.</param>
    /// <param name="dataText">The <c>--data</c> text.</param>
    /// <param name="dataset">The data set compared on.</param>
    /// <param name="settings">What was run.</param>
    /// <param name="result">The comparison.</param>
    public static Report Build(string commandLine, string dataText, Dataset dataset, CompareSettings settings, CompareResult result)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        var report = new Report($"LossLab compare: {dataText}", commandLine);
        AddDataFacts(report, dataText, dataset);
        report.Fact("losses", string.Join("; ", settings.Losses))
            .Fact("optimizers", string.Join("; ", settings.Optimizers))
            .Fact("metric", $"test {result.Metric} ({Direction(result.LowerIsBetter)})")
            .Fact("resampling", result.Run?.Plan.Describe() ?? $"{settings.Folds} folds")
            .Fact("seeds", $"{settings.Seeds.ToString(Inv)} (each a further {settings.Repeats.ToString(Inv)} fold assignment(s))")
            .Fact("tuning", "learning rate tuned on an inner hold-out of each training part (the grid extended once past an edge), then refitted on the training part and scored on its test part")
            .Fact("epochs", settings.Epochs.ToString(Inv))
            .Fact("batch size", settings.BatchSize > 0 ? settings.BatchSize.ToString(Inv) : "0 (full batch up to 2048 training rows, else 256)")
            .Fact("learning rates searched", Rates(settings.LearningRates ?? CompareSettings.AutoRates) + (settings.LearningRates is null ? " (auto)" : string.Empty))
            .Fact("model", settings.Model)
            .Fact("seed", settings.Seed.ToString(Inv))
            .Fact("threads", (settings.Parallelism?.ToString(Inv) ?? "all cores") + " (the results do not depend on it)");

        report.Heading("Ranking")
            .Paragraph($"Every loss × optimizer had the same learning-rate grid, splits, epochs and initialisations; the rate was tuned inside each training part and never on the rows scored. Ranked by the mean test {result.Metric} over the {(result.Ranking.Count > 0 ? result.Ranking[0].Scores.Length : 0)} splits ({Direction(result.LowerIsBetter)}); each is shown with the rate tuned most often.");
        AddOutcomeNotes(report, result);
        AddRanking(report, result, result.Ranking.Count > 0 ? 0 : null, "the winner");
        return report;
    }

    /// <summary>The data facts shared by compare and advise: data, target, features, rows, task.</summary>
    internal static void AddDataFacts(Report report, string dataText, Dataset dataset)
    {
        report.Fact("data", dataText)
            .Fact("target", dataset.TargetName)
            .Fact("features", dataset.Columns.ToString(Inv) + ": " + string.Join(", ", dataset.FeatureNames))
            .Fact("rows", dataset.Rows.ToString(Inv))
            .Fact("task", dataset.Task.ToString().ToLowerInvariant());
    }

    /// <summary>
    /// The ranking chart (the candidate at <paramref name="highlight"/> in another colour), the learning-rate search,
    /// the per-run scores and the table.
    /// </summary>
    internal static void AddRanking(Report report, CompareResult result, int? highlight, string highlightName)
    {
        if (result.Ranking.Count == 0)
        {
            report.Note("No candidate finished all its runs, so there is nothing to rank.");
            return;
        }

        string metric = $"test {result.Metric}";
        (string Label, double Mean, double Std)[] entries = [.. result.Ranking.Select(c => (Label(c), c.Mean, c.Std))];
        report.Chart(
            "ranking",
            $"Mean {metric} ± std over the splits per loss + optimizer, best on top ({Direction(result.LowerIsBetter)}); {highlightName} in orange",
            Charts.Ranking($"Ranking by {metric}", metric, entries, highlight));
        report.Chart(
            "scores",
            $"The test {metric} of every split of each candidate, with the mean; splits where every rate diverged are not drawn (their count follows the label)",
            Scores($"Every run's {metric}", metric, result.Ranking));
        if (result.Ranking.Any(c => c.Search.Count > 1))
        {
            CandidateResult[] shown = [.. result.Ranking.Take(Charts.MaxSeries)];
            string which = shown.Length < result.Ranking.Count
                ? string.Create(Inv, $"for the best {shown.Length} of the {result.Ranking.Count} candidates (more lines would not stay apart; the table has them all)")
                : "for each loss + optimizer";
            report.Chart(
                "lr-search",
                $"The learning-rate search: mean {metric} against the learning rate (log scale) {which}; a rate at which a run diverged is left out",
                Search(shown.Length < result.Ranking.Count ? string.Create(Inv, $"Learning-rate search, best {shown.Length} ({metric})") : $"Learning-rate search ({metric})", metric, shown, result.LowerIsBetter));
        }

        int rank = 1;
        report.Table(
            ["rank", "loss", "optimizer", "lr", "mean", "std", "runs", "diverged runs"],
            result.Ranking.Select(c => (IReadOnlyList<string>)
            [
                (rank++).ToString(Inv), c.Loss, BaseOptimizer(c.Optimizer), double.IsFinite(c.LearningRate) ? TextNumber.G(c.LearningRate, 4) : "—", Number(c.Mean, "G5"), Number(c.Std, "G3"),
                c.Scores.Length.ToString(Inv), c.Diverged.ToString(Inv),
            ]));
    }

    /// <summary>The paired test of the winner against the runner-up, and a cancellation, as notes.</summary>
    private static void AddOutcomeNotes(Report report, CompareResult result)
    {
        if (result.Ranking.Count > 0 && !double.IsFinite(result.Ranking[0].Mean))
        {
            report.Note("No winner: every candidate diverged or has no finite score; try smaller learning rates (--lrs) or fewer epochs.");
        }
        else if (result.Ranking.Count > 0)
        {
            CandidateResult winner = result.Ranking[0];
            report.Note($"Winner: {winner.Loss} + {BaseOptimizer(winner.Optimizer)}{Rate(winner)}, {result.Metric} {Number(winner.Mean, "G5")} ± {Number(winner.Std, "G3")}.");
        }

        if (result.WinnerVsRunnerUp is PairedTest t)
        {
            CandidateResult runnerUp = result.Ranking[1];
            string against = $"Winner vs runner-up ({runnerUp.Loss} + {BaseOptimizer(runnerUp.Optimizer)})";
            if (!double.IsFinite(t.PValue))
            {
                report.Note($"{against}: no paired test, because a run of one of them diverged.");
            }
            else
            {
                string verdict = t.PValue < 0.05
                    ? "the winner's edge is significant at the 5 % level"
                    : "the winner's edge is not significant at the 5 % level: the data cannot separate the two";
                report.Note($"{against}: mean difference {Number(t.MeanDifference, "G3")} in the winner's favour over {t.Pairs} paired splits, 95% CI [{Number(t.Low, "G3")}, {Number(t.High, "G3")}], t = {Number(t.TStatistic, "G3")}, p = {LossLab.Lab.Verification.Judgement.P(t.PValue)} ({t.Test}); {verdict}.");
            }
        }

        if (result.Ranks is LossLab.Lab.Verification.RankTest f)
        {
            double best = f.AverageRanks.Min();
            string[] tied = [.. f.Labels.Where((_, i) => f.AverageRanks[i] - best <= f.CriticalDifference)];
            report.Paragraph($"Ranks over the splits (descriptive: the splits of one data set share rows, so the corrected t-tests above decide): Friedman χ² = {Number(f.Statistic, "G3")}, p = {LossLab.Lab.Verification.Judgement.P(f.PValue)}; Nemenyi's critical difference of average ranks at 5 % is {Number(f.CriticalDifference, "G3")} (Demšar 2006), and these are within it of the best: {string.Join(", ", tied)}.")
                .Table(["candidate", "average rank (1 = best)"], [.. f.Labels.Select((l, i) => (IReadOnlyList<string>)[l, Number(f.AverageRanks[i], "G3")]).OrderBy(r => double.Parse(r[1], Inv))]);
        }

        if (result.Cancelled)
        {
            report.Note($"Cancelled after {result.RunsCompleted} of {result.RunsTotal} (candidate, split) runs: only the candidates whose splits all finished are ranked.");
        }
    }

    /// <summary>"loss + optimizer (lr X)", the label of a candidate.</summary>
    internal static string Label(CandidateResult c) => double.IsFinite(c.LearningRate) ? $"{c.Loss} + {BaseOptimizer(c.Optimizer)} (lr {TextNumber.G(c.LearningRate, 3)})" : $"{c.Loss} + {BaseOptimizer(c.Optimizer)}";

    private static string Rate(CandidateResult c) => double.IsFinite(c.LearningRate) ? $" at learning rate {TextNumber.G(c.LearningRate, 4)} (tuned most often)" : string.Empty;

    /// <summary>The optimizer spec without its learning rate (compare searches it and appends the chosen one).</summary>
    internal static string BaseOptimizer(string optimizer)
    {
        try
        {
            Spec spec = Spec.Parse(optimizer);
            return new Spec(spec.Name, [.. spec.Arguments.Where(a => a.Key != "lr")]).ToString();
        }
        catch (SpecException)
        {
            return optimizer;
        }
    }

    /// <summary>"lower is better" or "higher is better".</summary>
    internal static string Direction(bool lowerIsBetter) => lowerIsBetter ? "lower is better" : "higher is better";

    /// <summary>A number, or "n/a" when it is not finite (a diverged candidate).</summary>
    internal static string Number(double value, string format) => double.IsFinite(value) ? TextNumber.G(value, int.Parse(format.AsSpan(1), Inv)) : "n/a";

    private static string Rates(IEnumerable<double> rates) => string.Join(", ", rates.Select(r => TextNumber.G(r, 4)));

    /// <summary>Mean metric against log₁₀(lr), one line with markers per candidate; a log y axis when the means span more than 30×.</summary>
    private static ScottPlot.Plot Search(string title, string metric, IReadOnlyList<CandidateResult> ranking, bool lowerIsBetter)
    {
        Series[] series =
        [
            .. ranking.Select(c =>
            {
                var points = c.Search.OrderBy(p => p.Key).ToArray();
                return new Series(Label(c).Split(" (lr ")[0], [.. points.Select(p => Math.Log10(p.Key))], [.. points.Select(p => p.Value)]);
            }),
        ];
        double[] finite = [.. series.SelectMany(s => s.Y).Where(double.IsFinite)];
        bool logY = lowerIsBetter && finite.Length > 0 && finite.All(v => v > 0) && finite.Max() > 30 * finite.Min();
        ScottPlot.Plot plot = Charts.Lines(title, "learning rate (log scale)", $"mean {metric}", series, logY);
        foreach (ScottPlot.Plottables.Scatter line in plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>())
        {
            line.MarkerSize = 7;
            line.LineWidth = 2;
        }

        double[] rates = [.. ranking.SelectMany(c => c.Search.Keys).Distinct().Order()];
        plot.Axes.Bottom.SetTicks([.. rates.Select(Math.Log10)], [.. rates.Select(r => TextNumber.G(r, 4))]);
        return plot;
    }

    /// <summary>A strip chart: one row per candidate (best on top), a point per run, the mean as a vertical tick.</summary>
    private static ScottPlot.Plot Scores(string title, string metric, IReadOnlyList<CandidateResult> ranking)
    {
        var plot = new ScottPlot.Plot();
        var runX = new List<double>();
        var runY = new List<double>();
        var meanX = new List<double>();
        var meanY = new List<double>();
        double[] positions = new double[ranking.Count];
        for (int i = 0; i < ranking.Count; i++)
        {
            positions[i] = ranking.Count - 1 - i;
            double[] scores = ranking[i].Scores;
            for (int k = 0; k < scores.Length; k++)
            {
                if (double.IsFinite(scores[k]))
                {
                    runX.Add(scores[k]);
                    runY.Add(positions[i] + (scores.Length > 1 ? 0.3 * ((k / (scores.Length - 1.0)) - 0.5) : 0));
                }
            }

            if (double.IsFinite(ranking[i].Mean))
            {
                meanX.Add(ranking[i].Mean);
                meanY.Add(positions[i]);
            }
        }

        var runs = plot.Add.ScatterPoints(runX.ToArray(), runY.ToArray());
        runs.LegendText = "one split";
        runs.MarkerSize = 8;
        runs.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
        var means = plot.Add.ScatterPoints(meanX.ToArray(), meanY.ToArray());
        means.LegendText = "mean";
        means.MarkerSize = 22;
        means.MarkerShape = ScottPlot.MarkerShape.VerticalBar;
        means.MarkerLineWidth = 3;
        means.Color = ScottPlot.Colors.DarkOrange;
        plot.Axes.Left.SetTicks(positions, [.. ranking.Select(c => c.Diverged > 0 ? $"{Label(c)} [{c.Diverged}/{c.Scores.Length} diverged]" : Label(c))]);
        plot.Axes.SetLimitsY(-0.6, ranking.Count - 0.4);
        plot.Title(title);
        plot.XLabel(metric);
        return plot;
    }
}
