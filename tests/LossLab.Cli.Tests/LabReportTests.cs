using System.Text.Json.Nodes;
using LossLab.Reports;

namespace LossLab.Cli.Tests;

/// <summary><c>compare</c>, <c>advise</c> and <c>claims</c> with <c>--out DIR</c> write a self-contained report.</summary>
public sealed class LabReportTests
{
    [Fact]
    public void Compare_writes_the_ranking_the_scores_and_the_learning_rate_search()
    {
        string dir = NewReportFolder();
        var (code, output, error) = CliRunner.Run(
            "compare", "--data", "builtin:seed", "--losses", "mse,l1", "--optimizers", "sgd,adam", "--lrs", "0.01,0.1", "--folds", "2", "--epochs", "20", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Contains("report:", output, StringComparison.Ordinal);
        string html = AssertReport(dir, "ranking", "scores", "lr-search");
        Assert.Contains("Winner vs runner-up", html, StringComparison.Ordinal);
        Assert.Contains("<dt>learning rates searched</dt>", html, StringComparison.Ordinal);
        Assert.Contains("<code>0.01, 0.1</code>", html, StringComparison.Ordinal);
        Assert.Contains("results do not depend on it", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Results_json_is_the_document_json_prints()
    {
        string dir = NewReportFolder();
        var (code, output, error) = CliRunner.Run(
            "compare", "--data", "builtin:seed", "--losses", "mse,l1", "--optimizers", "sgd", "--lrs", "0.1", "--folds", "2", "--epochs", "10", "--json", "--out", dir);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("report:", output, StringComparison.Ordinal);
        Assert.Equal(output.TrimEnd(), File.ReadAllText(Path.Combine(dir, "results.json")).TrimEnd());
        Assert.NotNull(JsonNode.Parse(output)?["ranking"]);
    }

    [Fact]
    public void Column_names_are_escaped_in_the_html()
    {
        string folder = Directory.CreateTempSubdirectory("losslab-report").FullName;
        string csv = Path.Combine(folder, "data.csv");
        var lines = new List<string> { "x,\"<b>y</b>\"" };
        for (int i = 0; i < 30; i++)
        {
            double x = (i - 15) / 5.0;
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{x},{(2 * x) + 1 + (0.1 * Math.Sin(7 * i))}"));
        }

        File.WriteAllLines(csv, lines);
        string dir = Path.Combine(folder, "report");
        var (code, _, error) = CliRunner.Run("compare", "--data", csv, "--target", "<b>y</b>", "--losses", "mse", "--optimizers", "sgd", "--lrs", "0.1", "--folds", "2", "--epochs", "10", "--out", dir);
        Assert.True(code == 0, error);
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;y&lt;/b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_writes_the_diagnostics_the_data_and_the_verification()
    {
        string dir = NewReportFolder();
        var (code, output, error) = CliRunner.Run("advise", "--data", "builtin:seed", "--epochs", "20", "--folds", "2", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Contains("report:", output, StringComparison.Ordinal);
        string html = AssertReport(dir, "target", "residuals", "ranking", "scores", "lr-search");
        Assert.Contains("robust scale s", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Recommendation</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"note\">Verdict: ", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Advise_on_classes_draws_the_class_counts()
    {
        string dir = NewReportFolder();
        var (code, _, error) = CliRunner.Run("advise", "--data", "builtin:iris", "--epochs", "10", "--folds", "2", "--out", dir);
        Assert.True(code == 0, error);
        AssertReport(dir, "classes", "ranking", "scores", "lr-search");
    }

    [Fact]
    public void Claims_write_a_replication_chart_per_sampled_claim_and_every_verdict()
    {
        string dir = NewReportFolder();
        var (code, output, error) = CliRunner.Run("claims", "--only", "L5,L10", "--json", "--out", dir);
        Assert.True(code == 0, error);
        string html = AssertReport(dir, "claim-L5"); // L10 is exact: a table of its computation, no replication chart
        JsonArray claims = JsonNode.Parse(output)!["claims"]!.AsArray();
        Assert.Equal(2, claims.Count);
        foreach (JsonNode? claim in claims)
        {
            string verdict = claim!["verdict"]!.GetValue<string>() switch
            {
                "holds" => "holds",
                "holds_with_caveat" => "holds with a caveat",
                _ => "does not hold",
            };
            Assert.Contains($"<h2>{ReportWriter.Escape($"{claim["id"]} — {claim["claim"]}")}</h2><p class=\"note\">Verdict: {verdict}.</p>", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("compare", "--data", "builtin:seed", "--losses", "mse", "--optimizers", "sgd")]
    [InlineData("advise", "--data", "builtin:seed")]
    [InlineData("claims", "--only", "L5")]
    public void A_missing_parent_folder_fails_before_the_run(params string[] args)
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid().ToString("N"), "r");
        var (code, output, error) = CliRunner.Run([.. args, "--out", missing]);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    private static string NewReportFolder() => ReportFiles.NewFolder("losslab-report");

    /// <summary>Checks the folder, that it shows exactly <paramref name="charts"/>, and returns the page.</summary>
    private static string AssertReport(string dir, params string[] charts)
    {
        var (html, shown) = ReportFiles.Check(dir);
        Assert.Equal(charts.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        return html;
    }
}
