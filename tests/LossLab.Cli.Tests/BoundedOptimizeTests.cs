using System.Text.Json;
using LossLab.Cli.Commands;
using LossLab.Functions;
using LossLab.Optim;

namespace LossLab.Cli.Tests;

/// <summary>A long optimize run keeps a bounded record in memory and streams every step to --trace (issue 14, finding 8).</summary>
public sealed class BoundedOptimizeTests
{
    [Fact]
    public void The_history_of_a_long_run_is_bounded_and_keeps_the_first_and_last_step()
    {
        ITestFunction f = TestFunctions.Find("rosenbrock")!;
        OptimizerRule rule = OptimizerCatalog.Create("adam:lr=0.001", null, null);
        int streamed = 0;
        OptimizeCommand.Run run = OptimizeCommand.Execute(f, [-1f, 1f], rule, 50_000, _ => streamed++);
        Assert.Equal(50_001, streamed);
        Assert.InRange(run.Rows.Count, OptimizeCommand.History.MaxRows / 2, OptimizeCommand.History.MaxRows + 1);
        Assert.Equal(0, run.Rows[0].Step);
        Assert.Equal(50_000, run.Last.Step);
        Assert.True(run.Stride > 1);
        Assert.All(run.Rows.SkipLast(1), r => Assert.Equal(0, r.Step % run.Stride));
        Assert.Equal([.. run.Rows.Select(r => r.Step).Order()], run.Rows.Select(r => r.Step));
    }

    [Fact]
    public void A_short_run_keeps_every_step()
    {
        var history = new OptimizeCommand.History();
        for (int k = 0; k <= 100; k++)
        {
            history.Add(new OptimizeCommand.Row(k, k, 0.1, null, [k]));
        }

        Assert.Equal(1, history.Stride);
        Assert.Equal(Enumerable.Range(0, 101), history.Rows().Select(r => r.Step));
    }

    [Fact]
    public void The_trace_file_has_every_step_while_the_json_holds_a_bounded_record_and_the_final_point()
    {
        string dir = SpecialFileTests.Folder();
        string trace = Path.Combine(dir, "trace.csv");
        var (code, output, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "-1,1", "--optimizer", "adam:lr=0.001", "--steps", "30000", "--trace", trace, "--json");
        Assert.True(code == 0, error);
        string[] lines = File.ReadAllLines(trace);
        Assert.Equal(30_002, lines.Length);
        Assert.StartsWith("30000,", lines[^1], StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(30_000, root.GetProperty("steps").GetInt32());
        JsonElement rows = root.GetProperty("trace");
        Assert.True(rows.GetArrayLength() <= OptimizeCommand.History.MaxRows + 1);
        Assert.Equal(4, root.GetProperty("trace_stride").GetInt32());
        Assert.Contains("--trace FILE writes every step", root.GetProperty("trace_note").GetString(), StringComparison.Ordinal);
        JsonElement last = rows[rows.GetArrayLength() - 1];
        Assert.Equal(30_000, last[0].GetInt32());
        string[] final = lines[^1].Split(',');
        Assert.Equal(double.Parse(final[4], System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("final")[0].GetDouble(), 6);
        Assert.Equal([trace], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void The_report_of_a_long_run_counts_the_steps_run_and_says_what_its_charts_draw()
    {
        string dir = Path.Combine(SpecialFileTests.Folder(), "report");
        var (code, _, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "-1,1", "--optimizer", "adam:lr=0.001", "--steps", "30000", "--out", dir);
        Assert.True(code == 0, error);
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.Contains("A long run: the charts draw the 7501 steps kept in memory", html, StringComparison.Ordinal);
        Assert.Contains("30000", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_run_returns_what_it_computed()
    {
        ITestFunction f = TestFunctions.Find("quadratic")!;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        OptimizeCommand.Run run = OptimizeCommand.Execute(f, [3f, 2f], OptimizerCatalog.Create("sgd:lr=0.01", null, null), 1_000_000_000, null, cancelled.Token);
        Assert.True(run.Cancelled);
        Assert.Equal(0, run.Last.Step);
    }
}
