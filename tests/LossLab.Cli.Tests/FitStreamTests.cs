using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace LossLab.Cli.Tests;

/// <summary><c>fit --stream</c>: the chunked least squares through the command line, and its refusals.</summary>
public sealed class FitStreamTests
{
    private static string File(int rows)
    {
        var random = new Random(11);
        var text = new StringBuilder("x1,x2,y\n");
        for (int i = 0; i < rows; i++)
        {
            double a = random.NextDouble(), b = random.NextDouble() * 100;
            text.Append(CultureInfo.InvariantCulture, $"{a:R},{b:R},{(1.5 * a) - (0.02 * b) + 7 + (0.01 * (random.NextDouble() - 0.5)):R}\n");
        }

        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-stream-cli").FullName, "s.csv");
        System.IO.File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void Streamed_and_loaded_fits_agree_in_the_json()
    {
        string path = File(5000);
        var (code, output, error) = CliRunner.Run("fit", "--data", path, "--target", "y", "--stream", "--json");
        Assert.True(code == 0, error);
        var (code2, output2, error2) = CliRunner.Run("fit", "--data", path, "--target", "y", "--solver", "closed_form", "--validation", "0", "--json");
        Assert.True(code2 == 0, error2);
        JsonNode streamed = JsonNode.Parse(output)!, loaded = JsonNode.Parse(output2)!;
        double[] a = [.. streamed["params"]!.AsArray().Select(v => v!.GetValue<double>())];
        double[] b = [.. loaded["params"]!.AsArray().Select(v => v!.GetValue<double>())];
        Assert.Equal(b.Length, a.Length);
        for (int j = 0; j < a.Length; j++)
        {
            Assert.True(Math.Abs(a[j] - b[j]) <= 1e-10 * Math.Abs(b[j]), $"param {j}: {a[j]:R} vs {b[j]:R}");
        }

        Assert.Equal(5000, streamed["rows"]!["train"]!.GetValue<long>());
        Assert.Equal(2, streamed["stream"]!["passes"]!.GetValue<int>());
        Assert.Equal(["x1", "x2", "intercept"], streamed["param_names"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(3, streamed["columns"]!.AsArray().Count);
        Assert.True(Math.Abs(streamed["train"]!["mse"]!.GetValue<double>() - loaded["train"]!["mse"]!.GetValue<double>()) < 1e-12);
    }

    [Theory]
    [InlineData("--solver", "irls", "--solver irls needs every row in memory")]
    [InlineData("--loss", "huber", "--loss huber has no streamed solver")]
    [InlineData("--validation", "0.2", "--validation 0.2: every row is fitted")]
    [InlineData("--model", "mlp", "--model mlp: only a linear model")]
    public void Incompatible_options_are_refused_with_the_reason(string option, string value, string expected)
    {
        string path = File(20);
        var (code, _, error) = CliRunner.Run("fit", "--data", path, "--target", "y", "--stream", option, value);
        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_cell_is_reported_with_its_line_and_column()
    {
        string path = File(30);
        string[] lines = System.IO.File.ReadAllLines(path);
        lines[20] = "0.5,abc,3";
        System.IO.File.WriteAllLines(path, lines);
        var (code, _, error) = CliRunner.Run("fit", "--data", path, "--target", "y", "--stream");
        Assert.Equal(1, code);
        Assert.Contains("line 21, column 2 ('x2'): 'abc' is not a number", error, StringComparison.Ordinal);
    }
}
