using System.Diagnostics;
using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;

namespace LossLab.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/LossLab.Bench -- compare [rows] [features]</c>: the time of a
/// <c>compare</c> of 3 losses × 5 optimizers with 3 folds on a generated regression set (default 100,000 × 20),
/// once with one learning rate per combination and once with the automatic search.
/// </summary>
internal static class CompareBenchmark
{
    public static void Run(int rows, int features)
    {
        Dataset data = Generate(rows, features);
        var settings = new CompareSettings
        {
            Losses = ["mse", "l1", "huber"],
            Optimizers = ["sgd", "sgd:momentum=0.9", "adam", "rmsprop", "adagrad"],
            Folds = 3,
            Epochs = 50,
        };
        Console.WriteLine($"compare on {rows:N0} × {features}: 3 losses × 5 optimizers × 3 folds, 50 epochs, batch 256, {Environment.ProcessorCount} threads");
        Time("one learning rate (0.01)", () => Compare.Run(data, settings with { LearningRates = [0.01] }));
        Time("--lrs auto (6 rates)", () => Compare.Run(data, settings));
    }

    private static void Time(string label, Func<CompareResult> run)
    {
        var clock = Stopwatch.StartNew();
        CompareResult result = run();
        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label,-26} {clock.Elapsed.TotalSeconds,7:F1} s  ({result.RunsTotal} runs; best {result.Ranking[0].Loss} + {result.Ranking[0].Optimizer}, rmse {result.Ranking[0].Mean:G4})"));
    }

    private static Dataset Generate(int rows, int features)
    {
        var random = new Random(1);
        float[] x = new float[rows * features];
        float[] y = new float[rows];
        double[] beta = Enumerable.Range(0, features).Select(j => Math.Sin(j + 1)).ToArray();
        for (int i = 0; i < rows; i++)
        {
            double t = 0.5;
            for (int j = 0; j < features; j++)
            {
                double v = (random.NextDouble() * 2) - 1;
                x[(i * features) + j] = (float)v;
                t += beta[j] * v;
            }

            y[i] = (float)(t + (0.1 * ((random.NextDouble() * 2) - 1)));
        }

        return new Dataset("generated", Enumerable.Range(1, features).Select(j => $"x{j}").ToArray(), "y", x, y, TaskKind.Regression);
    }
}
