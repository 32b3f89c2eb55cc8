using LossLab.Lab.Tests;

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

/// <summary>Outputs are checked before any work, and errors stay short.</summary>
public sealed class PreflightTests
{
    private static string Folder()
    {
        return TestFolders.Create("preflight");
    }

    [Fact]
    public void A_trace_or_json_over_the_data_file_is_refused_and_the_data_kept()
    {
        string dir = Folder();
        string data = Path.Combine(dir, "v.csv");
        File.WriteAllText(data, "x,y\n1,2.5\n2,4.1\n3,6.2\n4,7.9\n5,10.1\n");
        string before = File.ReadAllText(data);
        var (code, _, error) = CliRunner.Run("fit", "--data", data, "--target", "y", "--trace", data);
        Assert.Equal(1, code);
        Assert.Contains("that is the --data file", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(data));
        var (same, _, message) = CliRunner.Run("fit", "--data", "builtin:seed", "--trace", Path.Combine(dir, "a.csv"), "--json", Path.Combine(dir, "a.csv"));
        Assert.Equal(1, same);
        Assert.Contains("writes the same file", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_output_into_a_missing_folder_fails_before_the_work()
    {
        string missing = Path.Combine(Folder(), "nope", "x.json");
        var (code, _, error) = CliRunner.Run("claims", "--json", missing);
        Assert.Equal(1, code);
        Assert.Contains("does not exist; create it first", error, StringComparison.Ordinal);
        var (folder, _, message) = CliRunner.Run("fit", "--data", "builtin:seed", "--json", Folder());
        Assert.Equal(1, folder);
        Assert.Contains("is a folder", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_huge_spec_is_not_echoed_whole()
    {
        var (code, _, error) = CliRunner.Run("eval", "--loss", "nosuch" + new string('x', 100_000), "--pred", "1", "--target", "2");
        Assert.Equal(1, code);
        Assert.True(error.Length < 700, $"{error.Length} characters");
        Assert.Contains("characters left out", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_target_with_a_different_word_in_every_row_is_refused_as_an_identifier()
    {
        string dir = Folder();
        string data = Path.Combine(dir, "ids.csv");
        File.WriteAllText(data, "x,name\n" + string.Concat(Enumerable.Range(0, 120).Select(i => $"{i % 7},person{i}\n")));
        var (code, _, error) = CliRunner.Run("fit", "--data", data, "--target", "name");
        Assert.Equal(1, code);
        Assert.Contains("looks like an identifier, not a class label: 120 distinct values in 120 rows", error, StringComparison.Ordinal);
    }
}

public sealed class FailedCandidateTests
{
    [Fact]
    public void When_every_candidate_fails_somewhere_compare_flags_them_and_prints_no_statistics()
    {
        var (code, output, _) = CliRunner.Run("compare", "--data", "builtin:diabetes", "--losses", "mse,l1", "--optimizers", "sgd", "--lrs", "1000", "--epochs", "3", "--folds", "3", "--repeats", "1");
        Assert.Equal(0, code);
        Assert.Contains("fewest failures", output, StringComparison.Ordinal);
        Assert.Contains("no statistics: every candidate failed", output, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("  best", output, StringComparison.Ordinal);
        Assert.DoesNotContain("winner vs runner-up", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_candidate_that_failed_in_every_split_ranks_last_and_gets_no_comparison()
    {
        var (code, output, _) = CliRunner.Run("compare", "--data", "builtin:diabetes", "--losses", "mse,l1,huber", "--optimizers", "sgd", "--lrs", "3", "--epochs", "3", "--folds", "3", "--repeats", "1");
        Assert.Equal(0, code);
        string[] lines = output.Split('\n');
        string mse = Assert.Single(lines, l => l.Contains(" mse ", StringComparison.Ordinal));
        Assert.StartsWith("  3 ", mse, StringComparison.Ordinal);
        Assert.Contains("failed in 3 of 3 splits", mse, StringComparison.Ordinal);
        Assert.DoesNotContain("p =", mse, StringComparison.Ordinal);
        Assert.Contains("  best", Assert.Single(lines, l => l.StartsWith("  1 ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }
}

public sealed class ReportNumberTests
{
    [Fact]
    public void Report_tables_and_notes_write_large_and_small_numbers_without_E_exponents()
    {
        string dir = TestFolders.Create("numbers");
        var text = new System.Text.StringBuilder("x,y\n");
        for (int i = 0; i < 60; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{47300.0 * i + 120000 + (i % 7) * 900}\n");
        }

        string csv = Path.Combine(dir, "big.csv");
        File.WriteAllText(csv, text.ToString());
        var (code, output, error) = CliRunner.Run("fit", "--data", csv, "--target", "y", "--out", Path.Combine(dir, "report"));
        Assert.True(code == 0, error);
        string html = File.ReadAllText(Path.Combine(dir, "report", "index.html"));
        string summary = File.ReadAllText(Path.Combine(dir, "report", "summary.md"));
        var exponent = new System.Text.RegularExpressions.Regex(@"\d(\.\d+)?E[+-]\d");
        Assert.DoesNotMatch(exponent, html);
        Assert.DoesNotMatch(exponent, summary);
        Assert.DoesNotMatch(exponent, output);
        Assert.Contains("47", summary, StringComparison.Ordinal);
    }
}
