using System.Diagnostics;
using System.Text;
using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

/// <summary>Loading from pipes, and stopping a load on cancellation (issue 14, findings 4 and 5).</summary>
public sealed class PipeAndCancelLoadTests
{
    private static string Fifo()
    {
        string dir = TestFolders.Create("pipe");
        string path = Path.Combine(dir, "pipe");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    [Fact]
    public async Task A_pipe_is_read_in_one_pass_including_its_first_8_KiB()
    {
        string pipe = Fifo();
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < 5000; i++)
        {
            text.Append(i).Append(',').Append(2 * i).Append('\n');
        }

        Task writer = Task.Run(() => File.WriteAllText(pipe, text.ToString()));
        RawTable table = CsvLoader.Read(pipe);
        await writer.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(5000, table.Rows.Count);
        Assert.Equal(["x", "y"], table.Columns);
        Assert.Equal(["4999", "9998"], table.Rows[^1]);
    }

    [Fact]
    public void A_long_read_stops_on_cancellation()
    {
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < 3 * CsvLoader.CheckEvery; i++)
        {
            text.Append("1,2\n");
        }

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => CsvLoader.Read(new StringReader(text.ToString()), "t.csv", cancelled.Token));
    }

    [Fact]
    public void Loading_a_pipe_that_has_no_writer_ends_on_cancellation()
    {
        string pipe = Fifo();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => DataSource.Load(pipe, "y", cancellation: cancellation.Token));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));

        // Unblock the abandoned reader so that it ends (in the background: nothing waits for it).
        _ = Task.Run(() => new FileStream(pipe, FileMode.Open, FileAccess.Write).Dispose());
    }
}
