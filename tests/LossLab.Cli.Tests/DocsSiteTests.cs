using System.Text.Json;
using System.Text.RegularExpressions;

namespace LossLab.Cli.Tests;

/// <summary>
/// The docfx site (docs/SITE.md) is set up as documented: docfx 2.81 pinned as a local tool, every guide in docs/ and
/// the README in the site and in its top bar, the three library projects as the API reference, and the output in a
/// git-ignored folder. Building the site itself takes about a minute and is not run here.
/// </summary>
public sealed partial class DocsSiteTests
{
    [Fact]
    public void Docfx_is_pinned_to_2_81_as_a_local_tool()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(DocsPaths.Root, ".config", "dotnet-tools.json")));
        var docfx = manifest.RootElement.GetProperty("tools").GetProperty("docfx");
        Assert.StartsWith("2.81.", docfx.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Contains("docfx", docfx.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void Every_guide_is_in_the_top_bar_and_every_entry_exists()
    {
        string[] hrefs = [.. TocHref().Matches(File.ReadAllText(Path.Combine(DocsPaths.Root, "toc.yml"))).Select(m => m.Groups[1].Value.Trim())];
        foreach (string guide in Directory.GetFiles(Path.Combine(DocsPaths.Root, "docs"), "*.md"))
        {
            Assert.Contains("docs/" + Path.GetFileName(guide), hrefs);
        }

        Assert.Contains("README.md", hrefs);
        Assert.Contains("api/", hrefs);
        foreach (string href in hrefs.Where(h => h != "api/"))
        {
            Assert.True(File.Exists(Path.Combine(DocsPaths.Root, href)), $"toc.yml: {href}: no such file");
        }
    }

    [Fact]
    public void The_site_takes_the_guides_and_the_three_libraries_and_writes_to_an_ignored_folder()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(DocsPaths.Root, "docfx.json")));
        string[] projects = [.. config.RootElement.GetProperty("metadata")[0].GetProperty("src")[0].GetProperty("files").EnumerateArray().Select(f => f.GetString()!)];
        Assert.Equal(["LossLab/LossLab.csproj", "LossLab.Lab/LossLab.Lab.csproj", "LossLab.Reports/LossLab.Reports.csproj"], projects);
        foreach (string project in projects)
        {
            Assert.True(File.Exists(Path.Combine(DocsPaths.Root, "src", project)), project);
        }

        var build = config.RootElement.GetProperty("build");
        string[] content = [.. build.GetProperty("content").EnumerateArray().SelectMany(c => c.GetProperty("files").EnumerateArray()).Select(f => f.GetString()!)];
        Assert.Contains("README.md", content);
        Assert.Contains("docs/*.md", content);
        Assert.Contains("toc.yml", content);
        Assert.Equal("out/site", build.GetProperty("output").GetString());

        string ignore = File.ReadAllText(Path.Combine(DocsPaths.Root, ".gitignore"));
        Assert.Contains("/out/*", ignore, StringComparison.Ordinal);
        Assert.Contains("/api/", ignore, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s*href:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex TocHref();
}
