using System.Text.Json;

namespace LossLab.Cli.Tests;

public sealed class CompareCommandTests
{
    [Fact]
    public void Compare_json_ranks_with_mean_std_and_a_paired_test()
    {
        var (code, output, error) = CliRunner.Run("compare", "--data", "builtin:seed:outliers=0.05", "--losses", "mse,l1,huber:delta=0.2", "--optimizers", "sgd;adam:betas=0.9/0.99", "--lrs", "0.01,0.1", "--folds", "3", "--repeats", "1", "--seeds", "2", "--epochs", "30", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal("rmse", root.GetProperty("metric").GetString());
        JsonElement[] ranking = root.GetProperty("ranking").EnumerateArray().ToArray();
        Assert.Equal(6, ranking.Length);
        Assert.All(ranking, r =>
        {
            Assert.Equal(6, r.GetProperty("scores").GetArrayLength());
            Assert.True(r.GetProperty("std").GetDouble() >= 0);
        });
        JsonElement test = root.GetProperty("winner_vs_runner_up");
        Assert.True(test.GetProperty("p_value").GetDouble() is > 0 and <= 1);
        Assert.Contains("Nadeau–Bengio", test.GetProperty("test").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, test.GetProperty("ci95").GetArrayLength());
        Assert.True(root.GetProperty("friedman").GetProperty("nemenyi_critical_difference").GetDouble() > 0);
        Assert.All(ranking.Skip(1), r => Assert.True(r.GetProperty("vs_best").GetProperty("p_adjusted").GetDouble() > 0));
        Assert.Contains(ranking, r => r.GetProperty("optimizer").GetString()!.StartsWith("adam:betas=0.9/0.99,lr=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0.01", "one learning rate (nothing to tune)")]
    [InlineData("0.01,0.1", "learning rate tuned inside each training part")]
    public void The_header_says_whether_a_rate_was_tuned(string rates, string expected)
    {
        var (code, output, error) = CliRunner.Run("compare", "--data", "builtin:seed", "--losses", "mse,l1", "--optimizers", "adam", "--lrs", rates, "--folds", "2", "--repeats", "1", "--epochs", "5");
        Assert.True(code == 0, error);
        Assert.Contains(expected, output.Split('\n')[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--folds", "1" }, "--folds 1: must lie in [2, 50] for 100 rows")]
    [InlineData(new[] { "--folds", "often" }, "--folds often: give a whole number of folds")]
    [InlineData(new[] { "--repeats", "0" }, "--repeats and --seeds: must be >= 1")]
    [InlineData(new[] { "--lrs", "0.1,fast" }, "--lrs: 'fast' is not a positive number")]
    [InlineData(new[] { "--metric", "accuracy" }, "--metric accuracy: not a regression metric")]
    public void Bad_options_are_one_line_errors(string[] extra, string expected)
    {
        var (code, _, error) = CliRunner.Run(["compare", "--data", "builtin:seed", "--losses", "mse", "--optimizers", "sgd", .. extra]);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Specs_with_commas_need_semicolons_and_the_error_says_so()
    {
        var (code, _, error) = CliRunner.Run("compare", "--data", "builtin:seed", "--losses", "mse", "--optimizers", "sgd:momentum=0.9,nesterov=true,adam");
        Assert.Equal(1, code);
        Assert.Contains("separate the specs with ';'", error, StringComparison.Ordinal);
    }
}
