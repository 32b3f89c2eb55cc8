using System.Diagnostics;

namespace LossLab.Cli.Tests;

/// <summary>Ctrl-C (SIGINT) ends every command within a few seconds with exit code 130, keeping what finished (issue 14, finding 5).</summary>
[Collection(TimedProcesses.Name)]
public sealed class SignalTests
{
    /// <summary>Starts the real program, sends SIGINT after <paramref name="after"/>, and returns how it ended and how long it took after the signal.</summary>
    private static async Task<(int Code, string Out, string Err, TimeSpan Took)> Interrupt(TimeSpan after, params string[] args)
    {
        using Process process = CliRunner.Start(true, args);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await Task.Delay(after);
        Assert.False(process.HasExited, "the command ended before the signal; give it more work");
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var clock = Stopwatch.StartNew();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error, clock.Elapsed);
    }

    [Fact]
    public async Task Fit_with_a_huge_number_of_epochs_stops_with_130_and_prints_what_it_trained()
    {
        var (code, output, error, took) = await Interrupt(TimeSpan.FromSeconds(2.5), "fit", "--data", "builtin:diabetes", "--optimizer", "adam:lr=0.01", "--tol", "0", "--epochs", "5000000");
        Assert.Equal(130, code);
        Assert.Contains("losslab: cancelled", error, StringComparison.Ordinal);
        Assert.Contains("train:", output, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
    }

    [Fact]
    public async Task Compare_with_a_huge_number_of_epochs_stops_with_130()
    {
        var (code, output, error, took) = await Interrupt(TimeSpan.FromSeconds(2.5), "compare", "--data", "builtin:diabetes", "--epochs", "100000", "--losses", "mse,l1", "--optimizers", "sgd");
        Assert.Equal(130, code);
        Assert.Contains("losslab: cancelled", error, StringComparison.Ordinal);
        Assert.Contains("cancelled after", output, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
    }

    [Fact]
    public async Task Optimize_with_a_huge_number_of_steps_stops_with_130_and_prints_where_it_got()
    {
        string trace = Path.Combine(SpecialFileTests.Folder(), "trace.csv");
        var (code, output, error, took) = await Interrupt(TimeSpan.FromSeconds(2.5), "optimize", "--function", "rosenbrock", "--start", "-1,1", "--optimizer", "adam:lr=0.001", "--steps", "2000000000", "--trace", trace);
        Assert.Equal(130, code);
        Assert.Contains("losslab: cancelled", error, StringComparison.Ordinal);
        string steps = output.Split("cancelled after ", 2)[1].Split(' ', 2)[0];
        Assert.StartsWith(steps + ",", File.ReadLines(trace).Last(), StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
    }

    [Fact]
    public async Task Reading_a_pipe_that_has_no_writer_stops_with_130()
    {
        string pipe = SpecialFileTests.Fifo(SpecialFileTests.Folder());
        var (code, _, error, took) = await Interrupt(TimeSpan.FromSeconds(1.5), "fit", "--data", pipe, "--target", "y");
        Assert.Equal(130, code);
        Assert.Contains("losslab: cancelled", error, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
    }

    [Fact]
    public async Task Writing_json_to_a_pipe_that_has_no_reader_stops_with_130()
    {
        string pipe = SpecialFileTests.Fifo(SpecialFileTests.Folder());
        var (code, _, error, took) = await Interrupt(TimeSpan.FromSeconds(1.5), "eval", "--loss", "mse", "--pred", "1,2", "--target", "1,3", "--json", pipe);
        Assert.Equal(130, code);
        Assert.Contains("losslab: cancelled", error, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"took {took}");
        Assert.Equal(FileKind.Special, FileKinds.Of(pipe));
    }
}

/// <summary>
/// Tests that time how fast a child process reacts run alone, not beside the suite's other process-heavy tests (study
/// workers, PostgreSQL): on 2 cores those could starve the child for seconds and make a prompt exit look slow.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimedProcesses
{
    /// <summary>The collection's name.</summary>
    public const string Name = "timed child processes";
}
