using Stopwatch = System.Diagnostics.Stopwatch;
using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;

namespace LossLab.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/LossLab.Bench -- advise [rows] [features]</c>: the time of
/// <c>losslab advise</c> on a generated regression set (default 1,000,000 × 10): the diagnosis alone, then the whole
/// advice (diagnosis, recommendation and the verification with its nested learning-rate tuning).
/// </summary>
internal static class AdviseBenchmark
{
    public static void Run(int rows, int features)
    {
        Dataset data = LossLab.Lab.Performance.BenchSuite.Generate(rows, features, 5);
        Console.WriteLine($"advise on {rows:N0} × {features}, {Environment.ProcessorCount} threads");
        var clock = Stopwatch.StartNew();
        DataDiagnostics d = LossLab.Lab.Advice.Diagnostics.Analyze(data);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  diagnosis            {clock.Elapsed.TotalSeconds,7:F1} s  (target {d.TargetKind}, robust scale {d.RobustScale:G4})"));
        clock.Restart();
        AdviceResult r = Advise.Run(data, null);
        clock.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  advise (everything)  {clock.Elapsed.TotalSeconds,7:F1} s  ({r.Run?.Plan.Describe()}; {r.Recommendation.Loss} + {r.Recommendation.Optimizer}; {r.Verdict.Split(':')[0]})"));
    }
}
