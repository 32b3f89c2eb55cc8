using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LossLab.Cli.Tests;

/// <summary>The checks every report folder must pass, shared by the report tests.</summary>
internal static partial class ReportFiles
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A new folder <c>report</c> inside a new temporary folder.</summary>
    public static string NewFolder(string prefix) => Path.Combine(Directory.CreateTempSubdirectory(prefix).FullName, "report");

    /// <summary>
    /// Checks the folder: every chart the page shows is a PNG and an SVG over 5 kB, the page has no http(s) address,
    /// summary.md exists, results.json parses, no staging folder is left. Returns the page and its chart names in order.
    /// </summary>
    public static (string Html, string[] Charts) Check(string dir)
    {
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        string[] images = [.. ImageSource().Matches(html).Select(m => m.Groups[1].Value)];
        foreach (string image in images)
        {
            Assert.EndsWith(".png", image, StringComparison.Ordinal);
            string png = Path.Combine(dir, image);
            Assert.True(new FileInfo(png).Length > 5000, image);
            Assert.Equal(PngSignature, File.ReadAllBytes(png).Take(PngSignature.Length));
            string svg = Path.ChangeExtension(png, ".svg");
            Assert.True(new FileInfo(svg).Length > 5000, svg);
            Assert.Contains("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir, "summary.md")));
        Assert.NotNull(JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))));
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(dir)!), d => d.EndsWith(".tmp", StringComparison.Ordinal));
        return (html, [.. images.Select(i => Path.GetFileNameWithoutExtension(i))]);
    }

    [GeneratedRegex("<img[^>]*\\ssrc=\"([^\"]+)\"")]
    private static partial Regex ImageSource();
}
