using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Running;

namespace LossLab.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/LossLab.Bench</c> runs the BenchmarkDotNet suite (pass its usual
/// arguments, e.g. <c>--filter *LossKernel*</c>); <c>-- ratios</c> prints the quick table of loss time / floor time;
/// <c>-- compare</c> times <c>losslab compare</c> on 100,000 × 20.
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

        if (args.Length > 0 && args[0] == "ratios")
        {
            PrintRatios(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 21);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static void PrintRatios(int repetitions)
    {
        var work = new KernelWorkload();
        work.Prepare();
        Console.WriteLine($"value+gradient on {KernelWorkload.Elements:N0} float32 elements, median of {repetitions} runs, 1 thread");
        Console.WriteLine($"{"loss",-16} {"loss ms",9} {"floor ms",9} {"ratio",6}");
        foreach (string loss in KernelWorkload.Losses)
        {
            double lossMs = Median(() => work.Run(loss), repetitions);
            double floorMs = Median(work.FloorOf(loss), repetitions);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{loss,-16} {lossMs,9:F2} {floorMs,9:F2} {lossMs / floorMs,6:F2}"));
        }
    }

    private static double Median(Action action, int repetitions)
    {
        for (int i = 0; i < 3; i++)
        {
            action();
        }

        double[] times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[repetitions / 2];
    }

    private static double Median(Func<double> function, int repetitions) => Median(() => { _ = function(); }, repetitions);
}
