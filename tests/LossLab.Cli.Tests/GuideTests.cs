using System.Text.Json;
using System.Text.RegularExpressions;
using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.Claims;

namespace LossLab.Cli.Tests;

/// <summary>"The guide" and its claim ids are explained in docs/GUIDE.md, and the outputs that cite it say where.</summary>
public sealed class GuideTests
{
    [Fact]
    public void Every_claim_id_in_the_catalog_has_a_section_in_the_guide()
    {
        string guide = File.ReadAllText(Path.Combine(DocsPaths.Root, Guide.Page));
        string[] missing = [.. ClaimCatalog.All.Select(c => c.Id).Where(id => !Regex.IsMatch(guide, $"^### {id}: ", RegexOptions.Multiline))];
        Assert.True(missing.Length == 0, "no '### ID: ' section in docs/GUIDE.md for " + string.Join(", ", missing));
        Assert.Contains("## The luxury houses", guide, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_links_the_guide()
    {
        string readme = File.ReadAllText(Path.Combine(DocsPaths.Root, "README.md"));
        Assert.Contains("](docs/GUIDE.md)", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Claims_text_and_report_name_the_guide_page()
    {
        string dir = Path.Combine(Path.GetTempPath(), "losslab-guide-claims-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = CliRunner.Run("claims", "--only", "L5", "--replications", "2", "--out", dir);
            Assert.True(code == 0, error);
            Assert.StartsWith(Guide.Line, output, StringComparison.Ordinal);
            Assert.Contains("docs/GUIDE.md", File.ReadAllText(Path.Combine(dir, "index.html")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Demo_text_and_report_name_the_guide_page_and_use_the_json_names()
    {
        string dir = Path.Combine(Path.GetTempPath(), "losslab-guide-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = CliRunner.Run("demo", "--out", dir);
            Assert.True(code == 0, error);
            Assert.Contains(Guide.Line, output, StringComparison.Ordinal);
            Assert.Contains("settled", output, StringComparison.Ordinal);
            Assert.Contains("jitter", output, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"\dE[+-]\d", output);
            Assert.Contains("docs/GUIDE.md", File.ReadAllText(Path.Combine(dir, "index.html")), StringComparison.Ordinal);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            JsonElement run = doc.RootElement.GetProperty("scenarios")[0].GetProperty("runs")[0];
            Assert.True(run.TryGetProperty("settled", out _));
            Assert.True(run.TryGetProperty("jitter", out _));
            Assert.False(run.TryGetProperty("epochs_to_converge", out _));
            Assert.False(run.TryGetProperty("oscillation", out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Advise_text_and_report_name_the_guide_page()
    {
        string dir = Path.Combine(Path.GetTempPath(), "losslab-guide-advise-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = CliRunner.Run("advise", "--data", "builtin:seed", "--epochs", "20", "--folds", "2", "--out", dir);
            Assert.True(code == 0, error);
            Assert.Contains(Guide.Line, output, StringComparison.Ordinal);
            Assert.Contains("docs/GUIDE.md", File.ReadAllText(Path.Combine(dir, "index.html")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
