using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab;
using LossLab.Losses;

namespace LossLab.Reports;

/// <summary>
/// The demo's report: for every scenario, the loss curves of all runs (log scale, one chart per loss), the loss landscape of mse, l1 and
/// huber over (w, b) with every optimizer's path drawn on it, the data with the fitted lines and the outliers
/// highlighted, and the residual histogram.
/// </summary>
public static class DemoReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] ResidualLosses = ["mse", "l1"];

    /// <summary>The report of the demo's scenarios, ready to write.</summary>
    public static Report Build(IReadOnlyList<DemoScenario> scenarios, string commandLine, int seed)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        var report = new Report("LossLab demo: the guide's experiment, done fairly", commandLine)
            .Fact("the guide", Guide.Fact)
            .Fact("data", string.Join("; ", scenarios.Select(s => $"{s.Name}: {s.Data}")))
            .Fact("seed", seed.ToString(Inv));
        foreach (DemoScenario s in scenarios)
        {
            report.Heading(s.Name)
                .Paragraph($"{s.Description}; data {s.Data}; {s.Epochs} epochs; every run starts at (w, b) = ({TextNumber.G(s.InitialParameters[0], 4)}, {TextNumber.G(s.InitialParameters[1], 4)}) on the same split.");
            foreach (string note in s.Notes)
            {
                report.Note(note);
            }

            report.Table(
                ["loss", "optimizer", "lr", "train loss", "val loss", "w", "b", "|Δ| to (2, 1)", "settled", "jitter"],
                s.Runs.Select(r => (IReadOnlyList<string>)
                [
                    r.Loss, Short(r.Optimizer), TextNumber.G(r.LearningRate, 3), TextNumber.G(r.FinalTrainLoss, 4), TextNumber.G(r.FinalValidationLoss, 4),
                    r.Parameters[0].ToString("F4", Inv), r.Parameters[1].ToString("F4", Inv), r.ParameterError.ToString("F4", Inv),
                    r.SettledEpoch?.ToString(Inv) ?? "never", TextNumber.G(r.Jitter, 3),
                ]));
            // One chart per loss (its optimizers), so that no chart holds more lines than stay apart.
            foreach (var group in s.Runs.GroupBy(r => r.Loss))
            {
                report.Chart(
                    $"{s.Name}-loss-curves-{group.Key}",
                    $"Training {group.Key} loss per epoch (log scale), one line per optimizer",
                    Charts.Lines($"{s.Name}: {group.Key} loss per epoch", "epoch", $"training {group.Key} loss", group.Take(Charts.MaxSeries).Select(r => Series.Indexed(Short(r.Optimizer), r.LossCurve)), logY: true));
            }

            foreach (string loss in Demo.Losses)
            {
                report.Chart($"{s.Name}-landscape-{loss}", $"The {loss} landscape over (w, b) with each optimizer's path from the shared start (white disc) to its end (diamond of its colour); the red cross is the true (2, 1)", Landscape(s, loss));
            }

            report.Chart($"{s.Name}-fits", "The data and the best fitted line of each loss (outliers circled)", Fits(s));
            report.Chart(
                $"{s.Name}-residuals",
                "Residuals of the mse and l1 fits",
                Charts.Histograms($"{s.Name}: residuals", "y − ŷ", ResidualLosses.Select(loss => ($"{loss} residuals", Residuals(s, Best(s, loss))))));
        }

        return report;
    }

    private static ScottPlot.Plot Landscape(DemoScenario s, string lossName)
    {
        ILoss loss = LossCatalog.Create(lossName);
        SurfacePath[] paths = [.. s.Runs.Where(r => r.Loss == lossName).Select(r => new SurfacePath(Short(r.Optimizer), [.. r.Path.Select(p => (double)p[0])], [.. r.Path.Select(p => (double)p[1])]))];
        var (wRange, bRange) = Charts.Bounds(paths, [(-0.5, -0.5), (3, 2)]);
        float[] predictions = new float[s.Train.Rows];
        double Value(double w, double b)
        {
            for (int n = 0; n < s.Train.Rows; n++)
            {
                predictions[n] = (float)((w * s.Train.Features[n]) + b);
            }

            return loss.Evaluate(predictions, s.Train.Targets, Span<float>.Empty);
        }

        SurfaceMark[] marks = [new("start", s.InitialParameters[0], s.InitialParameters[1], MarkKind.Start), new("true (2, 1)", 2, 1, MarkKind.Target)];
        return Charts.Surface($"{s.Name}: {lossName} landscape", "w", "b", Value, wRange, bRange, paths, marks, grid: 60);
    }

    private static ScottPlot.Plot Fits(DemoScenario s)
    {
        double[] x = [.. s.Train.Features.Select(v => (double)v)];
        double[] y = [.. s.Train.Targets.Select(v => (double)v)];
        bool[] outlier = [.. x.Select((xi, i) => Math.Abs(y[i] - ((2 * xi) + 1)) > 1)];
        return Charts.PointsAndLines(
            $"{s.Name}: fitted lines", "x", "y", x, y, outlier,
            Demo.Losses.Select(loss => Best(s, loss)).Select(r => ($"{r.Loss} (w {r.Parameters[0]:F3}, b {r.Parameters[1]:F3})", r.Parameters[0], r.Parameters[1])),
            "training data");
    }

    private static double[] Residuals(DemoScenario s, RunSummary r)
        => [.. Enumerable.Range(0, s.Train.Rows).Select(i => s.Train.Targets[i] - ((r.Parameters[0] * s.Train.Features[i]) + r.Parameters[1]))];

    /// <summary>The run of a loss with the lowest validation loss (the one a user would keep).</summary>
    private static RunSummary Best(DemoScenario s, string loss)
        => s.Runs.Where(run => run.Loss == loss && !run.Diverged).MinBy(run => run.FinalValidationLoss) ?? s.Runs.First(run => run.Loss == loss);

    private static string Short(string optimizer) => optimizer.Split(",lr=")[0].Split(":lr=")[0];
}
