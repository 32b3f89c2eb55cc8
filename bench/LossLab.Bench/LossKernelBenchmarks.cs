using BenchmarkDotNet.Attributes;
using LossLab.Lab.Performance;

namespace LossLab.Bench;

/// <summary>
/// Value + gradient of the hot losses on 10 million float32 elements, next to the memory floor: an operation
/// that moves exactly the same bytes (reads predictions and targets, writes the gradient) with one add per element.
/// For cross_entropy (1M rows × 10 classes) the floor is a copy of the logits into the gradient. bce_with_logits and
/// cross_entropy are compute-bound: their yardstick is floor_exp_log, one vector exp and one vector log per element.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class LossKernelBenchmarks
{
    private KernelWorkload _work = null!;

    [GlobalSetup]
    public void Setup() => _work = new KernelWorkload(10_000_000);

    [Benchmark(Baseline = true, Description = "floor: read 2 × 40 MB, write 40 MB")]
    public void Floor() => _work.Floor();

    [Benchmark(Description = "floor: copy 40 MB logits (cross_entropy)")]
    public void FloorCopy() => _work.FloorCopy();

    [Benchmark(Description = "floor_exp_log: one VectorMath exp and one log per element (compute floor of bce_with_logits and cross_entropy)")]
    public void FloorExpLog() => _work.FloorExpLog();

    [Benchmark]
    public double Mse() => _work.Run("mse");

    [Benchmark]
    public double L1() => _work.Run("l1");

    [Benchmark]
    public double Huber() => _work.Run("huber");

    [Benchmark]
    public double BceWithLogits() => _work.Run("bce_with_logits");

    [Benchmark]
    public double CrossEntropy() => _work.Run("cross_entropy");
}
