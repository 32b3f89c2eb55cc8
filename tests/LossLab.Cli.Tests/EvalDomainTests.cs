using System.Globalization;
using System.Text.Json;
using LossLab.Losses;

namespace LossLab.Cli.Tests;

/// <summary>
/// <c>eval</c> at the edges of the domains: targets outside a loss's domain and degenerate boxes are one-line errors;
/// extreme but valid inputs give finite numbers or a one-line overflow error, never NaN or Infinity.
/// </summary>
public sealed class EvalDomainTests
{
    private static void OneLineError((int Code, string Out, string Err) r, string expected)
    {
        Assert.Equal(1, r.Code);
        Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.DoesNotContain("internal error", r.Err, StringComparison.Ordinal);
        Assert.Contains(expected, r.Err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ciou", "0,0,0,0", "0,0,1,1", "ciou: predicted box 0 is (0, 0, 0, 0), a point")]
    [InlineData("ciou", "0,0,1,1", "0,0,0,0", "ciou: target box 0 is (0, 0, 0, 0), which is empty")]
    [InlineData("giou", "0,0,1,1", "1,1,0,0", "giou: target box 0 is (1, 1, 0, 0), which is inverted")]
    [InlineData("giou", "1,1,0,0", "0,0,1,1", "giou: predicted box 0 is (1, 1, 0, 0), which is inverted")]
    [InlineData("bce_with_logits", "3", "2", "bce_with_logits: target 0 is 2; targets must be probabilities in [0, 1]")]
    [InlineData("bce", "0.5", "2", "bce: target 0 is 2")]
    [InlineData("focal", "0.5", "-1", "focal: target 0 is -1")]
    [InlineData("dice", "0.5,0.5", "2,0", "dice: target 0 is 2")]
    public void Targets_and_boxes_outside_the_domain_are_one_line_errors(string loss, string pred, string target, string expected)
        => OneLineError(CliRunner.Run("eval", "--loss", loss, "--pred", pred, "--target", target), expected);

    [Fact]
    public void Cross_entropy_soft_targets_outside_0_1_are_refused()
        => OneLineError(
            CliRunner.Run("eval", "--loss", "cross_entropy", "--classes", "2", "--pred", "1,2", "--target", "1.5,-0.5"),
            "cross_entropy: target 0 is 1.5; targets must be probabilities in [0, 1]");

    [Theory]
    [InlineData("giou", "-3e38,-3e38,3e38,3e38", "0,0,1,1")]
    [InlineData("ciou", "0,0,1e30,2e30", "1e30,0,3e30,1e30")]
    [InlineData("pseudo_huber", "3e38", "-3e38")]
    [InlineData("cauchy", "3e38", "-3e38")]
    public void Extreme_valid_inputs_give_finite_values_and_gradients(string loss, string pred, string target)
    {
        var (code, output, error) = CliRunner.Run("eval", "--loss", loss, "--pred", pred, "--target", target, "--reduction", "sum", "--json");
        if (loss == "pseudo_huber")
        {
            // δ·|z| = 6e38 lies beyond float32: a clear error, not Infinity; the gradient alone would be finite.
            OneLineError((code, output, error), "pseudo_huber: the value overflows float32");
            return;
        }

        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.True(double.IsFinite(doc.RootElement.GetProperty("value").GetDouble()));
        Assert.All(doc.RootElement.GetProperty("grad").EnumerateArray(), g => Assert.True(double.IsFinite(g.GetDouble())));
    }

    /// <summary>Every catalog loss at ±3e38, ±1e30, 0 and a subnormal through the CLI: finite numbers, or a one-line error.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Every_loss_at_extreme_inputs_gives_finite_numbers_or_a_one_line_error(string loss)
    {
        LossInfo info = LossCatalog.Find(loss)!;
        string[] extremes = ["3e38", "-3e38", "1e30", "-1e30", "0", "1e-45"];
        foreach (string x in extremes)
        {
            (string pred, string target, string? classes) = info.Input switch
            {
                InputKind.Boxes => ($"0,0,{Abs(x)},{Abs(x)}", "0,0,1,1", null),
                InputKind.MeanVariance => (x, x, null),
                InputKind.ClassLogits or InputKind.ClassLogProbabilities => ($"{x},0,{x}", "1", "3"),
                InputKind.Probabilities or InputKind.Mask => (x, "1", null),
                InputKind.Logits => (x, "1", null),
                InputKind.SignedLabels => (x, "-1", null),
                InputKind.Distributions => (x, "0.5", null),
                InputKind.NonNegative or InputKind.Counts or InputKind.Positive => (x, Abs(x) == "0" ? "1" : Abs(x), null),
                _ => (x, $"{Negate(x)}", null),
            };
            List<string> args = ["eval", "--loss", loss, "--pred", pred, "--target", target, "--json"];
            if (info.Input == InputKind.MeanVariance)
            {
                args.AddRange(["--var", Abs(x) == "0" ? "1" : Abs(x)]);
            }

            if (classes is not null)
            {
                args.AddRange(["--classes", classes]);
            }

            var (code, output, error) = CliRunner.Run([.. args]);
            if (code == 0)
            {
                using JsonDocument doc = JsonDocument.Parse(output);
                Assert.True(double.IsFinite(doc.RootElement.GetProperty("value").GetDouble()), $"{loss} at {x}: {output}");
                string[] gradients = info.Input == InputKind.MeanVariance ? ["grad_input", "grad_var"] : ["grad"];
                foreach (string name in gradients)
                {
                    Assert.All(doc.RootElement.GetProperty(name).EnumerateArray(), g => Assert.True(g.ValueKind == JsonValueKind.Number && double.IsFinite(g.GetDouble()), $"{loss} at {x}: {output}"));
                }
            }
            else
            {
                Assert.True(code == 1, $"{loss} at {x}: exit {code}, {error}");
                Assert.Single(error.TrimEnd().Split('\n'));
                Assert.StartsWith($"losslab: error: {loss}:", error, StringComparison.Ordinal);
            }
        }
    }

    public static TheoryData<string> Names => [.. LossCatalog.All.Select(e => e.Name)];

    private static string Abs(string x) => x.TrimStart('-');

    private static string Negate(string x) => x == "0" ? "0" : x.StartsWith('-') ? x[1..] : "-" + x;
}
