namespace LossLab.Cli;

/// <summary>Entry point of the <c>losslab</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        // Ctrl-C stops a long run cleanly: the command reports what was computed so far and exits with 130. A second
        // Ctrl-C ends the process at once (the default action of the signal).
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        return App.Run(args, Console.Out, Console.Error, cancellation.Token);
    }
}
