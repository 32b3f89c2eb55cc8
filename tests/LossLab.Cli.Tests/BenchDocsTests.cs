using System.Text.RegularExpressions;

namespace LossLab.Cli.Tests;

public sealed partial class BenchDocsTests
{
    [Fact]
    public void Bench_quick_duration_in_help_is_the_one_in_performance_md()
    {
        var (code, help, _) = CliRunner.Run("bench", "--help");
        Assert.Equal(0, code);
        Match m = Duration().Match(help);
        Assert.True(m.Success, "bench --help states no 'about N s on a 2-core machine' for --quick:\n" + help);
        string doc = File.ReadAllText(Path.Combine(DocsPaths.Root, "docs", "PERFORMANCE.md"));
        string[] inDoc = [.. Duration().Matches(doc).Select(d => d.Value).Distinct()];
        Assert.Equal([m.Value], inDoc);
    }

    [GeneratedRegex(@"about \d+ s on a 2-core machine")]
    private static partial Regex Duration();
}
