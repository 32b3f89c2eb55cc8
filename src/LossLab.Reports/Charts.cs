namespace LossLab.Reports;

/// <summary>A named line of a chart.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">x values.</param>
/// <param name="Y">y values (same length as <paramref name="X"/>).</param>
public sealed record Series(string Label, double[] X, double[] Y)
{
    /// <summary>A series over 0, 1, 2, … .</summary>
    public static Series Indexed(string label, IReadOnlyList<double> y)
        => new(label, [.. Enumerable.Range(0, y.Count).Select(i => (double)i)], [.. y]);
}

/// <summary>A path drawn over a surface.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">First coordinate per step.</param>
/// <param name="Y">Second coordinate per step.</param>
public sealed record SurfacePath(string Label, double[] X, double[] Y);

/// <summary>
/// The chart kinds of LossLab's reports, drawn with ScottPlot: lines (optionally on a log₁₀ axis), a function's surface
/// over two parameters as a colour map with paths on it, bars with error bars (a ranking), labelled bars (evidence),
/// histograms and scatter plots with lines.
/// </summary>
public static class Charts
{
    /// <summary>Lines, one per series; with <paramref name="logY"/> the y axis is log₁₀ (values ≤ 0 or non-finite are dropped).</summary>
    public static ScottPlot.Plot Lines(string title, string xLabel, string yLabel, IEnumerable<Series> series, bool logY)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new ScottPlot.Plot();
        int count = 0;
        foreach (Series s in series)
        {
            var points = Enumerable.Range(0, Math.Min(s.X.Length, s.Y.Length))
                .Where(i => double.IsFinite(s.Y[i]) && (!logY || s.Y[i] > 0))
                .Select(i => (X: s.X[i], Y: logY ? Math.Log10(s.Y[i]) : s.Y[i]))
                .ToArray();
            if (points.Length == 0)
            {
                continue;
            }

            var line = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            line.LegendText = s.Label;
            line.MarkerSize = points.Length == 1 ? 6 : 0;
            count++;
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"log₁₀ {yLabel}" : yLabel);
        if (count > 1)
        {
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        }

        return plot;
    }

    /// <summary>
    /// The surface z = f(x, y) on a grid over [xMin, xMax] × [yMin, yMax] as a colour map of log₁₀(z − min + 10⁻⁶)
    /// (so valleys show), with every path drawn on it and optional marked points (minima, the truth).
    /// </summary>
    public static ScottPlot.Plot Surface(
        string title, string xLabel, string yLabel, Func<double, double, double> f, (double Min, double Max) xRange, (double Min, double Max) yRange,
        IEnumerable<SurfacePath> paths, IEnumerable<(string Label, double X, double Y)> marks, int grid = 80)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(marks);
        double[,] z = new double[grid, grid];
        double lowest = double.PositiveInfinity;
        for (int i = 0; i < grid; i++)
        {
            double y = yRange.Max - ((yRange.Max - yRange.Min) * i / (grid - 1));
            for (int j = 0; j < grid; j++)
            {
                double x = xRange.Min + ((xRange.Max - xRange.Min) * j / (grid - 1));
                z[i, j] = f(x, y);
                if (double.IsFinite(z[i, j]))
                {
                    lowest = Math.Min(lowest, z[i, j]);
                }
            }
        }

        for (int i = 0; i < grid; i++)
        {
            for (int j = 0; j < grid; j++)
            {
                z[i, j] = double.IsFinite(z[i, j]) ? Math.Log10(z[i, j] - lowest + 1e-6) : double.NaN;
            }
        }

        var plot = new ScottPlot.Plot();
        var heat = plot.Add.Heatmap(z);
        heat.Extent = new ScottPlot.CoordinateRect(xRange.Min, xRange.Max, yRange.Min, yRange.Max);
        plot.Add.ColorBar(heat).Label = "log₁₀(value − min)";
        foreach (SurfacePath p in paths)
        {
            var line = plot.Add.ScatterLine(p.X, p.Y);
            line.LegendText = p.Label;
            line.LineWidth = 2;
            line.MarkerSize = p.X.Length <= 60 ? 4 : 0;
        }

        foreach (var (label, x, y) in marks)
        {
            var marker = plot.Add.Marker(x, y);
            marker.LegendText = label;
            marker.Size = 12;
        }

        plot.Axes.SetLimits(xRange.Min, xRange.Max, yRange.Min, yRange.Max);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }

    /// <summary>The range of a set of paths widened to include <paramref name="include"/> and padded by 10 %.</summary>
    public static ((double Min, double Max) X, (double Min, double Max) Y) Bounds(IEnumerable<SurfacePath> paths, IEnumerable<(double X, double Y)> include)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(include);
        var xs = paths.SelectMany(p => p.X).Concat(include.Select(i => i.X)).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var ys = paths.SelectMany(p => p.Y).Concat(include.Select(i => i.Y)).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        return (Pad(xs.Min(), xs.Max()), Pad(ys.Min(), ys.Max()));

        static (double, double) Pad(double lo, double hi)
        {
            double span = Math.Max(hi - lo, 1e-3);
            return (lo - (0.1 * span), hi + (0.1 * span));
        }
    }

    /// <summary>
    /// A ranking: one horizontal bar per entry (best at the top) at its mean with an error bar of ± its standard
    /// deviation; the entry at <paramref name="highlight"/> (if any) is drawn in another colour.
    /// </summary>
    public static ScottPlot.Plot Ranking(string title, string metric, IReadOnlyList<(string Label, double Mean, double Std)> entries, int? highlight = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var plot = new ScottPlot.Plot();
        var bars = new List<ScottPlot.Bar>();
        double[] positions = new double[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            positions[i] = entries.Count - 1 - i;
            var (_, mean, std) = entries[i];
            bars.Add(new ScottPlot.Bar
            {
                Position = positions[i],
                Value = double.IsFinite(mean) ? mean : 0,
                Error = double.IsFinite(std) ? std : 0,
                FillColor = i == highlight ? ScottPlot.Colors.DarkOrange : ScottPlot.Colors.SteelBlue,
                Label = double.IsFinite(mean) ? mean.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "diverged",
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        foreach (ScottPlot.Bar bar in bars)
        {
            // The value label goes past the end of the error bar, not under it.
            bool negative = bar.Value < 0;
            var text = plot.Add.Text(bar.Label, negative ? bar.Value - bar.Error : bar.Value + bar.Error, bar.Position);
            text.LabelAlignment = negative ? ScottPlot.Alignment.MiddleRight : ScottPlot.Alignment.MiddleLeft;
            text.OffsetX = negative ? -4 : 4;
            text.LabelFontSize = 12;
            bar.Label = string.Empty;
        }

        plot.Axes.Left.SetTicks(positions, [.. entries.Select(e => e.Label)]);
        plot.Axes.Margins(left: entries.Any(e => e.Mean < 0) ? 0.2 : 0, right: 0.2);
        plot.Title(title);
        plot.XLabel($"{metric} (mean ± std)");
        return plot;
    }

    /// <summary>Labelled horizontal bars, one per value (the evidence of a claim); the value axis reads in 3 significant digits.</summary>
    public static ScottPlot.Plot LabelledBars(string title, string xLabel, IReadOnlyList<(string Label, double Value)> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var plot = new ScottPlot.Plot();
        double[] positions = new double[values.Count];
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < values.Count; i++)
        {
            positions[i] = values.Count - 1 - i;
            double v = values[i].Value;
            bars.Add(new ScottPlot.Bar
            {
                Position = positions[i],
                Value = double.IsFinite(v) ? v : 0,
                FillColor = v < 0 ? ScottPlot.Colors.IndianRed : ScottPlot.Colors.SteelBlue,
                Label = double.IsFinite(v) ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "n/a",
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.SetTicks(positions, [.. values.Select(v => v.Label)]);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) };
        plot.Axes.Margins(left: values.Any(v => v.Value < 0) ? 0.2 : 0.05, right: 0.2);
        plot.Title(title);
        plot.XLabel(xLabel);
        return plot;
    }

    /// <summary>Histograms of several samples on shared bins spanning all their values, the samples' bars side by side.</summary>
    public static ScottPlot.Plot Histograms(string title, string xLabel, IEnumerable<(string Label, double[] Values)> samples, int bins = 30)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var list = samples.Select(s => (s.Label, Values: s.Values.Where(double.IsFinite).ToArray())).Where(s => s.Values.Length > 0).ToList();
        var plot = new ScottPlot.Plot();
        if (list.Count > 0)
        {
            double lo = list.Min(s => s.Values.Min()), hi = list.Max(s => s.Values.Max());
            if (!(hi > lo))
            {
                lo -= 0.5;
                hi += 0.5;
            }

            double width = (hi - lo) / bins;
            double shift = width / (list.Count + 1);
            for (int k = 0; k < list.Count; k++)
            {
                int[] counts = new int[bins];
                foreach (double v in list[k].Values)
                {
                    counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
                }

                var barPlot = plot.Add.Bars(Enumerable.Range(0, bins).Select(b => new ScottPlot.Bar
                {
                    Position = lo + ((b + 0.5) * width) + ((k - ((list.Count - 1) / 2.0)) * shift),
                    Value = counts[b],
                    Size = shift,
                    FillColor = ScottPlot.Palette.Default.GetColor(k),
                    LineWidth = 0,
                }).ToList());
                barPlot.LegendText = list[k].Label;
            }
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("count");
        if (list.Count > 1)
        {
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        }

        return plot;
    }

    /// <summary>Points (x, y), optionally some of them circled, with straight lines drawn over the x range.</summary>
    public static ScottPlot.Plot PointsAndLines(
        string title, string xLabel, string yLabel, double[] x, double[] y, bool[]? circled, IEnumerable<(string Label, double Slope, double Intercept)> lines, string pointsLabel = "data")
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(lines);
        var plot = new ScottPlot.Plot();
        var points = plot.Add.ScatterPoints(x, y);
        points.LegendText = pointsLabel;
        if (circled is not null && circled.Any(c => c))
        {
            var marked = plot.Add.ScatterPoints(x.Where((_, i) => circled[i]).ToArray(), y.Where((_, i) => circled[i]).ToArray());
            marked.LegendText = "outliers";
            marked.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            marked.MarkerSize = 14;
        }

        if (x.Length > 0)
        {
            double lo = x.Min(), hi = x.Max();
            foreach (var (label, slope, intercept) in lines)
            {
                var line = plot.Add.Line(lo, (slope * lo) + intercept, hi, (slope * hi) + intercept);
                line.LegendText = label;
                line.LineWidth = 2;
            }
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        return plot;
    }
}
