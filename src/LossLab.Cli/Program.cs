namespace LossLab.Cli;

/// <summary>Entry point of the <c>losslab</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args) => App.Run(args, Console.Out, Console.Error);
}
