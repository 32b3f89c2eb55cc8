using System.Text.RegularExpressions;
using LossLab.Reports;

namespace LossLab.Cli.Tests;

/// <summary>
/// The look of the reports' charts: few lines a chart, legends outside the data and only for two or more items, colour
/// scales and axes fitted to the data, marks on top of paths, one font, images at their native size, words on axes.
/// </summary>
public sealed class ChartLookTests
{
    private static Series Line(string label, params double[] y) => Series.Indexed(label, y);

    [Fact]
    public void Lines_draws_at_most_six_series_and_refuses_more()
    {
        ScottPlot.Plot six = Charts.Lines("t", "x", "y", Enumerable.Range(0, Charts.MaxSeries).Select(i => Line($"s{i}", 1, 2, i)), logY: false);
        Assert.Equal(6, Charts.MaxSeries);
        Assert.Equal(6, six.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Count());
        var error = Assert.Throws<ArgumentException>(() => Charts.Lines("t", "x", "y", Enumerable.Range(0, 7).Select(i => Line($"s{i}", 1, 2, i)), logY: false));
        Assert.Contains("7 series", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Epoch_and_step_axes_of_a_short_run_have_whole_number_ticks_only()
    {
        ScottPlot.Plot plot = Charts.Style(Charts.Lines("Loss", "epoch", "loss", [new Series("loss", [1, 2, 3, 4, 5, 6, 7, 8], [1.2, 0.05, 0.04, 0.04, 0.04, 0.04, 0.04, 0.04])], logY: true));
        string[] texts = SvgTexts(plot);
        Assert.Contains("2", texts);
        Assert.DoesNotContain("1.5", texts);
        Assert.DoesNotContain("2.5", texts);
    }

    [Fact]
    public void A_constant_series_is_drawn_on_an_axis_padded_around_its_value()
    {
        ScottPlot.Plot plot = Charts.Lines("Learning rate", "step", "learning rate", [Line("lr", 0.01, 0.01, 0.01, 0.01)], logY: false);
        ScottPlot.AxisLimits limits = plot.Axes.GetLimits();
        Assert.InRange(limits.Bottom, 0.004, 0.0099);
        Assert.InRange(limits.Top, 0.0101, 0.016);
        Assert.Equal((-1.0, 1.0), Charts.ConstantRange(0, 0, log: false));
        Assert.Equal((-2.5, -1.5), Charts.ConstantRange(-2, -2, log: true));
        Assert.Null(Charts.ConstantRange(0.01, 0.02, log: false));
    }

    [Fact]
    public void Log_axes_are_labelled_with_the_values_not_their_logarithms()
    {
        ScottPlot.Plot plot = Charts.Style(Charts.Lines("Loss", "epoch", "loss", [Line("loss", 10, 1, 0.1, 0.01)], logY: true));
        string[] texts = SvgTexts(plot);
        Assert.Contains("0.01", texts);
        Assert.Contains("0.1", texts);
        Assert.Contains("10", texts);
        Assert.DoesNotContain("-2", texts);
        Assert.Contains("loss (log scale)", texts);
    }

    [Fact]
    public void Style_puts_one_font_on_every_text_at_12_px_or_more_and_the_legend_outside_only_for_two_items()
    {
        ScottPlot.Plot two = Charts.Style(Charts.Lines("Loss", "epoch", "loss", [Line("training", 3, 2, 1), Line("validation", 3, 2.5, 2)], logY: false));
        foreach (ScottPlot.IAxis axis in two.Axes.GetAxes())
        {
            Assert.Equal(Charts.FontName, axis.Label.FontName);
            Assert.Equal(Charts.FontName, axis.TickLabelStyle.FontName);
            Assert.True(axis.TickLabelStyle.FontSize >= 12);
            Assert.True(axis.Label.FontSize >= 12);
        }

        Assert.Equal(Charts.FontName, two.Axes.Title.Label.FontName);
        Assert.Equal(Charts.FontName, two.Legend.FontName);
        Assert.True(two.Legend.FontSize >= 12);
        Assert.Single(two.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
        Assert.False(two.Legend.IsVisible);

        ScottPlot.Plot one = Charts.Style(Charts.Lines("Loss", "epoch", "loss", [Line("training", 3, 2, 1)], logY: false));
        Assert.Empty(one.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
        Assert.False(one.Legend.IsVisible);

        // Styling twice (a report restyles what a builder styled) still leaves one legend.
        Charts.Style(two);
        Assert.Single(two.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>());
    }

    [Fact]
    public void The_chart_font_is_embedded_and_served_whatever_fonts_the_machine_has()
    {
        Assert.Contains("LossLab.Reports.DejaVuSans.ttf", typeof(Charts).Assembly.GetManifestResourceNames());
        Charts.Style(new ScottPlot.Plot());
        // Not disposed: ScottPlot caches the typeface for every chart.
        SkiaSharp.SKTypeface typeface = ScottPlot.Fonts.GetTypeface(Charts.FontName, bold: false, italic: false);
        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        ScottPlot.IFontResolver embedded = Assert.Single(ScottPlot.Fonts.FontResolvers, r => r.GetType().Assembly == typeof(Charts).Assembly);
        Assert.Equal("DejaVu Sans", embedded.CreateTypeface(Charts.FontName, bold: false, italic: false)?.FamilyName);
        Assert.NotEqual(0, typeface.GetGlyph('₁'));
        Assert.NotEqual(0, typeface.GetGlyph('‖'));
    }

    [Fact]
    public void Ranking_axis_is_zoomed_to_the_means_and_their_error_bars()
    {
        (string, double, double)[] entries = [("a", 0.1717, 0.0002), ("b", 0.1720, 0.0003), ("c", double.NaN, double.NaN)];
        ScottPlot.Plot plot = Charts.Ranking("Ranking", "rmse", entries, highlight: 0);
        ScottPlot.AxisLimits limits = plot.Axes.GetLimits();
        Assert.InRange(limits.Left, 0.17, 0.1715);
        Assert.InRange(limits.Right, 0.1723, 0.18);
        ScottPlot.Bar[] bars = [.. plot.GetPlottables().OfType<ScottPlot.Plottables.BarPlot>().Single().Bars];
        Assert.Equal(0.0002, bars[0].Error);
        Assert.Equal(0.0003, bars[1].Error);
        Assert.All(bars, b => Assert.Equal(limits.Left, b.ValueBase));

        // Data that start near 0 keep 0 on the axis; negative means (an R²) are not cut.
        Assert.Equal(0, Charts.RankingAxis([("a", 0.05, 0.01), ("b", 1.0, 0.1)]).Left);
        Assert.True(Charts.RankingAxis([("a", -0.5, 0.1), ("b", 0.2, 0.1)]).Left < -0.6);
    }

    [Fact]
    public void Surface_colours_span_the_data_quantiles_and_marks_lie_on_top_of_paths()
    {
        var (low, high) = Charts.RobustRange([-6, .. Enumerable.Range(0, 200).Select(i => -1.5 + (2.0 * i / 199))]);
        Assert.InRange(low, -1.5, -1.4);
        Assert.InRange(high, 0.4, 0.5);

        var path = new SurfacePath("sgd", [-0.2, 1, 1.9], [0.7, 0.9, 1.0]);
        ScottPlot.Plot plot = Charts.Surface(
            "landscape", "w", "b", (w, b) => ((w - 2) * (w - 2)) + ((b - 1) * (b - 1)), (-1, 3), (-0.5, 2), [path],
            [new SurfaceMark("start", -0.2, 0.7, MarkKind.Start), new SurfaceMark("true (2, 1)", 2, 1, MarkKind.Target)]);
        var heat = plot.GetPlottables().OfType<ScottPlot.Plottables.Heatmap>().Single();
        Assert.NotNull(heat.ManualRange);
        Assert.True(heat.ManualRange!.Value.Min > -5, $"the colour scale starts at {heat.ManualRange.Value.Min}, below the cells' 2 % quantile");
        var all = plot.GetPlottables().ToList();
        int lastPath = all.FindLastIndex(p => p is ScottPlot.Plottables.Scatter);
        int firstMark = all.FindIndex(p => p is ScottPlot.Plottables.Marker);
        Assert.True(firstMark > lastPath);
        Assert.Equal(["sgd", "start", "true (2, 1)"], Charts.LegendLabels(plot));
        Assert.Equal("true (2, 1)", all.OfType<ScottPlot.Plottables.Marker>().Last().LegendText);
    }

    [Fact]
    public void The_page_shows_charts_at_their_native_size_in_the_charts_font()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("losslab-look").FullName, "report");
        var report = new Report("look", "losslab test");
        report.Chart("lines", "two lines", Charts.Lines("Loss", "epoch", "loss", [Line("training", 3, 2, 1), Line("validation", 3, 2.5, 2)], logY: false));
        report.Write(dir, "{}");
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.DoesNotContain("max-width:520px", html, StringComparison.Ordinal);
        Assert.Contains($"img.chart{{width:{Report.ChartWidth}px;height:{Report.ChartHeight}px;max-width:none", html, StringComparison.Ordinal);
        Assert.Contains($"width=\"{Report.ChartWidth}\" height=\"{Report.ChartHeight}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("height:auto", html, StringComparison.Ordinal);
        Assert.Contains("body{font-family:\"DejaVu Sans\", Verdana, sans-serif;", html, StringComparison.Ordinal);

        string svg = File.ReadAllText(Path.Combine(dir, "lines.svg"));
        string[] families = [.. Regex.Matches(svg, "font-family=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Distinct()];
        Assert.Equal(["'DejaVu Sans', Verdana, sans-serif"], families);
    }

    [Theory]
    [InlineData("lad_irls_iterations", "LAD IRLS iterations")]
    [InlineData("fix_over_sgd_distance", "fix over SGD distance")]
    [InlineData("jitter_batch4", "jitter batch 4")]
    [InlineData("grad_norm_ratio", "gradient norm ratio")]
    [InlineData("l1_gap_to_median", "l1 gap to median")]
    [InlineData("bad_leverage:huber_param_error", "bad leverage: huber parameter error")]
    public void Claims_quantities_read_as_words(string key, string words) => Assert.Equal(words, ClaimsReport.Quantity(key));

    [Fact]
    public void Claims_charts_have_one_quantity_in_words_with_its_unit()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("losslab-look").FullName, "report");
        var (code, _, error) = CliRunner.Run("claims", "--only", "O4", "--replications", "8", "--out", dir);
        Assert.True(code == 0, error);
        string[] texts = SvgTexts(File.ReadAllText(Path.Combine(dir, "claim-O4.svg")));
        Assert.Contains("O4: gradient norm ratio, per replication", texts);
        Assert.DoesNotContain(texts, t => t.Contains('_', StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("gradient norm ratio — ×", StringComparison.Ordinal));
    }

    private static string[] SvgTexts(ScottPlot.Plot plot) => SvgTexts(plot.GetSvgXml(Report.ChartWidth, Report.ChartHeight));

    private static string[] SvgTexts(string svg)
        => [.. Regex.Matches(svg, @"<text[^>]*>\s*([^<]*?)\s*</text>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];
}
