using System.Text.Json;

namespace LossLab.Cli.Tests;

public sealed class AdviseCommandTests
{
    [Fact]
    public void Advise_json_has_the_contract_shape()
    {
        var (code, output, error) = CliRunner.Run("advise", "--data", "builtin:seed:n=300,outliers=0.05", "--epochs", "40", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal("regression", root.GetProperty("task").GetString());
        Assert.True(root.GetProperty("diagnostics").GetProperty("outlier_share").GetDouble() > 0.02);
        JsonElement rec = root.GetProperty("recommendation");
        Assert.StartsWith("huber", rec.GetProperty("loss").GetString(), StringComparison.Ordinal);
        Assert.True(rec.GetProperty("reasons").GetArrayLength() > 0);
        JsonElement[] verification = root.GetProperty("verification").EnumerateArray().ToArray();
        Assert.True(verification.Length >= 3);
        Assert.All(verification, v =>
        {
            foreach (string key in new[] { "loss", "optimizer", "metric", "mean", "std" })
            {
                Assert.True(v.TryGetProperty(key, out _), key);
            }
        });
    }

    [Theory]
    [InlineData("--kpi", "median", "accepted")]
    [InlineData("--kpi", "accuracy", "accuracy")]
    public void Bad_kpi_is_a_one_line_error(string option, string value, string expected)
    {
        var (code, _, error) = CliRunner.Run("advise", "--data", "builtin:seed", option, value);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Human_output_gives_the_command_line_to_use_and_the_verdict()
    {
        var (code, output, _) = CliRunner.Run("advise", "--data", "builtin:breast_cancer", "--epochs", "20");
        Assert.Equal(0, code);
        Assert.Contains("recommendation: --loss bce_with_logits", output, StringComparison.Ordinal);
        Assert.Contains("← recommended", output, StringComparison.Ordinal);
        Assert.Matches("(confirmed|not confirmed)", output);
    }
}
