using System.Text.Json;
using LossLab.Lab.Tests;

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

        // the contract of the verification (issue: advise --json)
        Assert.Equal("mae", root.GetProperty("metric").GetProperty("name").GetString());
        Assert.Contains("contaminated", root.GetProperty("metric").GetProperty("reason").GetString(), StringComparison.Ordinal);
        JsonElement[] candidates = root.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(verification.Length, candidates.Length);
        Assert.All(candidates, c =>
        {
            Assert.Equal(20, c.GetProperty("per_fold_scores").GetArrayLength());
            Assert.True(c.GetProperty("metrics").TryGetProperty("rmse", out _));
            Assert.True(c.GetProperty("metrics").TryGetProperty("mean_bias", out _));
        });
        JsonElement[] comparison = root.GetProperty("comparison").EnumerateArray().ToArray();
        Assert.Equal(candidates.Length - 1, comparison.Length);
        Assert.All(comparison, c =>
        {
            Assert.Equal(2, c.GetProperty("ci95").GetArrayLength());
            Assert.True(c.GetProperty("p_adjusted").GetDouble() is > 0 and <= 1);
            Assert.True(c.TryGetProperty("mean_difference", out _));
            Assert.True(c.TryGetProperty("against", out _));
        });
        Assert.Contains(root.GetProperty("verdict").GetString(), new[] { "confirmed", "not_confirmed", "inconclusive" });
        Assert.Equal(root.GetProperty("verdict").GetString() == "confirmed", root.GetProperty("confirmed").GetBoolean());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("warnings").ValueKind);
        Assert.Equal(candidates.Single(c => c.GetProperty("recommended").GetBoolean()).GetProperty("optimizer").GetString(), rec.GetProperty("optimizer").GetString());
        Assert.True(root.GetProperty("diagnostics").TryGetProperty("bad_leverage_rows", out _));
        Assert.True(root.GetProperty("diagnostics").TryGetProperty("target_kind", out _));
        Assert.True(root.GetProperty("diagnostics").GetProperty("findings").GetArrayLength() > 0);
    }

    [Fact]
    public void Identifier_columns_are_dropped_and_a_1_2_target_is_binary()
    {
        string path = Path.Combine(TestFolders.Create("advise"), "data.csv");
        var random = new Random(2);
        var text = new System.Text.StringBuilder("customer,row_id,x,group\n");
        for (int i = 0; i < 120; i++)
        {
            double x = random.NextDouble() * 4;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"c{i:D4},{1000 + i},{x:F3},{(x + random.NextDouble() > 2.5 ? 2 : 1)}\n");
        }

        File.WriteAllText(path, text.ToString());
        try
        {
            var (code, output, error) = CliRunner.Run("advise", "--data", path, "--target", "group", "--epochs", "30", "--repeats", "1", "--json");
            Assert.True(code == 0, error);
            using JsonDocument doc = JsonDocument.Parse(output);
            JsonElement root = doc.RootElement;
            Assert.Equal("binary", root.GetProperty("task").GetString());
            Assert.Equal(1, root.GetProperty("diagnostics").GetProperty("features").GetInt32());
            string notes = string.Join(" ", root.GetProperty("diagnostics").GetProperty("column_notes").EnumerateArray().Select(n => n.GetString()));
            Assert.Contains("'customer'", notes, StringComparison.Ordinal);
            Assert.Contains("'row_id'", notes, StringComparison.Ordinal);
            Assert.Contains("read as binary with '2' as the positive class", notes, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
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
        Assert.Matches("(?m)^(confirmed|not confirmed|inconclusive): .*Nadeau–Bengio", output);
    }
}
