using System.Diagnostics;
using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;

namespace LossLab.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/LossLab.Bench -- compare [rows] [features]</c>: the time of a
/// <c>compare</c> of 3 losses × 5 optimizers with 3 folds (one repeat) on a generated regression set (default 100,000 × 20),
/// once with one learning rate per combination and once with the automatic search.
/// </summary>
internal static class CompareBenchmark
{
    public static void Run(int rows, int features)
    {
        Dataset data = LossLab.Lab.Performance.BenchSuite.Generate(rows, features, 1);
        var settings = new CompareSettings
        {
            Losses = ["mse", "l1", "huber"],
            Optimizers = ["sgd", "sgd:momentum=0.9", "adam", "rmsprop", "adagrad"],
            Folds = 3,
            Repeats = 1,
            Epochs = 50,
        };
        Console.WriteLine($"compare on {rows:N0} × {features}: 3 losses × 5 optimizers × 3 folds, 50 epochs, batch 256, {Environment.ProcessorCount} threads");
        Time("one learning rate (0.01)", () => Compare.Run(data, settings with { LearningRates = [0.01] }));
        Time("--lrs auto (6 rates)", () => Compare.Run(data, settings));
    }

    private static void Time(string label, Func<CompareResult> run)
    {
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        CompareResult result = run();
        clock.Stop();
        process.Refresh();
        cpu = process.TotalProcessorTime - cpu;

        // The processor time of the whole process alongside the wall time: on a machine shared with other work the wall
        // time grows with the load, the processor time much less (processor time / threads is the wall time unloaded).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-26} {clock.Elapsed.TotalSeconds,7:F1} s  (cpu {cpu.TotalSeconds:F1} s; {result.RunsTotal} runs; best {result.Ranking[0].Loss} + {result.Ranking[0].Optimizer}, rmse {result.Ranking[0].Mean:G4})"));
    }
}
