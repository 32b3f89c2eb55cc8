using System.Globalization;
using LossLab.Functions;
using LossLab.Lab;

namespace LossLab.Reports;

/// <summary>
/// What an optimizer did on a test function, step by step: row k is the state after k updates (row 0 is the start).
/// </summary>
/// <param name="Points">The point of each row.</param>
/// <param name="Values">The function's value at each row's point.</param>
/// <param name="LearningRates">The learning rate of the update that produced each row (row 0: the first one's).</param>
/// <param name="GradientNorms">The gradient norm before the update that produced each row (NaN on row 0).</param>
/// <param name="Diverged">Whether the run stopped on a non-finite or exploding value.</param>
/// <param name="DivergenceReason">Why and when, or null.</param>
/// <param name="EscapeStep">For a function unbounded below: the first step whose value is 1 below the start's, or null.</param>
/// <param name="StepNumbers">The step of each row when the rows are a thinned record of a long run (null: row k is step k).</param>
public sealed record OptimizeTrace(
    IReadOnlyList<float[]> Points, IReadOnlyList<double> Values, IReadOnlyList<double> LearningRates, IReadOnlyList<double> GradientNorms,
    bool Diverged, string? DivergenceReason, int? EscapeStep, IReadOnlyList<int>? StepNumbers = null);

/// <summary>
/// The report of <c>losslab optimize --out DIR</c>: what was run, the trajectory on the function's surface (for
/// functions of two coordinates), the value, the learning rate and the gradient norm per step, and where it ended.
/// </summary>
public static class OptimizeReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Builds the report of one optimization run.</summary>
    /// <param name="commandLine">The command line as typed.</param>
    /// <param name="function">The test function.</param>
    /// <param name="optimizer">The optimizer spec.</param>
    /// <param name="schedule">The learning-rate schedule spec, or null.</param>
    /// <param name="clipNorm">The gradient clipping norm, or null.</param>
    /// <param name="stepsAsked">The number of steps asked for (the run may stop earlier when it diverges).</param>
    /// <param name="trace">The run.</param>
    /// <exception cref="ArgumentException">The trace is empty or its lists differ in length.</exception>
    public static Report Build(string commandLine, ITestFunction function, string optimizer, string? schedule, double? clipNorm, int stepsAsked, OptimizeTrace trace)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(trace);
        int rows = trace.Points.Count;
        if (rows == 0 || trace.Values.Count != rows || trace.LearningRates.Count != rows || trace.GradientNorms.Count != rows || (trace.StepNumbers is { } numbers && numbers.Count != rows))
        {
            throw new ArgumentException("the trace needs one point, value, learning rate and gradient norm per row, and at least the start", nameof(trace));
        }

        int steps = trace.StepNumbers is { } kept ? kept[^1] : rows - 1;
        var report = new Report($"LossLab optimize: {function.Name} with {optimizer}", commandLine)
            .Fact("function", $"{function.Name}: {function.Formula}")
            .Fact("start", Point(trace.Points[0]))
            .Fact("optimizer", optimizer)
            .Fact("schedule", schedule ?? "none")
            .Fact("clip-norm", (clipNorm is double clip ? TextNumber.G(clip, 6) : "none"))
            .Fact("steps", steps == stepsAsked ? steps.ToString(Inv) : string.Create(Inv, $"{steps} run of {stepsAsked} asked"));
        if (trace.StepNumbers is not null)
        {
            report.Note(string.Create(Inv, $"A long run: the charts draw the {rows} steps kept in memory (evenly spaced, with the first and the last); the --trace file has every step."));
        }

        if (trace.Diverged)
        {
            report.Note($"The run diverged: {trace.DivergenceReason}. It stopped there; the charts leave out values that are not finite.");
        }

        report.Heading("Result").Table(["", "value"], Outcome(function, trace));
        report.Heading("Trajectory");
        if (function.Dimension == 2)
        {
            int every = PathStride(rows);
            report.Chart(
                "surface",
                $"The path of {optimizer} on {function.Name} from the start (white disc) to the end (black diamond), over the surface coloured by log₁₀(value − lowest value shown)"
                    + (function.Minimum.Count == 2 ? "; the red cross is the global minimum" : string.Empty)
                    + (every > 1 ? string.Create(Inv, $"; the path is drawn through every {every}th step") : string.Empty),
                Surface(function, trace, every));
        }
        else
        {
            report.Paragraph(string.Create(Inv, $"{function.Name} has {function.Dimension} coordinates; the surface and the path on it are drawn only for functions of 2 coordinates. The charts below follow the value, the learning rate and the gradient norm."));
        }

        double[] values = [.. trace.Values];
        if (double.IsFinite(function.MinimumValue))
        {
            double min = function.MinimumValue;
            report.Chart(
                "value",
                string.Create(Inv, $"Distance of the value from the global minimum value {TextNumber.G(min, 6)} per step (log scale; a step exactly at the minimum is not drawn)") + FitReport.Thinned(rows),
                FitReport.Single(Charts.Lines("Value − minimum", "step", "value − min", [Renumber(FitReport.Steps("value − min", [.. values.Select(v => v - min)], 0, rows), trace)], logY: true)));
        }
        else
        {
            bool positive = values.Where(double.IsFinite).All(v => v > 0);
            report.Chart(
                "value",
                (positive ? "Value per step (log scale)" : "Value per step (the function is unbounded below, so the scale is linear)") + FitReport.Thinned(rows),
                FitReport.Single(Charts.Lines("Value", "step", "value", [Renumber(FitReport.Steps("value", values, 0, rows), trace)], logY: positive)));
        }

        report.Chart(
            "learning-rate",
            "Learning rate of each update" + FitReport.Thinned(steps),
            FitReport.Single(Charts.Lines("Learning rate", "step", "learning rate", [Renumber(FitReport.Steps("learning rate", trace.LearningRates, 1, rows), trace)], logY: false)));
        report.Chart(
            "gradient-norm",
            "Norm of the gradient each update read, before clipping (log scale)" + FitReport.Thinned(steps),
            FitReport.Single(Charts.Lines("Gradient norm", "step", "‖gradient‖", [Renumber(FitReport.Steps("gradient norm", trace.GradientNorms, 1, rows), trace)], logY: true)));
        return report;
    }

    /// <summary>A series over row numbers moved onto the steps those rows record (unchanged when row k is step k).</summary>
    private static Series Renumber(Series series, OptimizeTrace trace)
        => trace.StepNumbers is { } steps ? series with { X = [.. series.X.Select(x => (double)steps[(int)x])] } : series;

    private static List<IReadOnlyList<string>> Outcome(ITestFunction function, OptimizeTrace trace)
    {
        float[] last = trace.Points[^1];
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "final point", Point(last) },
            new[] { "final value", Number(trace.Values[^1]) },
        };
        if (function.Minimum.Count == function.Dimension)
        {
            double distance = Math.Sqrt(last.Select((p, i) => Math.Pow(p - function.Minimum[i], 2)).Sum());
            rows.Add(["global minimum", $"{Point(function.Minimum)}, value {Number(function.MinimumValue)}"]);
            rows.Add(["distance to the minimum", Number(distance)]);
        }
        else
        {
            rows.Add(["global minimum", "none (unbounded below)"]);
            rows.Add(["left the start's level set (value 1 below the start)", trace.EscapeStep is int e ? string.Create(Inv, $"at step {e}") : "never"]);
        }

        rows.Add(["diverged", trace.Diverged ? $"yes: {trace.DivergenceReason}" : "no"]);
        return rows;
    }

    private static int PathStride(int rows) => Math.Max(1, (rows + FitReport.MaxChartPoints - 1) / FitReport.MaxChartPoints);

    private static ScottPlot.Plot Surface(ITestFunction function, OptimizeTrace trace, int every)
    {
        int[] finite = [.. Enumerable.Range(0, trace.Points.Count)
            .Where(i => (i % every == 0 || i == trace.Points.Count - 1) && float.IsFinite(trace.Points[i][0]) && float.IsFinite(trace.Points[i][1]))];
        var path = new SurfacePath("path", [.. finite.Select(i => (double)trace.Points[i][0])], [.. finite.Select(i => (double)trace.Points[i][1])]);
        var marks = new List<SurfaceMark> { new("start", path.X[0], path.Y[0], MarkKind.Start), new(finite[^1] == trace.Points.Count - 1 ? "end" : "last finite point", path.X[^1], path.Y[^1], MarkKind.End) };
        if (function.Minimum.Count == 2)
        {
            marks.Add(new("minimum", function.Minimum[0], function.Minimum[1], MarkKind.Target));
        }

        var (xRange, yRange) = Charts.Bounds([path], marks.Select(m => (m.X, m.Y)));
        double[] point = new double[2];
        double Value(double x, double y)
        {
            point[0] = x;
            point[1] = y;
            return function.Evaluate(point, Span<double>.Empty);
        }

        return Charts.Surface($"{function.Name}: path", "x", "y", Value, xRange, yRange, [path], marks);
    }

    private static string Point(IEnumerable<float> p) => "(" + string.Join(", ", p.Select(v => float.IsFinite(v) ? TextNumber.G(v, 6) : "n/a")) + ")";

    private static string Point(IEnumerable<double> p) => "(" + string.Join(", ", p.Select(Number)) + ")";

    private static string Number(double v) => double.IsFinite(v) ? TextNumber.G(v, 6) : "n/a";
}
