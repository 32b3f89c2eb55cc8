using System.Globalization;
using System.Text;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Losses;

namespace LossLab.Reports;

/// <summary>
/// The demo's report: for every scenario, the loss curves of all runs (log scale), the loss landscape of mse, l1 and
/// huber over (w, b) with every optimizer's path drawn on it, the data with the fitted lines and the outliers
/// highlighted, and the residual histogram; each chart as PNG and SVG, an offline index.html, a Markdown summary and
/// the JSON results.
/// </summary>
public static class DemoReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report into <paramref name="directory"/>; returns the chart file names (without extension).</summary>
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<DemoScenario> scenarios, string json, string commandLine)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var writer = new ReportWriter(directory);
        try
        {
            var charts = new List<(string Scenario, string File, string Title)>();
            foreach (DemoScenario s in scenarios)
            {
                charts.Add((s.Name, Save(writer, $"{s.Name}-loss-curves", LossCurves(s)), "Training loss per epoch (log₁₀), every loss × optimizer"));
                foreach (string loss in Demo.Losses)
                {
                    charts.Add((s.Name, Save(writer, $"{s.Name}-landscape-{loss}", Landscape(s, loss)), $"The {loss} landscape over (w, b) with each optimizer's path"));
                }

                charts.Add((s.Name, Save(writer, $"{s.Name}-fits", Fits(s)), "The data and the best fitted line of each loss (outliers circled)"));
                charts.Add((s.Name, Save(writer, $"{s.Name}-residuals", Residuals(s)), "Residuals of the mse and l1 fits"));
            }

            writer.WriteText("results.json", json);
            writer.WriteText("summary.md", Markdown(scenarios, commandLine));
            writer.WriteText("index.html", Html(scenarios, charts, commandLine));
            writer.Commit();
            return charts.Select(c => c.File).ToArray();
        }
        catch
        {
            writer.Abandon();
            throw;
        }
    }

    private static string Save(ReportWriter writer, string name, ScottPlot.Plot plot)
    {
        plot.SavePng(writer.PathOf(name + ".png"), 720, 460);
        plot.SaveSvg(writer.PathOf(name + ".svg"), 720, 460);
        return name;
    }

    private static ScottPlot.Plot LossCurves(DemoScenario s)
    {
        var plot = new ScottPlot.Plot();
        foreach (RunSummary r in s.Runs)
        {
            double[] ys = r.LossCurve.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray();
            var line = plot.Add.ScatterLine(Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray(), ys);
            line.LegendText = $"{r.Loss} + {Short(r.Optimizer)}";
        }

        plot.Title($"{s.Name}: loss curves");
        plot.XLabel("epoch");
        plot.YLabel("log₁₀ training loss");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    private static ScottPlot.Plot Landscape(DemoScenario s, string lossName)
    {
        ILoss loss = LossCatalog.Create(lossName);
        var runs = s.Runs.Where(r => r.Loss == lossName).ToList();
        double wMin = Math.Min(-0.5, runs.SelectMany(r => r.Path).Min(p => p[0])), wMax = Math.Max(3, runs.SelectMany(r => r.Path).Max(p => p[0]));
        double bMin = Math.Min(-0.5, runs.SelectMany(r => r.Path).Min(p => p[1])), bMax = Math.Max(2, runs.SelectMany(r => r.Path).Max(p => p[1]));
        const int grid = 60;
        double[,] z = new double[grid, grid];
        float[] predictions = new float[s.Train.Rows];
        for (int i = 0; i < grid; i++)
        {
            double b = bMax - ((bMax - bMin) * i / (grid - 1));
            for (int j = 0; j < grid; j++)
            {
                double w = wMin + ((wMax - wMin) * j / (grid - 1));
                for (int n = 0; n < s.Train.Rows; n++)
                {
                    predictions[n] = (float)((w * s.Train.Features[n]) + b);
                }

                z[i, j] = Math.Log10(1e-6 + loss.Evaluate(predictions, s.Train.Targets, Span<float>.Empty));
            }
        }

        var plot = new ScottPlot.Plot();
        var heat = plot.Add.Heatmap(z);
        heat.Extent = new ScottPlot.CoordinateRect(wMin, wMax, bMin, bMax);
        plot.Add.ColorBar(heat).Label = "log₁₀ loss";
        foreach (RunSummary r in runs)
        {
            var path = plot.Add.ScatterLine(r.Path.Select(p => (double)p[0]).ToArray(), r.Path.Select(p => (double)p[1]).ToArray());
            path.LegendText = Short(r.Optimizer);
            path.LineWidth = 2;
        }

        var truth = plot.Add.Marker(2, 1);
        truth.LegendText = "true (2, 1)";
        truth.Size = 12;
        plot.Title($"{s.Name}: {lossName} landscape");
        plot.XLabel("w");
        plot.YLabel("b");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    private static ScottPlot.Plot Fits(DemoScenario s)
    {
        var plot = new ScottPlot.Plot();
        double[] x = s.Train.Features.Select(v => (double)v).ToArray();
        double[] y = s.Train.Targets.Select(v => (double)v).ToArray();
        var points = plot.Add.ScatterPoints(x, y);
        points.LegendText = "training data";
        bool[] outlier = x.Select((xi, i) => Math.Abs(y[i] - ((2 * xi) + 1)) > 1).ToArray();
        if (outlier.Any(o => o))
        {
            var marked = plot.Add.ScatterPoints(x.Where((_, i) => outlier[i]).ToArray(), y.Where((_, i) => outlier[i]).ToArray());
            marked.LegendText = "outliers";
            marked.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            marked.MarkerSize = 14;
        }

        double lo = x.Min(), hi = x.Max();
        foreach (string loss in Demo.Losses)
        {
            RunSummary r = Best(s, loss);
            var line = plot.Add.Line(lo, (r.Parameters[0] * lo) + r.Parameters[1], hi, (r.Parameters[0] * hi) + r.Parameters[1]);
            line.LegendText = $"{loss} (w {r.Parameters[0]:F3}, b {r.Parameters[1]:F3})";
            line.LineWidth = 2;
        }

        plot.Title($"{s.Name}: fitted lines");
        plot.XLabel("x");
        plot.YLabel("y");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    private static ScottPlot.Plot Residuals(DemoScenario s)
    {
        var plot = new ScottPlot.Plot();
        foreach (string loss in new[] { "mse", "l1" })
        {
            RunSummary r = Best(s, loss);
            double[] residuals = Enumerable.Range(0, s.Train.Rows).Select(i => s.Train.Targets[i] - ((r.Parameters[0] * s.Train.Features[i]) + r.Parameters[1])).ToArray();
            var histogram = ScottPlot.Statistics.Histogram.WithBinCount(30, -0.5, 2.5);
            histogram.AddRange(residuals);
            var bars = plot.Add.Bars(histogram.Bins, histogram.Counts);
            bars.LegendText = $"{loss} residuals";
        }

        plot.Title($"{s.Name}: residuals");
        plot.XLabel("y − ŷ");
        plot.YLabel("count");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        return plot;
    }

    /// <summary>The run of a loss with the lowest validation loss (the one a user would keep).</summary>
    private static RunSummary Best(DemoScenario s, string loss)
        => s.Runs.Where(run => run.Loss == loss && !run.Diverged).MinBy(run => run.FinalValidationLoss) ?? s.Runs.First(run => run.Loss == loss);

    private static string Short(string optimizer) => optimizer.Split(",lr=")[0].Split(":lr=")[0];

    private static string Html(IReadOnlyList<DemoScenario> scenarios, List<(string Scenario, string File, string Title)> charts, string commandLine)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>LossLab demo report</title>");
        html.Append("<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:0.9em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child,td:nth-child(2){text-align:left}figure{display:inline-block;margin:0.5em}img{max-width:520px;border:1px solid #ddd}.note{background:#f4f7fb;padding:0.5em 1em}</style></head><body>");
        html.Append("<h1>LossLab demo: the guide's experiment, done fairly</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>What was run: <code>{ReportWriter.Escape(commandLine)}</code> — LossLab {ReportWriter.Escape(typeof(DemoReport).Assembly.GetName().Version?.ToString())}, .NET {ReportWriter.Escape(Environment.Version.ToString())}. Results: <a href=\"results.json\">results.json</a>, <a href=\"summary.md\">summary.md</a>.</p>");
        foreach (DemoScenario s in scenarios)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>{ReportWriter.Escape(s.Name)}</h2><p>{ReportWriter.Escape(s.Description)}; data <code>{ReportWriter.Escape(s.Data)}</code>; every run starts at (w, b) = ({s.InitialParameters[0].ToString("G4", Inv)}, {s.InitialParameters[1].ToString("G4", Inv)}).</p>");
            foreach (string note in s.Notes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{ReportWriter.Escape(note)}</p>");
            }

            html.Append("<table><tr><th>loss</th><th>optimizer</th><th>lr</th><th>train loss</th><th>val loss</th><th>w</th><th>b</th><th>|Δ|</th><th>settled</th><th>jitter</th></tr>");
            foreach (RunSummary r in s.Runs)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{ReportWriter.Escape(r.Loss)}</td><td>{ReportWriter.Escape(Short(r.Optimizer))}</td><td>{r.LearningRate.ToString("G3", Inv)}</td><td>{r.FinalTrainLoss.ToString("G4", Inv)}</td><td>{r.FinalValidationLoss.ToString("G4", Inv)}</td><td>{r.Parameters[0].ToString("F4", Inv)}</td><td>{r.Parameters[1].ToString("F4", Inv)}</td><td>{r.ParameterError.ToString("F4", Inv)}</td><td>{r.EpochsToConverge?.ToString(Inv) ?? "never"}</td><td>{r.Oscillation.ToString("G3", Inv)}</td></tr>");
            }

            html.Append("</table><div>");
            foreach (var chart in charts.Where(c => c.Scenario == s.Name))
            {
                html.Append(CultureInfo.InvariantCulture, $"<figure><img class=\"chart\" src=\"{chart.File}.png\" alt=\"{ReportWriter.Escape(chart.Title)}\"><figcaption>{ReportWriter.Escape(chart.Title)} (<a href=\"{chart.File}.svg\">SVG</a>)</figcaption></figure>");
            }

            html.Append("</div>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string Markdown(IReadOnlyList<DemoScenario> scenarios, string commandLine)
    {
        var md = new StringBuilder("# LossLab demo report\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Command: `{commandLine}`\n");
        foreach (DemoScenario s in scenarios)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n## {s.Name}\n\n{s.Description}.\n\n");
            foreach (string note in s.Notes)
            {
                md.Append(CultureInfo.InvariantCulture, $"> {note}\n\n");
            }

            md.Append("| loss | optimizer | lr | train loss | val loss | w | b | distance to (2, 1) |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (RunSummary r in s.Runs)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {r.Loss} | {Short(r.Optimizer)} | {r.LearningRate.ToString("G3", Inv)} | {r.FinalTrainLoss.ToString("G4", Inv)} | {r.FinalValidationLoss.ToString("G4", Inv)} | {r.Parameters[0].ToString("F4", Inv)} | {r.Parameters[1].ToString("F4", Inv)} | {r.ParameterError.ToString("F4", Inv)} |\n");
            }

            md.Append(CultureInfo.InvariantCulture, $"\n![{s.Name} landscape](./{s.Name}-landscape-mse.png) ![{s.Name} fits](./{s.Name}-fits.png)\n");
        }

        return md.ToString();
    }
}
