namespace LossLab.Cli.Tests;

/// <summary>First minutes on the command line: what a mistyped or empty command line says.</summary>
public sealed class FirstUseTests
{
    [Fact]
    public void A_bare_command_line_lists_the_commands()
    {
        var (code, _, error) = CliRunner.Run();
        Assert.Equal(1, code);
        Assert.Contains("a command is needed: losses, eval", error, StringComparison.Ordinal);
        Assert.Contains("losslab demo", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("comapre", "did you mean 'compare'?")]
    [InlineData("advice", "did you mean 'advise'?")]
    [InlineData("nosuchcommand", "unknown command 'nosuchcommand' (commands:")]
    public void An_unknown_command_is_named_with_a_suggestion(string command, string expected)
    {
        var (code, _, error) = CliRunner.Run(command);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "claims", "--only", "" }, "--only: empty list")]
    [InlineData(new[] { "compare", "--data", "builtin:seed", "--losses", "mse,l1,mse", "--optimizers", "sgd" }, "--losses: 'mse' is listed twice")]
    [InlineData(new[] { "fit", "--data", "builtin:seed", "--features", "nope" }, "--features nope: no such column in builtin:seed")]
    [InlineData(new[] { "compare", "--data", "builtin:seed", "--losses", "msle", "--optimizers", "sgd" }, "msle cannot be trained on this target")]
    [InlineData(new[] { "compare", "--data", "builtin:seed", "--losses", "mse", "--optimizers", "sgd", "--seeds", "100000" }, "this plan has 2,000,000 (candidate, split) runs")]
    public void Silent_or_internal_failures_are_now_one_line_errors(string[] args, string expected)
    {
        var (code, _, error) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
