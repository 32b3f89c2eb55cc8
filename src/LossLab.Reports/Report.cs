using System.Globalization;
using System.Text;

namespace LossLab.Reports;

/// <summary>
/// A report built block by block (headings, paragraphs, notes, lists, tables, charts) and written as a self-contained
/// folder: <c>index.html</c> that opens offline (no network reference, every user string escaped), each chart as PNG
/// and SVG, <c>summary.md</c> and <c>results.json</c>. The "what was run" section (command line, data, seed, LossLab
/// and .NET versions, operating system) comes first so a reader can reproduce the run.
/// </summary>
public sealed class Report
{
    /// <summary>Width of every chart in pixels: the PNG is rendered at the size the page shows it.</summary>
    public const int ChartWidth = 860;

    /// <summary>Height of every chart in pixels.</summary>
    public const int ChartHeight = 520;

    /// <summary>
    /// The page's font stack: the charts' font (<see cref="Charts.FontName"/>) first, then Verdana (the design DejaVu
    /// Sans follows, for machines without it), then any sans-serif font.
    /// </summary>
    public const string FontStack = "\"DejaVu Sans\", Verdana, sans-serif";

    private readonly List<Block> _blocks = [];
    private readonly List<(string Key, string Value)> _provenance = [];
    private readonly HashSet<string> _chartNames = new(StringComparer.Ordinal);

    /// <summary>Starts a report with a title and the command line that produced it.</summary>
    public Report(string title, string commandLine)
    {
        Title = title;
        _provenance.Add(("command", commandLine));
    }

    /// <summary>The report's title.</summary>
    public string Title { get; }

    /// <summary>The chart file names (without extension), in order.</summary>
    public IReadOnlyList<string> ChartNames => _blocks.OfType<ChartBlock>().Select(c => c.Name).ToArray();

    /// <summary>Adds a line to "what was run" (data, seed, settings).</summary>
    public Report Fact(string key, string value)
    {
        _provenance.Add((key, value));
        return this;
    }

    /// <summary>A section heading.</summary>
    public Report Heading(string text) => Add(new HeadingBlock(text));

    /// <summary>A paragraph of text.</summary>
    public Report Paragraph(string text) => Add(new TextBlock(text, false));

    /// <summary>A highlighted note (a verdict, a warning).</summary>
    public Report Note(string text) => Add(new TextBlock(text, true));

    /// <summary>A bulleted list.</summary>
    public Report List(IEnumerable<string> items) => Add(new ListBlock([.. items]));

    /// <summary>A table; cells are text (numbers formatted by the caller).</summary>
    public Report Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
        => Add(new TableBlock(header, [.. rows]));

    /// <summary>A chart, saved as <c>NAME.png</c> and <c>NAME.svg</c> with a caption.</summary>
    public Report Chart(string name, string caption, ScottPlot.Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        string file = FileName(name);
        for (int i = 2; !_chartNames.Add(file); i++)
        {
            file = FileName(name) + "-" + i.ToString(CultureInfo.InvariantCulture);
        }

        return Add(new ChartBlock(file, caption, Charts.Style(plot)));
    }

    /// <summary>Writes the folder whole (staged, then moved into place); returns the chart file names.</summary>
    public IReadOnlyList<string> Write(string directory, string json)
    {
        var writer = new ReportWriter(directory);
        try
        {
            foreach (ChartBlock chart in _blocks.OfType<ChartBlock>())
            {
                chart.Plot.SavePng(writer.PathOf(chart.Name + ".png"), ChartWidth, ChartHeight);
                string svg = writer.PathOf(chart.Name + ".svg");
                chart.Plot.SaveSvg(svg, ChartWidth, ChartHeight);
                File.WriteAllText(svg, SvgFonts(File.ReadAllText(svg)));
            }

            writer.WriteText("results.json", json);
            writer.WriteText("summary.md", Markdown());
            writer.WriteText("index.html", Html());
            writer.Commit();
            return ChartNames;
        }
        catch
        {
            writer.Abandon();
            throw;
        }
    }

    /// <summary>The facts of "what was run", the ones given plus versions and platform.</summary>
    public IReadOnlyList<(string Key, string Value)> Provenance() =>
    [
        .. _provenance,
        ("LossLab", typeof(Report).Assembly.GetName().Version?.ToString() ?? "unknown"),
        (".NET", Environment.Version.ToString()),
        ("platform", System.Runtime.InteropServices.RuntimeInformation.OSDescription + " " + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture),
        ("processors", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>
    /// An SVG whose text names the page's whole font stack (<see cref="FontStack"/>) instead of the one family the chart
    /// was drawn with, so that a browser without that family falls back to a sans-serif font, not its default serif.
    /// </summary>
    public static string SvgFonts(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        string stack = FontStack.Replace("\"", "'", StringComparison.Ordinal);
        return svg.Replace($"font-family=\"{Charts.FontName}\"", $"font-family=\"{stack}\"", StringComparison.Ordinal)
            .Replace($"font-family:{Charts.FontName};", $"font-family:{stack};", StringComparison.Ordinal);
    }

    /// <summary>A safe file name: letters, digits, '-', '_' and '.'; anything else becomes '_'.</summary>
    public static string FileName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var text = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }

        return text.ToString().TrimStart('.');
    }

    private Report Add(Block block)
    {
        _blocks.Add(block);
        return this;
    }

    private static string E(string text) => ReportWriter.Escape(text);

    private string Html()
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(Title)}</title>");
        // Charts at their native size (never scaled down: their text is drawn at the size it is read), one font for page and charts.
        html.Append(CultureInfo.InvariantCulture, $"<style>body{{font-family:{FontStack};max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse;font-size:0.9em;margin:0.5em 0}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:left}}td.n{{text-align:right}}figure{{display:inline-block;margin:0.5em;vertical-align:top}}img.chart{{width:{ChartWidth}px;height:{ChartHeight}px;max-width:none;border:1px solid #ddd}}figcaption{{max-width:{ChartWidth}px}}.note{{background:#f4f7fb;padding:0.5em 1em}}dl.run{{display:grid;grid-template-columns:max-content auto;gap:2px 1em;font-size:0.9em}}dl.run dt{{font-weight:bold}}dl.run dd{{margin:0}}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(Title)}</h1><h2>What was run</h2><dl class=\"run\">");
        foreach (var (key, value) in Provenance())
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>{E(key)}</dt><dd><code>{E(value)}</code></dd>");
        }

        html.Append("</dl><p>Files: <a href=\"results.json\">results.json</a>, <a href=\"summary.md\">summary.md</a>; every chart also as SVG.</p>");
        bool inFigures = false;
        foreach (Block block in _blocks)
        {
            if (block is ChartBlock chart)
            {
                if (!inFigures)
                {
                    html.Append("<div class=\"charts\">");
                    inFigures = true;
                }

                html.Append(CultureInfo.InvariantCulture, $"<figure><img class=\"chart\" src=\"{chart.Name}.png\" alt=\"{E(chart.Caption)}\" width=\"{ChartWidth}\" height=\"{ChartHeight}\"><figcaption>{E(chart.Caption)} (<a href=\"{chart.Name}.svg\">SVG</a>)</figcaption></figure>");
                continue;
            }

            if (inFigures)
            {
                html.Append("</div>");
                inFigures = false;
            }

            switch (block)
            {
                case HeadingBlock h:
                    html.Append(CultureInfo.InvariantCulture, $"<h2>{E(h.Text)}</h2>");
                    break;
                case TextBlock t:
                    html.Append(CultureInfo.InvariantCulture, $"<p{(t.IsNote ? " class=\"note\"" : string.Empty)}>{E(t.Text)}</p>");
                    break;
                case ListBlock l:
                    html.Append("<ul>");
                    foreach (string item in l.Items)
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<li>{E(item)}</li>");
                    }

                    html.Append("</ul>");
                    break;
                case TableBlock table:
                    html.Append("<table><tr>");
                    foreach (string h in table.Header)
                    {
                        html.Append(CultureInfo.InvariantCulture, $"<th>{E(h)}</th>");
                    }

                    html.Append("</tr>");
                    foreach (IReadOnlyList<string> row in table.Rows)
                    {
                        html.Append("<tr>");
                        foreach (string cell in row)
                        {
                            html.Append(CultureInfo.InvariantCulture, $"<td{(IsNumber(cell) ? " class=\"n\"" : string.Empty)}>{E(cell)}</td>");
                        }

                        html.Append("</tr>");
                    }

                    html.Append("</table>");
                    break;
            }
        }

        if (inFigures)
        {
            html.Append("</div>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    private string Markdown()
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {Md(Title)}\n\n## What was run\n\n");
        foreach (var (key, value) in Provenance())
        {
            md.Append(CultureInfo.InvariantCulture, $"- {Md(key)}: {Md(value)}\n");
        }

        foreach (Block block in _blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    md.Append(CultureInfo.InvariantCulture, $"\n## {Md(h.Text)}\n\n");
                    break;
                case TextBlock t:
                    md.Append(CultureInfo.InvariantCulture, $"{(t.IsNote ? "> " : string.Empty)}{Md(t.Text)}\n\n");
                    break;
                case ListBlock l:
                    foreach (string item in l.Items)
                    {
                        md.Append(CultureInfo.InvariantCulture, $"- {Md(item)}\n");
                    }

                    md.Append('\n');
                    break;
                case TableBlock table:
                    md.Append("| ").AppendJoin(" | ", table.Header.Select(Md)).Append(" |\n|");
                    md.AppendJoin("|", table.Header.Select(_ => "---")).Append("|\n");
                    foreach (IReadOnlyList<string> row in table.Rows)
                    {
                        md.Append("| ").AppendJoin(" | ", row.Select(Md)).Append(" |\n");
                    }

                    md.Append('\n');
                    break;
                case ChartBlock chart:
                    md.Append(CultureInfo.InvariantCulture, $"![{Md(chart.Caption)}](./{chart.Name}.png)\n\n");
                    break;
            }
        }

        return md.ToString();
    }

    /// <summary>Markdown text with the characters that would start markup or HTML escaped.</summary>
    private static string Md(string text)
    {
        var md = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<':
                    md.Append("&lt;");
                    break;
                case '>':
                    md.Append("&gt;");
                    break;
                case '&':
                    md.Append("&amp;");
                    break;
                case '|' or '*' or '_' or '[' or ']' or '`' or '\\':
                    md.Append('\\').Append(c);
                    break;
                case '\n' or '\r':
                    md.Append(' ');
                    break;
                default:
                    md.Append(c);
                    break;
            }
        }

        return md.ToString();
    }

    private static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private abstract record Block;

    private sealed record HeadingBlock(string Text) : Block;

    private sealed record TextBlock(string Text, bool IsNote) : Block;

    private sealed record ListBlock(string[] Items) : Block;

    private sealed record TableBlock(IReadOnlyList<string> Header, IReadOnlyList<string>[] Rows) : Block;

    private sealed record ChartBlock(string Name, string Caption, ScottPlot.Plot Plot) : Block;
}
