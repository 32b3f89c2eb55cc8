using System.Text.Json;

namespace LossLab.Cli.Tests;

/// <summary>JSON shapes that a program can read without parsing strings: arrays of columns and of learning rates.</summary>
public sealed class JsonNamesTests
{
    [Fact]
    public void Optimize_trace_columns_are_an_array_matching_each_trace_row()
    {
        var (code, output, error) = CliRunner.Run("optimize", "--function", "quadratic", "--start", "1,1", "--optimizer", "sgd:lr=0.1", "--steps", "5", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        string[] columns = [.. doc.RootElement.GetProperty("trace_columns").EnumerateArray().Select(e => e.GetString() ?? "")];
        Assert.Equal(["step", "loss", "lr", "grad_norm", "p0", "p1"], columns);
        Assert.All(doc.RootElement.GetProperty("trace").EnumerateArray(), row => Assert.Equal(columns.Length, row.GetArrayLength()));
    }

    [Fact]
    public void Compare_lr_search_is_an_array_of_lr_and_score()
    {
        var (code, output, error) = CliRunner.Run("compare", "--data", "builtin:seed", "--losses", "mse", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "2", "--repeats", "1", "--epochs", "20", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement search = doc.RootElement.GetProperty("ranking")[0].GetProperty("lr_search");
        Assert.Equal(JsonValueKind.Array, search.ValueKind);
        Assert.Equal([0.01, 0.1], search.EnumerateArray().Select(e => e.GetProperty("lr").GetDouble()).Order());
        Assert.All(search.EnumerateArray(), e => Assert.True(e.GetProperty("score").ValueKind is JsonValueKind.Number or JsonValueKind.Null));
    }

    [Fact]
    public void Optimize_text_table_has_no_exponent_on_large_losses()
    {
        // Rosenbrock from (-30, 40): f = 31² + 100·860² = 73,960,961, printed in full (6 digits), not as 7.3961E+07.
        var (code, output, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "-30,40", "--optimizer", "sgd:lr=1e-7", "--steps", "3");
        Assert.True(code == 0, error);
        Assert.DoesNotMatch(@"\dE[+-]\d", output);
        Assert.Contains("73961000", output, StringComparison.Ordinal);
    }
}
