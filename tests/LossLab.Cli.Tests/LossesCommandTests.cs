using System.Text.Json;
using LossLab.Losses;

namespace LossLab.Cli.Tests;

public sealed class LossesCommandTests
{
    [Fact]
    public void Json_lists_every_catalog_loss_with_parameters_and_defaults()
    {
        var (code, output, error) = CliRunner.Run("losses", "--json");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement[] losses = doc.RootElement.GetProperty("losses").EnumerateArray().ToArray();
        Assert.Equal(LossCatalog.All.Select(e => e.Name), losses.Select(l => l.GetProperty("name").GetString()));
        JsonElement huber = losses.Single(l => l.GetProperty("name").GetString() == "huber");
        JsonElement delta = huber.GetProperty("parameters")[0];
        Assert.Equal("delta", delta.GetProperty("name").GetString());
        Assert.Equal(1.0, delta.GetProperty("default").GetDouble());
        foreach (string key in new[] { "formula", "gradient", "tasks", "when_to_use" })
        {
            Assert.True(huber.TryGetProperty(key, out _), key);
        }
    }

    [Fact]
    public void Human_output_shows_formula_and_advice()
    {
        var (code, output, _) = CliRunner.Run("losses", "huber");
        Assert.Equal(0, code);
        Assert.Contains("delta=1", output, StringComparison.Ordinal);
        Assert.Contains("½z² if |z| < δ", output, StringComparison.Ordinal);
        Assert.Contains("1 loss(es)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Task_filter_keeps_only_matching_losses()
    {
        var (code, output, _) = CliRunner.Run("losses", "--task", "detection", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        string[] names = doc.RootElement.GetProperty("losses").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).ToArray();
        Assert.Contains("giou", names);
        Assert.Contains("smooth_l1", names);
        Assert.DoesNotContain("mse", names);
    }

    [Fact]
    public void Json_to_a_file_is_written_whole_and_human_output_kept()
    {
        string dir = Directory.CreateTempSubdirectory("losslab-cli").FullName;
        string file = Path.Combine(dir, "losses.json");
        var (code, output, _) = CliRunner.Run("losses", "--json", file);
        Assert.Equal(0, code);
        Assert.Contains("loss(es)", output, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.True(doc.RootElement.GetProperty("losses").GetArrayLength() > 30);
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Unknown_loss_name_is_a_one_line_error()
    {
        var (code, output, error) = CliRunner.Run("losses", "hubber");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("unknown loss 'hubber'", error, StringComparison.Ordinal);
    }
}
