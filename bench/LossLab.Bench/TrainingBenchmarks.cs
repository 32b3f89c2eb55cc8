using BenchmarkDotNet.Attributes;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Performance;
using LossLab.Losses;
using LossLab.Models;

namespace LossLab.Bench;

/// <summary>
/// One training step (forward, loss, backward, update) of <c>linear</c> on the guide's data (n = 100, full batch,
/// sgd), of an <c>mlp</c> 16→64→64→1 (batch 256 of 4,096 rows, adam) and of the <c>mlp</c>s 784→H→H→1 for H = 256 and
/// 1024 (batch 256 of 2,048 rows, adam; their products packed and split over two threads); the memory diagnoser reports
/// the bytes a steady-state step allocates (0 expected).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class TrainingStepBenchmarks
{
    private TrainingStepWorkload _linear = null!;
    private TrainingStepWorkload _mlp = null!;
    private TrainingStepWorkload _mlp256 = null!;
    private TrainingStepWorkload _mlp1024 = null!;

    [GlobalSetup]
    public void Setup()
    {
        _linear = new TrainingStepWorkload(new LinearModel(1, 1), new Mse(), Builtins.Load("builtin:seed"), 0, "sgd:lr=0.01");
        _mlp = new TrainingStepWorkload(new Mlp(16, [64, 64], 1), new Mse(), BenchSuite.Generate(4096, 16, 3), 256, "adam:lr=0.001");
        Dataset wide = BenchSuite.Generate(2048, 784, 11);
        _mlp256 = new TrainingStepWorkload(new Mlp(784, [256, 256], 1), new Mse(), wide, 256, "adam:lr=0.001");
        _mlp1024 = new TrainingStepWorkload(new Mlp(784, [1024, 1024], 1), new Mse(), wide, 256, "adam:lr=0.001");
    }

    [Benchmark(Description = "linear step, n = 100")]
    public void LinearStep() => _linear.Steps(1);

    [Benchmark(Description = "mlp 64/64 step, batch 256")]
    public void MlpStep() => _mlp.Steps(1);

    [Benchmark(Description = "mlp 784-256-256-1 step, batch 256")]
    public void Mlp256Step() => _mlp256.Steps(1);

    [Benchmark(Description = "mlp 784-1024-1024-1 step, batch 256")]
    public void Mlp1024Step() => _mlp1024.Steps(1);
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
