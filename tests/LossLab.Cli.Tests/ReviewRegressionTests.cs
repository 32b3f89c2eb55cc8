using System.Text.Json;

namespace LossLab.Cli.Tests;

/// <summary>Edge cases found in review: each is a one-line error with exit code 1, or a sensible default.</summary>
public sealed class ReviewRegressionTests
{
    private static string Csv(string text)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-review").FullName, "data.csv");
        File.WriteAllText(path, text);
        return path;
    }

    private static void OneLineError((int Code, string Out, string Err) r, string expected)
    {
        Assert.Equal(1, r.Code);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.DoesNotContain("internal error", r.Err, StringComparison.Ordinal);
        Assert.Contains(expected, r.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_epoch_counts_and_models_are_refused_up_front()
    {
        OneLineError(CliRunner.Run("fit", "--data", "builtin:stackloss", "--epochs", "2000000000"), "more than 20,000,000 steps");
        OneLineError(CliRunner.Run("compare", "--data", "builtin:stackloss", "--losses", "mse", "--optimizers", "adam", "--epochs", "2000000000", "--batch-size", "1"), "--epochs 2000000000");
        OneLineError(CliRunner.Run("fit", "--data", "builtin:iris", "--model", "mlp:hidden=40000/40000"), "parameters; the lab trains at most");
    }

    [Fact]
    public void Numbers_outside_float32_are_rejected_and_json_never_holds_infinity()
    {
        OneLineError(CliRunner.Run("eval", "--loss", "mse", "--pred", "1e39", "--target", "1"), "outside the float32 range");
        // The exact value (3.6e77) lies beyond float32: a clear error rather than Infinity (or null in JSON).
        OneLineError(CliRunner.Run("eval", "--loss", "mse", "--pred", "3e38", "--target", "-3e38", "--json"), "mse: the value overflows float32");
    }

    [Fact]
    public void Decimal_commas_are_named_not_misread_as_categories()
        => OneLineError(CliRunner.Run("fit", "--data", Csv("x;y\n1,5;2,0\n2,5;3,0\n3,5;4,5\n"), "--target", "y"), "decimal comma");

    [Fact]
    public void Count_losses_refuse_negative_targets()
        => OneLineError(CliRunner.Run("fit", "--data", Csv("x,y\n1,2\n2,-1\n3,4\n4,5\n"), "--target", "y", "--loss", "poisson_nll", "--validation", "0"), "needs non-negative targets");

    [Fact]
    public void Patience_needs_a_validation_part()
        => OneLineError(CliRunner.Run("fit", "--data", "builtin:stackloss", "--validation", "0", "--patience", "3"), "--patience");

    [Theory]
    [InlineData("builtin:boxes:n=100", "smooth_l1")]
    [InlineData("builtin:masks:n=100", "bce_with_logits")]
    public void Boxes_and_masks_have_default_losses(string data, string loss)
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", data, "--epochs", "5", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.Equal(loss, doc.RootElement.GetProperty("loss").GetString());
    }

    [Fact]
    public void Poisson_metrics_are_on_the_rate_scale()
    {
        var random = new Random(1);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            double x = random.NextDouble() * 2;
            double rate = Math.Exp(1 + x);
            int k = 0;
            for (double p = Math.Exp(-rate), sum = p, u = random.NextDouble(); u > sum; sum += p)
            {
                k++;
                p *= rate / k;
            }

            return $"{x.ToString(System.Globalization.CultureInfo.InvariantCulture)},{k}";
        });
        string path = Csv("x,y\n" + string.Join("\n", rows) + "\n");
        var (code, output, error) = CliRunner.Run("fit", "--data", path, "--target", "y", "--loss", "poisson_nll", "--epochs", "500", "--optimizer", "adam:lr=0.05", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("train").GetProperty("r2").GetDouble() > 0.3);
    }
}
