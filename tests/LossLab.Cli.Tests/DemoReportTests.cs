using System.Text.RegularExpressions;
using LossLab.Reports;

namespace LossLab.Cli.Tests;

/// <summary><c>demo --out DIR</c> writes a self-contained report (the browser check is part of the report issue).</summary>
public sealed class DemoReportTests
{
    [Fact]
    public void Demo_writes_an_offline_report_with_every_chart_as_png_and_svg()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("losslab-report").FullName, "report");
        var (code, output, error) = CliRunner.Run("demo", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Contains("report:", output, StringComparison.Ordinal);
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        string[] images = Regex.Matches(html, "src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(24, images.Length);
        foreach (string image in images)
        {
            Assert.True(new FileInfo(Path.Combine(dir, image)).Length > 5000, image);
            Assert.True(new FileInfo(Path.Combine(dir, Path.ChangeExtension(image, ".svg"))).Length > 5000, image);
        }

        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "results.json")));
        Assert.True(File.Exists(Path.Combine(dir, "summary.md")));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(dir)!), d => d.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void User_strings_are_escaped_and_a_missing_parent_is_a_one_line_error()
    {
        Assert.Equal("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", ReportWriter.Escape("<script>alert(\"x\")</script>"));
        var (code, _, error) = CliRunner.Run("demo", "--out", Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"), "r"));
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }
}
