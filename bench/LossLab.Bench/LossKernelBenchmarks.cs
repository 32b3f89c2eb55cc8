using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using LossLab.Losses;

namespace LossLab.Bench;

/// <summary>
/// Value + gradient of the hot losses on 10 million float32 elements, next to the memory floor: an operation
/// that moves exactly the same bytes (reads predictions and targets, writes the gradient) with one add per element.
/// For cross_entropy (1M rows × 10 classes) the floor is a copy of the logits into the gradient.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
public class LossKernelBenchmarks
{
    private readonly KernelWorkload _work = new();

    [GlobalSetup]
    public void Setup() => _work.Prepare();

    [Benchmark(Baseline = true, Description = "floor: read 2 × 40 MB, write 40 MB")]
    public void Floor() => _work.Floor();

    [Benchmark(Description = "floor: copy 40 MB logits (cross_entropy)")]
    public void FloorCopy() => _work.FloorCopy();

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

/// <summary>The arrays and operations shared by the BenchmarkDotNet suite and the quick ratio table.</summary>
public sealed class KernelWorkload
{
    public const int Elements = 10_000_000;
    public const int Classes = 10;

    private readonly Dictionary<string, ILoss> _losses = new()
    {
        ["mse"] = new Mse(),
        ["l1"] = new L1(),
        ["huber"] = new Huber(),
        ["bce_with_logits"] = LossCatalog.Create("bce_with_logits"),
        ["cross_entropy"] = LossCatalog.Create("cross_entropy", Classes),
    };

    private float[] _predictions = [];
    private float[] _targets = [];
    private float[] _binaryTargets = [];
    private float[] _classTargets = [];
    private float[] _gradient = [];

    public static IReadOnlyList<string> Losses { get; } = ["mse", "l1", "huber", "bce_with_logits", "cross_entropy"];

    public void Prepare()
    {
        var random = new Random(42);
        _predictions = new float[Elements];
        _targets = new float[Elements];
        _binaryTargets = new float[Elements];
        _gradient = new float[Elements];
        _classTargets = new float[Elements / Classes];
        for (int i = 0; i < Elements; i++)
        {
            _predictions[i] = (float)((random.NextDouble() * 6) - 3);
            _targets[i] = (float)((random.NextDouble() * 6) - 3);
            _binaryTargets[i] = random.Next(2);
        }

        for (int i = 0; i < _classTargets.Length; i++)
        {
            _classTargets[i] = random.Next(Classes);
        }
    }

    public void Floor() => TensorPrimitives.Add(_predictions, _targets, _gradient);

    public void FloorCopy() => _predictions.AsSpan().CopyTo(_gradient);

    public double Run(string loss) => loss switch
    {
        "bce_with_logits" => _losses[loss].Evaluate(_predictions, _binaryTargets, _gradient),
        "cross_entropy" => _losses[loss].Evaluate(_predictions, _classTargets, _gradient),
        _ => _losses[loss].Evaluate(_predictions, _targets, _gradient),
    };

    public Action FloorOf(string loss) => loss == "cross_entropy" ? FloorCopy : Floor;
}
