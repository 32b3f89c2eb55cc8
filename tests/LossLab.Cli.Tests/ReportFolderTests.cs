using LossLab.Reports;

namespace LossLab.Cli.Tests;

/// <summary>Where a report may go, what a second report into the same folder leaves, and what summary.md lets through.</summary>
public sealed class ReportFolderTests
{
    private static string NewParent() => Directory.CreateTempSubdirectory("losslab-folder").FullName;

    [Fact]
    public void A_trailing_separator_names_the_same_new_folder()
    {
        string dir = Path.Combine(NewParent(), "new") + Path.DirectorySeparatorChar;
        var (code, _, error) = CliRunner.Run("fit", "--data", "builtin:seed", "--epochs", "5", "--out", dir);
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(dir, "index.html")));
    }

    [Fact]
    public void A_second_report_removes_the_files_of_the_first_that_it_does_not_write()
    {
        string dir = Path.Combine(NewParent(), "claims");
        Assert.Equal(0, CliRunner.Run("claims", "--only", "O2,L5", "--out", dir).Code);
        Assert.True(File.Exists(Path.Combine(dir, "claim-L5.png")));
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        Assert.Equal(0, CliRunner.Run("claims", "--only", "O2", "--out", dir).Code);
        Assert.False(File.Exists(Path.Combine(dir, "claim-L5.png")));
        Assert.False(File.Exists(Path.Combine(dir, "claim-L5.svg")));
        Assert.True(File.Exists(Path.Combine(dir, "claim-O2.png")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "notes.txt")));
        Assert.Contains("claim-O2.png", File.ReadAllLines(Path.Combine(dir, ReportWriter.Manifest)));
    }

    [Fact]
    public void A_folder_with_other_files_is_refused_before_any_work()
    {
        string dir = NewParent();
        File.WriteAllText(Path.Combine(dir, "thesis.tex"), "keep me");
        var (code, output, error) = CliRunner.Run("compare", "--data", "builtin:seed", "--losses", "mse", "--optimizers", "sgd", "--out", dir);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("not a LossLab report", error, StringComparison.Ordinal);
        Assert.Equal(["thesis.tex"], Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).ToArray());
    }

    [Fact]
    public void Newlines_and_markup_in_user_strings_stay_text_in_summary_md()
    {
        string parent = NewParent();
        string column = "</text><script>alert(2)</script>&\n<script>alert(3)</script>";
        string csv = Path.Combine(parent, "t.csv");
        var rows = Enumerable.Range(0, 30).Select(i => FormattableString.Invariant($"{i % 7},{(2 * (i % 7)) + (0.1 * (i % 3))}"));
        File.WriteAllText(csv, "x1,\"" + column + "\"\n" + string.Join('\n', rows) + "\n");
        string dir = Path.Combine(parent, "report");
        var (code, _, error) = CliRunner.Run("fit", "--data", csv, "--target", column, "--solver", "closed_form", "--out", dir);
        Assert.True(code == 0, error);
        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.DoesNotContain("<script", summary, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(3)&lt;/script&gt;", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(summary.Split('\n'), line => line.TrimStart().StartsWith('<'));
    }
}
