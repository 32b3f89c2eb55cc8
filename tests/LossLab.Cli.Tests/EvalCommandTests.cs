using System.Text.Json;

namespace LossLab.Cli.Tests;

public sealed class EvalCommandTests
{
    [Fact]
    public void Huber_mean_value_and_gradient_in_json()
    {
        var (code, output, error) = CliRunner.Run("eval", "--loss", "huber:delta=1.5", "--pred", "0,2,5", "--target", "0,0,0", "--json");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal("huber", root.GetProperty("loss").GetString());
        Assert.Equal(1.5, root.GetProperty("params").GetProperty("delta").GetDouble());
        Assert.Equal("mean", root.GetProperty("reduction").GetString());

        // Items: 0, 1.5·(2 − 0.75) = 1.875, 1.5·(5 − 0.75) = 6.375; mean 2.75. Gradient: (0, 1.5, 1.5)/3.
        Assert.Equal(2.75, root.GetProperty("value").GetDouble(), 6);
        double[] grad = root.GetProperty("grad").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal([0, 0.5, 0.5], grad);
    }

    [Fact]
    public void Reduction_none_gives_per_item_values_and_elementwise_derivative()
    {
        var (code, output, _) = CliRunner.Run("eval", "--loss", "l1", "--pred", "1,-2,3", "--target", "1,0,0", "--reduction", "none", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.Equal([0.0, 2, 3], doc.RootElement.GetProperty("value").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.0, -1, 1], doc.RootElement.GetProperty("grad").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public void Cross_entropy_takes_classes_and_index_targets()
    {
        var (code, output, _) = CliRunner.Run("eval", "--loss", "cross_entropy", "--pred", "0,0,0,1,2,3", "--target", "0,2", "--classes", "3", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        double expected = (Math.Log(3) + (Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) - 3)) / 2;
        Assert.Equal(expected, doc.RootElement.GetProperty("value").GetDouble(), 5);
        Assert.Equal(6, doc.RootElement.GetProperty("grad").GetArrayLength());
    }

    [Fact]
    public void Gaussian_nll_accepts_variances_separately()
    {
        var (code, output, _) = CliRunner.Run("eval", "--loss", "gaussian_nll", "--pred", "1,2", "--var", "1,4", "--target", "0,0", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        double expected = ((0.5 * (0 + 1)) + (0.5 * (Math.Log(4) + 1))) / 2;
        Assert.Equal(expected, doc.RootElement.GetProperty("value").GetDouble(), 5);
        // The two gradients are named: ∂L/∂μ = (μ − y)/σ²/N and ∂L/∂σ² = ½(1/σ² − (μ − y)²/σ⁴)/N.
        Assert.False(doc.RootElement.TryGetProperty("grad", out _));
        Assert.Equal([0.5, 0.25], doc.RootElement.GetProperty("grad_input").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal([0.0, 0.0], doc.RootElement.GetProperty("grad_var").EnumerateArray().Select(e => e.GetDouble()));
    }

    [Fact]
    public void Gaussian_nll_text_output_labels_its_two_gradients()
    {
        var (code, output, _) = CliRunner.Run("eval", "--loss", "gaussian_nll", "--pred", "1,2", "--var", "1,2", "--target", "0,0");
        Assert.Equal(0, code);
        Assert.Contains("grad_input: [0.5, 0.5]", output, StringComparison.Ordinal);
        Assert.Contains("grad_var:   [0, -0.125]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("grad:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Human_output_names_the_loss_value_and_gradient()
    {
        var (code, output, _) = CliRunner.Run("eval", "--loss", "mse", "--pred", "1,2", "--target", "0,0");
        Assert.Equal(0, code);
        Assert.Contains("value:     2.5", output, StringComparison.Ordinal);
        Assert.Contains("grad:      [1, 2]", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("huber:delta=-1", "0,1", "0,0", "delta must be a finite number > 0")]
    [InlineData("smooth_l1:beta=-1", "0,1", "0,0", "beta")]
    [InlineData("quantile:tau=2", "0,1", "0,0", "tau")]
    [InlineData("cross_entropy:label_smoothing=2", "0,1", "0", "label_smoothing")]
    [InlineData("huber", "0,1,2", "0,0", "same length")]
    [InlineData("huber", "0,abc", "0,0", "--pred: item 2 'abc' is not a number")]
    [InlineData("bce", "0.5,1.5", "1,0", "[0, 1]")]
    [InlineData("nosuchloss", "0", "0", "unknown loss 'nosuchloss'; accepted:")]
    [InlineData("huber:size=2", "0", "0", "unknown parameter 'size'; accepted: delta")]
    public void Bad_input_is_a_one_line_error_with_exit_code_1(string spec, string pred, string target, string expected)
    {
        var (code, output, error) = CliRunner.Run("eval", "--loss", spec, "--pred", pred, "--target", target);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("losslab: error: ", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_index_out_of_range_is_a_one_line_error()
    {
        var (code, _, error) = CliRunner.Run("eval", "--loss", "cross_entropy", "--pred", "0,0,0,0,0,0", "--target", "0,3", "--classes", "3");
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Missing_option_and_bad_reduction_are_usage_errors()
    {
        var missing = CliRunner.Run("eval", "--loss", "mse", "--pred", "1");
        Assert.Equal(1, missing.Code);
        Assert.Contains("--target", missing.Err, StringComparison.Ordinal);

        var reduction = CliRunner.Run("eval", "--loss", "mse", "--pred", "1", "--target", "1", "--reduction", "avg");
        Assert.Equal(1, reduction.Code);
        Assert.Contains("accepted: none, mean, sum, batchmean", reduction.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_file_in_a_missing_directory_fails_cleanly()
    {
        string path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "out.json");
        var (code, _, error) = CliRunner.Run("eval", "--loss", "mse", "--pred", "1", "--target", "0", "--json", path);
        Assert.Equal(1, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Real_process_exits_1_without_a_stack_trace()
    {
        var (code, output, error) = CliRunner.RunProcess("eval", "--loss", "huber:delta=0", "--pred", "1", "--target", "0");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Contains("delta", error, StringComparison.Ordinal);

        var ok = CliRunner.RunProcess("eval", "--loss", "mse", "--pred", "3", "--target", "1");
        Assert.Equal(0, ok.Code);
        Assert.Contains("value:     4", ok.Out, StringComparison.Ordinal);
    }
}
