using System.Globalization;
using BenchmarkDotNet.Running;

namespace LossLab.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/LossLab.Bench</c> runs the BenchmarkDotNet suite (pass its usual
/// arguments, e.g. <c>--filter *LossKernel*</c>); <c>-- compare</c> times <c>losslab compare</c> on 100,000 × 20;
/// <c>-- advise</c> times <c>losslab advise</c> on 1,000,000 × 10; <c>-- study [--storage postgresql://…]</c> measures the
/// storage overhead per study trial (SQLite, PostgreSQL) and the speed-up of 2 study workers over 1.
/// The quick table of every measurement with its ratio to the floor is <c>losslab bench</c>.
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare")
        {
            CompareBenchmark.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000,
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
            return;
        }

        if (args.Length > 0 && args[0] == "advise")
        {
            AdviseBenchmark.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000,
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10);
            return;
        }

        if (args.Length > 0 && args[0] == "study")
        {
            StudyBenchmark.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
