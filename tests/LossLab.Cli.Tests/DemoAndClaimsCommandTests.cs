using System.Text.Json;

namespace LossLab.Cli.Tests;

public sealed class DemoAndClaimsCommandTests
{
    [Fact]
    public void Demo_json_has_the_contract_shape()
    {
        var (code, output, error) = CliRunner.Run("demo", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement[] scenarios = doc.RootElement.GetProperty("scenarios").EnumerateArray().ToArray();
        Assert.Equal(["clean", "outliers", "guide_settings"], scenarios.Select(s => s.GetProperty("name").GetString()));
        JsonElement run = scenarios[0].GetProperty("runs")[0];
        foreach (string key in new[] { "loss", "optimizer", "lr", "final_train_loss", "final_val_loss", "params", "param_error", "settled", "jitter", "diverged" })
        {
            Assert.True(run.TryGetProperty(key, out _), key);
        }

        Assert.Equal([2.0, 1.0], scenarios[0].GetProperty("true_params").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public void Demo_human_output_is_a_readable_table()
    {
        var (code, output, _) = CliRunner.Run("demo");
        Assert.Equal(0, code);
        Assert.Contains("== clean", output, StringComparison.Ordinal);
        Assert.Contains("== outliers", output, StringComparison.Ordinal);
        Assert.Contains("huber", output, StringComparison.Ordinal);
        Assert.Contains("→", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Claims_json_has_the_contract_shape_and_valid_verdicts()
    {
        var (code, output, error) = CliRunner.Run("claims", "--only", "L3,L5,O2", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement[] claims = doc.RootElement.GetProperty("claims").EnumerateArray().ToArray();
        Assert.Equal(["L3", "L5", "O2"], claims.Select(c => c.GetProperty("id").GetString()));
        Assert.All(claims, c =>
        {
            Assert.Contains(c.GetProperty("verdict").GetString(), new[] { "holds", "holds_with_caveat", "does_not_hold" });
            Assert.True(c.GetProperty("evidence").EnumerateObject().Any());
            Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("explanation").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("prediction").GetString()));
            int replications = c.GetProperty("replications").GetInt32();
            Assert.Equal(c.GetProperty("exact").GetBoolean() ? 1 : 20, replications);
            double share = c.GetProperty("support_share").GetDouble();
            JsonElement ci = c.GetProperty("support_ci95");
            Assert.InRange(share, ci[0].GetDouble(), ci[1].GetDouble());
            Assert.True(c.GetProperty("scenarios").GetArrayLength() >= 1);
            Assert.Equal(JsonValueKind.Object, c.GetProperty("units").ValueKind);
        });
    }

    [Fact]
    public void Claims_take_a_replication_count_and_refuse_a_bad_one()
    {
        var (code, output, error) = CliRunner.Run("claims", "--only", "O8", "--replications", "5", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.Equal(5, doc.RootElement.GetProperty("claims")[0].GetProperty("replications").GetInt32());
        var (bad, _, message) = CliRunner.Run("claims", "--replications", "0");
        Assert.Equal(1, bad);
        Assert.Contains("--replications 0: must lie in [1, 10000]", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_claim_is_a_one_line_error()
    {
        var (code, _, error) = CliRunner.Run("claims", "--only", "L99");
        Assert.Equal(1, code);
        Assert.Contains("unknown claim; accepted: L", error, StringComparison.Ordinal);
    }
}
