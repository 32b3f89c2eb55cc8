using LossLab.Lab.Tests;

namespace LossLab.Cli.Tests;

/// <summary>A command that runs out of memory ends with a one-line error (exit 1) that says what ran out and what to try.</summary>
public sealed class OutOfMemoryMessageTests
{
    [Fact]
#pragma warning disable CA2201 // The runtime's exception is what the check must recognise.
    public void Out_of_memory_is_recognised_alone_and_inside_a_parallel_run()
    {
        Assert.True(App.IsOutOfMemory(new OutOfMemoryException()));
        Assert.True(App.IsOutOfMemory(new AggregateException(new InvalidOperationException("other"), new AggregateException(new OutOfMemoryException()))));
        Assert.False(App.IsOutOfMemory(new AggregateException(new InvalidOperationException("other"))));
        Assert.False(App.IsOutOfMemory(new InvalidOperationException("other")));
    }
#pragma warning restore CA2201

    [Fact]
    public void The_message_names_the_command_the_limit_the_data_size_and_what_to_try()
    {
        string path = Path.Combine(TestFolders.Create("oom"), "data.csv");
        File.WriteAllBytes(path, new byte[3 << 20]);
        string message = App.OutOfMemoryMessage("advise", path, 1L << 30, hasThreads: true);
        Assert.StartsWith("out of memory: 'advise' needed more memory than it could get (the process may use 1,024 MB); --data ", message, StringComparison.Ordinal);
        Assert.Contains(" is 3 MB;", message, StringComparison.Ordinal);
        Assert.Contains("--threads 1", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);

        string plain = App.OutOfMemoryMessage("compare", "builtin:seed", 0, hasThreads: false);
        Assert.Equal("out of memory: 'compare' needed more memory than it could get; try a sample of the rows, or a higher memory limit (DOTNET_GCHeapHardLimit, the container's limit)", plain);
    }
}
