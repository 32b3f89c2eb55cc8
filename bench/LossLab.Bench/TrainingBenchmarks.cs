using BenchmarkDotNet.Attributes;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Performance;
using LossLab.Losses;
using LossLab.Models;

namespace LossLab.Bench;

/// <summary>
/// One training step (forward, loss, backward, update) of <c>linear</c> on the guide's data (n = 100, full batch,
/// sgd) and of an <c>mlp</c> 16→64→64→1 (batch 256 of 4,096 rows, adam); the memory diagnoser reports the bytes a
/// steady-state step allocates (0 expected).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class TrainingStepBenchmarks
{
    private TrainingStepWorkload _linear = null!;
    private TrainingStepWorkload _mlp = null!;

    [GlobalSetup]
    public void Setup()
    {
        _linear = new TrainingStepWorkload(new LinearModel(1, 1), new Mse(), Builtins.Load("builtin:seed"), 0, "sgd:lr=0.01");
        _mlp = new TrainingStepWorkload(new Mlp(16, [64, 64], 1), new Mse(), BenchSuite.Generate(4096, 16, 3), 256, "adam:lr=0.001");
    }

    [Benchmark(Description = "linear step, n = 100")]
    public void LinearStep() => _linear.Steps(1);

    [Benchmark(Description = "mlp 64/64 step, batch 256")]
    public void MlpStep() => _mlp.Steps(1);
}

/// <summary>The 1,000-configuration sweep (5 losses × 5 optimizers × 8 learning rates × 5 seeds, 100 epochs, n = 100) on 1 and 2 threads.</summary>
[SimpleJob(warmupCount: 6, iterationCount: 10)]
public class SweepBenchmarks
{
    private Dataset _data = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _data = Builtins.Load("builtin:seed");

    [Benchmark(Description = "1,000 configurations")]
    public SweepOutcome[] Thousand() => Sweep.Run(_data, BenchSuite.ThousandGrid, 100, Threads);
}
