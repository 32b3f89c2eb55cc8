using System.Globalization;
using LossLab.Lab;
using SkiaSharp;

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

/// <summary>What a marked point on a surface is.</summary>
public enum MarkKind
{
    /// <summary>Where the paths start (a white disc).</summary>
    Start,

    /// <summary>Where a path ends (a black diamond).</summary>
    End,

    /// <summary>A known optimum or the true parameters (a red cross).</summary>
    Target,
}

/// <summary>A marked point on a surface, drawn on top of every path.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">First coordinate.</param>
/// <param name="Y">Second coordinate.</param>
/// <param name="Kind">How it is drawn.</param>
public sealed record SurfaceMark(string Label, double X, double Y, MarkKind Kind);

/// <summary>
/// The chart kinds of LossLab's reports, drawn with ScottPlot: lines (optionally on a log₁₀ axis), a function's surface
/// over two parameters as a colour map with paths on it, bars with error bars (a ranking), labelled bars (evidence),
/// histograms and scatter plots with lines. <see cref="Style"/> gives every chart the same look: one embedded sans-serif
/// font (<see cref="FontName"/>) at readable sizes, and a legend outside the data area only when there are at least
/// two labelled items.
/// </summary>
public static class Charts
{
    /// <summary>The most series one line chart draws; more are split into several charts (or the best few kept) by the caller.</summary>
    public const int MaxSeries = 6;

    /// <summary>The font family of every chart's text; it is embedded in LossLab, so no system font is needed.</summary>
    public const string FontName = "DejaVu Sans";

    /// <summary>Font size of a chart's title in pixels.</summary>
    public const float TitleSize = 17;

    /// <summary>Font size of axis labels in pixels.</summary>
    public const float LabelSize = 15;

    /// <summary>Font size of tick labels, legends and value labels in pixels (the smallest text of a chart).</summary>
    public const float TextSize = 13;

    /// <summary>The longest legend label that still goes to the right of the data; longer labels put the legend below.</summary>
    private const int RightLegendChars = 30;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    static Charts() => ScottPlot.Fonts.FontResolvers.Insert(0, new EmbeddedFont());

    /// <summary>
    /// Gives a chart the reports' look: <see cref="FontName"/> on every text element (title, axis and tick labels, legend,
    /// text and value labels, colour bar) at <see cref="TitleSize"/>, <see cref="LabelSize"/> and at least
    /// <see cref="TextSize"/> pixels; the legend outside the data area (to the right, or below for long labels or beside a
    /// colour bar) when two or more items are labelled, and no legend otherwise.
    /// </summary>
    public static ScottPlot.Plot Style(ScottPlot.Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Font.Set(FontName);
        Text(plot.Axes.Title.Label, TitleSize);
        foreach (ScottPlot.IAxis axis in plot.Axes.GetAxes())
        {
            Text(axis.Label, LabelSize);
            Text(axis.TickLabelStyle, TextSize);
        }

        foreach (ScottPlot.IPlottable plottable in plot.GetPlottables())
        {
            switch (plottable)
            {
                case ScottPlot.Plottables.Text text:
                    Text(text.LabelStyle, Math.Max(TextSize, text.LabelStyle.FontSize));
                    break;
                case ScottPlot.Plottables.BarPlot bars:
                    Text(bars.ValueLabelStyle, TextSize);
                    break;
            }
        }

        foreach (ScottPlot.Panels.ColorBar bar in plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>())
        {
            Text(bar.Axis.Label, LabelSize);
            Text(bar.Axis.TickLabelStyle, TextSize);
        }

        string[] labels = LegendLabels(plot);
        plot.HideLegend();
        foreach (ScottPlot.Panels.LegendPanel panel in plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().ToArray())
        {
            plot.Axes.Remove(panel);
        }

        plot.Legend.FontName = FontName;
        plot.Legend.FontSize = TextSize;
        plot.Legend.SetBestFontOnEachRender = false;
        if (labels.Length >= 2)
        {
            bool below = labels.Max(l => l.Length) > RightLegendChars || plot.Axes.GetPanels().OfType<ScottPlot.Panels.ColorBar>().Any();
            plot.ShowLegend(below ? ScottPlot.Edge.Bottom : ScottPlot.Edge.Right);
            plot.Legend.Orientation = below ? ScottPlot.Orientation.Horizontal : ScottPlot.Orientation.Vertical;
        }

        return plot;

        static void Text(ScottPlot.LabelStyle label, float size)
        {
            label.FontName = FontName;
            label.FontSize = size;
            label.Bold = false;
        }
    }

    /// <summary>The non-empty legend labels of the visible plottables.</summary>
    public static string[] LegendLabels(ScottPlot.Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        return [.. plot.GetPlottables().Where(p => p.IsVisible).SelectMany(p => p.LegendItems).Select(i => i.LabelText).Where(t => !string.IsNullOrWhiteSpace(t))];
    }

    /// <summary>
    /// Lines, one per series (at most <see cref="MaxSeries"/>); with <paramref name="logY"/> the y axis is logarithmic
    /// (values ≤ 0 or non-finite are dropped). A series that is constant is drawn on an axis padded around its value.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxSeries"/> series.</exception>
    public static ScottPlot.Plot Lines(string title, string xLabel, string yLabel, IEnumerable<Series> series, bool logY)
    {
        ArgumentNullException.ThrowIfNull(series);
        Series[] list = [.. series];
        if (list.Length > MaxSeries)
        {
            throw new ArgumentException(string.Create(Inv, $"{list.Length} series in one chart; at most {MaxSeries} stay apart: split them into several charts or keep the best {MaxSeries}"), nameof(series));
        }

        var plot = new ScottPlot.Plot();
        var drawn = new List<double>();
        foreach (Series s in list)
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
            line.LineWidth = 2;
            line.MarkerSize = points.Length == 1 ? 6 : 0;
            drawn.AddRange(points.Select(p => p.Y));
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"{yLabel} (log scale)" : yLabel);
        if (logY)
        {
            LogTicks(plot.Axes.Left, drawn);
        }

        if (list.Length > 0 && list.All(s => s.X.All(x => !double.IsFinite(x) || x == Math.Round(x))))
        {
            // Epochs and steps are counts: no tick at 1.5 or 2.5 on a short run.
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        if (drawn.Count > 0 && ConstantRange(drawn.Min(), drawn.Max(), logY) is var (low, high))
        {
            plot.Axes.SetLimitsY(low, high);
        }

        return plot;
    }

    /// <summary>
    /// For values spanning no more than float rounding (a constant learning rate), an axis padded around the value: ±½ of
    /// it (±1 around 0), or ±½ decade on a log axis; null when the values vary (the axis fits them as usual).
    /// </summary>
    public static (double Low, double High)? ConstantRange(double min, double max, bool log)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max - min > 1e-9 * Math.Max(Math.Abs(min), Math.Abs(max)))
        {
            return null;
        }

        double v = (min + max) / 2;
        double pad = log ? 0.5 : v == 0 ? 1 : 0.5 * Math.Abs(v);
        return (v - pad, v + pad);
    }

    /// <summary>
    /// Ticks of an axis that holds log₁₀ values, labelled with the values themselves: at the powers of ten when at least
    /// 3 of them fall within the data, else at 1, 2 and 5 times them, else at every multiple; unlabelled minor ticks at
    /// the other multiples.
    /// </summary>
    private static void LogTicks(ScottPlot.IAxis axis, List<double> logValues)
    {
        if (logValues.Count == 0)
        {
            return;
        }

        double lo = logValues.Min(), hi = logValues.Max();
        int[][] levels = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
        int[] labelled = levels.FirstOrDefault(l => Inside(l) >= 3) ?? levels[^1];
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int k = (int)Math.Floor(lo) - 1; k <= (int)Math.Ceiling(hi) + 1; k++)
        {
            for (int m = 1; m <= 9; m++)
            {
                double at = k + Math.Log10(m);
                if (labelled.Contains(m))
                {
                    ticks.AddMajor(at, LogLabel(m, k));
                }
                else
                {
                    ticks.AddMinor(at);
                }
            }
        }

        axis.TickGenerator = ticks;

        // How many ticks at these multiples of powers of ten fall within the data.
        int Inside(int[] multiples)
            => Enumerable.Range((int)Math.Floor(lo), (int)Math.Ceiling(hi) - (int)Math.Floor(lo) + 1)
                .SelectMany(k => multiples.Select(m => k + Math.Log10(m)))
                .Count(at => at >= lo - 1e-9 && at <= hi + 1e-9);
    }

    /// <summary>m·10ᵏ as text: plain decimals from 10⁻⁴ to 10⁵, else "me-k".</summary>
    private static string LogLabel(int m, int k)
        => k is >= -4 and <= 5
            ? (m * Math.Pow(10, k)).ToString("0.#####", Inv)
            : string.Create(Inv, $"{m}e{k}");

    /// <summary>
    /// The range between the <paramref name="lower"/> and <paramref name="upper"/> quantiles of the finite values (linear
    /// interpolation between order statistics), so that a colour scale spends its colours where the data are; a tiny
    /// symmetric range around the value when they are all equal, and (0, 1) when none is finite.
    /// </summary>
    public static (double Low, double High) RobustRange(IEnumerable<double> values, double lower = 0.02, double upper = 0.98)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] sorted = [.. values.Where(double.IsFinite).Order()];
        if (sorted.Length == 0)
        {
            return (0, 1);
        }

        double low = Quantile(sorted, lower), high = Quantile(sorted, upper);
        if (!(high > low))
        {
            double pad = Math.Max(Math.Abs(low) * 1e-3, 1e-9);
            return (low - pad, high + pad);
        }

        return (low, high);

        static double Quantile(double[] sorted, double q)
        {
            double at = Math.Clamp(q, 0, 1) * (sorted.Length - 1);
            int i = (int)Math.Floor(at);
            return i + 1 < sorted.Length ? sorted[i] + ((at - i) * (sorted[i + 1] - sorted[i])) : sorted[i];
        }
    }

    /// <summary>
    /// The surface z = f(x, y) on a grid over [xMin, xMax] × [yMin, yMax] as a colour map of log₁₀(z − min + 10⁻⁶)
    /// (so valleys show) whose colour scale spans the 2 %–98 % quantiles of the cells (<see cref="RobustRange"/>), every
    /// path drawn on it (with a white edge, and a diamond of its colour where it ends), and the marks on top of everything.
    /// </summary>
    public static ScottPlot.Plot Surface(
        string title, string xLabel, string yLabel, Func<double, double, double> f, (double Min, double Max) xRange, (double Min, double Max) yRange,
        IEnumerable<SurfacePath> paths, IEnumerable<SurfaceMark> marks, int grid = 80)
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
        var (low, high) = RobustRange(z.Cast<double>());
        heat.ManualRange = new ScottPlot.Range(low, high);
        plot.Add.ColorBar(heat).Label = "log₁₀(value − lowest)";
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        var ends = new List<(double X, double Y, ScottPlot.Color Color)>();
        foreach (SurfacePath p in paths)
        {
            ScottPlot.Color color = palette.GetColor(k++);
            var edge = plot.Add.ScatterLine(p.X, p.Y);
            edge.Color = ScottPlot.Colors.White;
            edge.LineWidth = 5;
            edge.MarkerSize = 0;
            var line = plot.Add.ScatterLine(p.X, p.Y);
            line.Color = color;
            line.LegendText = p.Label;
            line.LineWidth = 2.5f;
            line.MarkerSize = p.X.Length <= 60 ? 5 : 0;
            if (p.X.Length > 0)
            {
                ends.Add((p.X[^1], p.Y[^1], color));
            }
        }

        foreach (var (x, y, color) in ends)
        {
            Mark(plot, x, y, ScottPlot.MarkerShape.FilledDiamond, 13, color, ScottPlot.Colors.White, string.Empty);
        }

        foreach (SurfaceMark m in marks.OrderBy(m => m.Kind == MarkKind.Target ? 1 : 0))
        {
            switch (m.Kind)
            {
                case MarkKind.Start:
                    Mark(plot, m.X, m.Y, ScottPlot.MarkerShape.FilledCircle, 14, ScottPlot.Colors.White, ScottPlot.Colors.Black, m.Label);
                    break;
                case MarkKind.End:
                    Mark(plot, m.X, m.Y, ScottPlot.MarkerShape.FilledDiamond, 15, ScottPlot.Colors.Black, ScottPlot.Colors.White, m.Label);
                    break;
                default:
                    // A white cross under a red one, so the mark shows on any colour and over any path.
                    Mark(plot, m.X, m.Y, ScottPlot.MarkerShape.Eks, 20, ScottPlot.Colors.White, ScottPlot.Colors.White, string.Empty, 6);
                    Mark(plot, m.X, m.Y, ScottPlot.MarkerShape.Eks, 18, ScottPlot.Colors.Red, ScottPlot.Colors.Red, m.Label, 3);
                    break;
            }
        }

        plot.Axes.SetLimits(xRange.Min, xRange.Max, yRange.Min, yRange.Max);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;

        static void Mark(ScottPlot.Plot plot, double x, double y, ScottPlot.MarkerShape shape, float size, ScottPlot.Color fill, ScottPlot.Color line, string label, float lineWidth = 1.5f)
        {
            var marker = plot.Add.Marker(x, y);
            marker.MarkerStyle.Shape = shape;
            marker.MarkerStyle.Size = size;
            marker.MarkerStyle.FillColor = fill;
            marker.MarkerStyle.LineColor = line;
            marker.MarkerStyle.OutlineColor = line;
            marker.MarkerStyle.LineWidth = lineWidth;
            marker.MarkerStyle.OutlineWidth = lineWidth;
            marker.LegendText = label;
        }
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
    /// deviation, on an axis zoomed to the means and their error bars (<see cref="RankingAxis"/>), so that close means
    /// look apart; the entry at <paramref name="highlight"/> (if any) is drawn in another colour.
    /// </summary>
    public static ScottPlot.Plot Ranking(string title, string metric, IReadOnlyList<(string Label, double Mean, double Std)> entries, int? highlight = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var plot = new ScottPlot.Plot();
        var (left, right) = RankingAxis(entries);
        var bars = new List<ScottPlot.Bar>();
        double[] positions = new double[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            positions[i] = entries.Count - 1 - i;
            var (_, mean, std) = entries[i];
            bars.Add(new ScottPlot.Bar
            {
                Position = positions[i],
                ValueBase = left,
                Value = double.IsFinite(mean) ? mean : left,
                Error = double.IsFinite(mean) && double.IsFinite(std) ? std : 0,
                FillColor = i == highlight ? ScottPlot.Colors.DarkOrange : ScottPlot.Colors.SteelBlue,
                Label = double.IsFinite(mean) ? TextNumber.G(mean, 4) : "diverged",
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        foreach (ScottPlot.Bar bar in bars)
        {
            // The value label goes past the end of the error bar, not under it.
            var text = plot.Add.Text(bar.Label, bar.Value + bar.Error, bar.Position);
            text.LabelAlignment = ScottPlot.Alignment.MiddleLeft;
            text.OffsetX = 4;
            text.LabelFontSize = TextSize;
            bar.Label = string.Empty;
        }

        plot.Axes.Left.SetTicks(positions, [.. entries.Select(e => e.Label)]);
        plot.Axes.SetLimitsX(left, right);
        plot.Axes.SetLimitsY(-0.6, entries.Count - 0.4);
        plot.Title(title);
        plot.XLabel($"{metric} (mean ± std; the axis does not start at 0)");
        return plot;
    }

    /// <summary>
    /// The value axis of a ranking: from below the lowest mean − std to past the highest mean + std (room for the value
    /// labels), starting at 0 only when 0 is within 15 % of the span below the data; (0, 1) when no mean is finite.
    /// </summary>
    public static (double Left, double Right) RankingAxis(IReadOnlyList<(string Label, double Mean, double Std)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var finite = entries.Where(e => double.IsFinite(e.Mean)).Select(e => (e.Mean, Std: double.IsFinite(e.Std) ? Math.Abs(e.Std) : 0)).ToArray();
        if (finite.Length == 0)
        {
            return (0, 1);
        }

        double lo = finite.Min(e => e.Mean - e.Std), hi = finite.Max(e => e.Mean + e.Std);
        double span = hi - lo;
        if (!(span > 1e-12 * Math.Max(Math.Abs(lo), Math.Abs(hi))))
        {
            span = Math.Max(Math.Abs(hi) * 0.1, 1e-9);
        }

        double left = lo - (0.15 * span);
        if (lo >= 0 && left < 0)
        {
            left = 0;
        }

        return (left, hi + (0.35 * span));
    }

    /// <summary>Labelled horizontal bars from 0, one per value (counts); the value axis reads in 3 significant digits.</summary>
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
                Label = double.IsFinite(v) ? TextNumber.G(v, 4) : "n/a",
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.Horizontal = true;
        plot.Axes.Left.SetTicks(positions, [.. values.Select(v => v.Label)]);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => TextNumber.G(v, 3) };
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
            double shift = width / list.Count;
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
                    Size = 0.9 * shift,
                    FillColor = ScottPlot.Palette.Default.GetColor(k),
                    LineWidth = 0,
                }).ToList());
                barPlot.LegendText = list[k].Label;
            }
        }

        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("count");
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
        points.Color = ScottPlot.Colors.Gray;
        if (circled is not null && circled.Any(c => c))
        {
            var marked = plot.Add.ScatterPoints(x.Where((_, i) => circled[i]).ToArray(), y.Where((_, i) => circled[i]).ToArray());
            marked.LegendText = "outliers";
            marked.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
            marked.MarkerSize = 14;
            marked.Color = ScottPlot.Colors.Black;
        }

        if (x.Length > 0)
        {
            double lo = x.Min(), hi = x.Max();
            var palette = new ScottPlot.Palettes.Category10();
            int k = 0;
            foreach (var (label, slope, intercept) in lines)
            {
                var line = plot.Add.Line(lo, (slope * lo) + intercept, hi, (slope * hi) + intercept);
                line.LegendText = label;
                line.LineWidth = 2.5f;
                line.Color = palette.GetColor(k++);
            }
        }

        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }

    /// <summary>Serves <see cref="FontName"/> from the copy embedded in this assembly, whatever fonts the machine has.</summary>
    private sealed class EmbeddedFont : ScottPlot.IFontResolver
    {
        private static readonly byte[] Data = Load();

        public SKTypeface? CreateTypeface(string fontName, ScottPlot.FontWeight weight, ScottPlot.FontSlant slant, ScottPlot.FontSpacing spacing)
            => string.Equals(fontName, FontName, StringComparison.OrdinalIgnoreCase) ? SKTypeface.FromData(SKData.CreateCopy(Data)) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
            => CreateTypeface(fontName, ScottPlot.FontWeight.Normal, ScottPlot.FontSlant.Upright, ScottPlot.FontSpacing.Normal);

        private static byte[] Load()
        {
            using Stream stream = typeof(Charts).Assembly.GetManifestResourceStream("LossLab.Reports.DejaVuSans.ttf")
                ?? throw new InvalidOperationException("the chart font is missing from LossLab.Reports");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
