using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using LossLab.Reports;

namespace LossLab.Cli;

/// <summary>The <c>--out DIR</c> option of the commands that write a report, and the report's common parts.</summary>
internal static class ReportOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Option<string?> CreateOption() => new("--out")
    {
        Description = "Write a report to this folder: index.html (opens offline), every chart as PNG and SVG, summary.md, results.json",
        HelpName = "DIR",
    };

    /// <summary>The command line as typed (for "what was run").</summary>
    public static string CommandLine(ParseResult parsed) => "losslab " + string.Join(' ', parsed.Tokens.Select(t => Quote(t.Value)));

    /// <summary>Writes the report when <c>--out</c> was given and says where (unless the output is JSON on stdout).</summary>
    public static void WriteIfAsked(ParseResult parsed, Option<string?> option, Option<string?> json, Func<Report> build, JsonNode document, CliContext context)
    {
        if (parsed.GetValue(option) is not string directory)
        {
            return;
        }

        build().Write(directory, document.ToJsonString(Indented) + "\n");
        if (!JsonOnStdout(parsed, json))
        {
            context.Out.WriteLine($"report: {Path.Combine(Path.GetFullPath(directory), "index.html")}");
        }
    }

    /// <summary>
    /// Fails at once, before a long run, when <c>--out DIR</c> cannot be written: its parent folder is missing or it
    /// is a file (the report writer checks the same again when it writes).
    /// </summary>
    public static void CheckFolder(string? directory)
    {
        if (directory is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new UserException("--out: empty folder name");
        }

        try
        {
            LossLab.Reports.ReportWriter.Check(directory);
        }
        catch (IOException ex)
        {
            throw new UserException(ex.Message);
        }
    }

    /// <summary>Whether the document goes to stdout (<c>--json</c> without a file).</summary>
    private static bool JsonOnStdout(ParseResult parsed, Option<string?> json) => parsed.GetResult(json) is not null && string.IsNullOrEmpty(parsed.GetValue(json));

    private static string Quote(string token)
        => token.Length > 0 && token.All(c => char.IsAsciiLetterOrDigit(c) || "-_.,:=/+@%".Contains(c, StringComparison.Ordinal)) ? token : "'" + token.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
