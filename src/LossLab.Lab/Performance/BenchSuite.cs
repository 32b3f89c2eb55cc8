using LossLab.Lab.Advice;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Performance;

/// <summary>One measurement of the suite.</summary>
/// <param name="Name">What was measured.</param>
/// <param name="Value">The measured value.</param>
/// <param name="Unit">Its unit (ms, µs, configs/s, B/step, ×, s).</param>
/// <param name="Floor">The physical floor in the same unit, when there is one.</param>
/// <param name="RatioToFloor">Value / floor.</param>
/// <param name="Note">What the workload is.</param>
public sealed record BenchResult(string Name, double Value, string Unit, double? Floor = null, double? RatioToFloor = null, string? Note = null);

/// <summary>The suite's results and the machine they were measured on.</summary>
/// <param name="Machine">Processor, cores, runtime, vector width.</param>
/// <param name="Quick">Whether the quick (smaller) workloads were run.</param>
/// <param name="Results">The measurements.</param>
public sealed record BenchReport(string Machine, bool Quick, IReadOnlyList<BenchResult> Results);

/// <summary>
/// LossLab's performance suite: loss value+gradient kernels next to the memory floor, one training step of
/// <c>linear</c> (the guide's data, n = 100) and of an <c>mlp</c> 64/64 (batch 256), the bytes a steady-state step
/// allocates, sweep throughput on 1 and 2 threads (the demo grid and a 1,000-configuration grid) and a
/// <c>compare</c> on 100,000 × 20. Every time is the median of several repetitions after a warm-up.
/// </summary>
public static class BenchSuite
{
    /// <summary>Losses of the kernel measurements.</summary>
    public static IReadOnlyList<string> KernelLosses { get; } = ["mse", "l1", "huber", "bce_with_logits", "cross_entropy"];

    /// <summary>The 1,000-configuration grid: 5 losses × 5 optimizers × 8 learning rates × 5 seeds.</summary>
    public static IReadOnlyList<SweepConfig> ThousandGrid { get; } = Sweep.Grid(
        ["mse", "l1", "huber", "smooth_l1", "log_cosh"],
        ["sgd", "sgd:momentum=0.9", "adam", "rmsprop", "adagrad"],
        [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3],
        5);

    /// <summary>Runs the suite; <paramref name="quick"/> uses smaller workloads and fewer repetitions (about 15 s).</summary>
    public static BenchReport Run(bool quick, Action<string>? progress = null, CancellationToken cancellation = default)
    {
        var results = new List<BenchResult>();
        void Add(BenchResult r)
        {
            results.Add(r);
            progress?.Invoke(r.Name);
            cancellation.ThrowIfCancellationRequested();
        }

        int repetitions = quick ? 5 : 15;
        var kernels = new KernelWorkload(quick ? 1_000_000 : 10_000_000);
        foreach (string loss in KernelLosses)
        {
            // Loss and floor alternate within one loop, so that drift of the machine's memory speed hits both alike.
            var (ms, floor) = MedianPair(() => kernels.Run(loss), kernels.FloorOf(loss), repetitions);
            Add(new BenchResult($"kernel_{loss}", ms, "ms", floor, ms / floor, $"value + gradient on {kernels.Elements:N0} float32 elements; floor = {(loss == "cross_entropy" ? "copy of the logits" : "read 2 arrays, write 1")}"));
        }

        BenchKernels.Rows(kernels, repetitions).ToList().ForEach(Add);

        Dataset seed = Builtins.Load("builtin:seed");
        var linear = new TrainingStepWorkload(new LinearModel(1, 1), new Mse(), seed, 0, "sgd:lr=0.01");
        Add(new BenchResult("linear_step", linear.MicrosecondsPerStep(quick ? 2_000 : 20_000, repetitions), "µs", Note: "linear, mse, sgd, full batch of the guide's data (n = 100): forward, loss, backward, update"));
        Add(new BenchResult("linear_step_alloc", linear.BytesPerStep(10_000), "B/step", Note: "bytes allocated per steady-state step"));

        Dataset wide = Generate(4096, 16, 3);
        var mlp = new TrainingStepWorkload(new Mlp(16, [64, 64], 1), new Mse(), wide, 256, "adam:lr=0.001");
        double mlpStep = mlp.MicrosecondsPerStep(quick ? 32 : 160, repetitions);
        Add(new BenchResult("mlp_step", mlpStep, "µs", Note: "mlp 16→64→64→1 relu, mse, adam, batch 256 (shuffled rows copied in)"));
        Add(new BenchResult("mlp_epoch", mlpStep * 16 / 1000, "ms", Note: "16 steps of batch 256 over 4,096 × 16"));
        Add(new BenchResult("mlp_step_alloc", mlp.BytesPerStep(64), "B/step", Note: "bytes allocated per steady-state step"));
        BenchGemm.AddRows(quick, repetitions, Add);

        IReadOnlyList<SweepConfig> grid = quick ? [.. ThousandGrid.Where((_, i) => i % 4 == 0)] : ThousandGrid;
        var clock = Stopwatch.StartNew();
        _ = Demo.Run(7, cancellation);
        Add(new BenchResult("sweep_demo", clock.Elapsed.TotalSeconds, "s", Note: "losslab demo: 3 scenarios × 3 losses × 5 optimizers × learning-rate search, with paths and curves"));
        Sweep.Run(seed, grid, 100, 2, cancellation);
        double one = MedianSeconds(() => Sweep.Run(seed, grid, 100, 1, cancellation), quick ? 1 : 3, out SweepOutcome[] serial);
        double two = MedianSeconds(() => Sweep.Run(seed, grid, 100, 2, cancellation), quick ? 1 : 3, out SweepOutcome[] parallel);
        bool same = serial.Zip(parallel).All(p => p.First.FinalLoss.Equals(p.Second.FinalLoss) && p.First.Parameters.AsSpan().SequenceEqual(p.Second.Parameters));
        string what = $"{grid.Count:N0} configurations (losses × optimizers × learning rates × seeds), 100 full-batch epochs on n = 100";
        Add(new BenchResult("sweep_1000_1_thread", grid.Count / one, "configs/s", Note: what + $"; {one:F3} s"));
        Add(new BenchResult("sweep_1000_2_threads", grid.Count / two, "configs/s", Note: what + $"; {two:F3} s"));
        Add(new BenchResult("sweep_speedup_2_vs_1", one / two, "×", Note: same ? "results identical on 1 and 2 threads" : "RESULTS DIFFER between 1 and 2 threads"));
        Add(new BenchResult("machine_2_thread_ceiling", TwoThreadCeiling(quick ? 3 : 5), "×", Note: "2-thread speedup of the same vectorised multiply-add loop run on each thread (L1-resident): what 2 threads can give on this machine"));

        int rows = quick ? 10_000 : 100_000;
        Dataset big = Generate(rows, 20, 1);
        var settings = new CompareSettings
        {
            Losses = ["mse", "l1", "huber"],
            Optimizers = ["sgd", "sgd:momentum=0.9", "adam", "rmsprop", "adagrad"],
            LearningRates = [0.01],
            Folds = 3,
            Repeats = 1,
            Epochs = 50,
        };
        clock.Restart();
        _ = Compare.Run(big, settings, null, cancellation);
        Add(new BenchResult("compare_100k_x20", clock.Elapsed.TotalSeconds, "s", Note: $"compare on {rows:N0} × 20: 3 losses × 5 optimizers × 3 folds (one repeat), one rate (lr 0.01: nothing to tune, so no inner run), 50 epochs, batch 256, {Environment.ProcessorCount} threads"));

        int adviseRows = quick ? 100_000 : 1_000_000;
        Dataset tall = Generate(adviseRows, 10, 5);
        clock.Restart();
        AdviceResult advice = Advise.Run(tall, null, null, null, cancellation);
        Add(new BenchResult(quick ? "advise_100k_x10" : "advise_1m_x10", clock.Elapsed.TotalSeconds, "s", Note: $"losslab advise on {adviseRows:N0} × 10 in memory: diagnosis (MM fit, leverage, variance tests), recommendation, verification ({advice.Run?.Plan.Describe()}, nested learning-rate tuning); target under 60 s"));
        foreach (BenchResult csv in BenchCsv.Run(quick, repetitions))
        {
            Add(csv);
        }

        return new BenchReport(Machine(), quick, results);
    }

    /// <summary>The processor model, core count, runtime and vector width.</summary>
    public static string Machine()
    {
        string cpu = "unknown processor";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return string.Create(CultureInfo.InvariantCulture, $"{cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, Vector<float> {System.Numerics.Vector<float>.Count} lanes");
    }

    /// <summary>A regression set x ~ U(−1, 1)^d, y = 0.5 + Σ sin(j+1)·x_j + small noise.</summary>
    public static Dataset Generate(int rows, int features, int seed)
    {
        var random = new Random(seed);
        float[] x = new float[rows * features];
        float[] y = new float[rows];
        double[] beta = [.. Enumerable.Range(0, features).Select(j => Math.Sin(j + 1))];
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

        return new Dataset("generated", [.. Enumerable.Range(1, features).Select(j => $"x{j}")], "y", x, y, TaskKind.Regression);
    }

    /// <summary>The median time of <paramref name="action"/> in milliseconds after 2 warm-up calls.</summary>
    public static double Median(Action action, int repetitions)
    {
        ArgumentNullException.ThrowIfNull(action);
        for (int i = 0; i < 2; i++)
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

    /// <summary>Median times in milliseconds of two actions measured alternately.</summary>
    public static (double First, double Second) MedianPair(Action first, Action second, int repetitions)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        for (int i = 0; i < 2; i++)
        {
            first();
            second();
        }

        double[] a = new double[repetitions], b = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            first();
            a[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            second();
            b[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(a);
        Array.Sort(b);
        return (a[repetitions / 2], b[repetitions / 2]);
    }

    /// <summary>
    /// The speedup of running a compute-bound vector loop on two threads at once against one: 2 on two full cores,
    /// near 1 when the two logical processors share one core's vector units.
    /// </summary>
    public static double TwoThreadCeiling(int repetitions)
    {
        static void Work()
        {
            float[] a = new float[2048], b = new float[2048], c = new float[2048];
            a.AsSpan().Fill(1e-3f);
            b.AsSpan().Fill(1.0001f);
            for (int r = 0; r < 20_000; r++)
            {
                TensorPrimitives.FusedMultiplyAdd(a, b, c, c);
            }
        }

        Work();
        double[] ratios = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Work();
            double one = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = 2 }, Work, Work);
            ratios[i] = 2 * one / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(ratios);
        return ratios[repetitions / 2];
    }

    private static double MedianSeconds(Func<SweepOutcome[]> run, int repetitions, out SweepOutcome[] last)
    {
        double[] times = new double[repetitions];
        last = [];
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            last = run();
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        Array.Sort(times);
        return times[repetitions / 2];
    }
}

/// <summary>Training steps of one model on one data set with the buffers made up front (what the trainer's inner loop does).</summary>
public sealed class TrainingStepWorkload
{
    private readonly TrainingObjective _objective;
    private readonly Optimizer _optimizer;
    private readonly float[] _theta;
    private readonly float[] _gradient;
    private readonly float[] _x;
    private readonly float[] _y;
    private readonly float[] _batchX;
    private readonly float[] _batchY;
    private readonly int[] _order;
    private readonly int _batch;
    private readonly Dataset _data;
    private readonly Random _random = new(5);
    private int _cursor;

    /// <summary>Prepares the model, the loss, the optimizer, the batch buffers and the initial parameters (seed 1).</summary>
    public TrainingStepWorkload(Model model, ILoss loss, Dataset data, int batch, string optimizer)
    {
        _data = data;
        _batch = batch <= 0 || batch >= data.Rows ? data.Rows : batch;
        _objective = new TrainingObjective(model, loss, TaskKind.Regression, _batch);
        _optimizer = new Optimizer(OptimizerCatalog.Create(optimizer).Transform!, model.ParameterCount);
        _theta = new float[model.ParameterCount];
        model.Initialize(_theta, Init.Default, new Random(1));
        _gradient = new float[model.ParameterCount];
        _x = data.Features;
        _y = _objective.EncodeTargets(data.Targets);
        _batchX = _batch == data.Rows ? _x : new float[_batch * data.Columns];
        _batchY = _batch == data.Rows ? _y : new float[_batch];
        _order = [.. Enumerable.Range(0, data.Rows)];
    }

    /// <summary>Median microseconds per step over <paramref name="repetitions"/> runs of <paramref name="steps"/> steps.</summary>
    public double MicrosecondsPerStep(int steps, int repetitions)
        => BenchSuite.Median(() => Steps(steps), repetitions) * 1000 / steps;

    /// <summary>Bytes allocated per step over <paramref name="steps"/> steps after as many warm-up steps.</summary>
    public double BytesPerStep(int steps)
    {
        Steps(steps);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Steps(steps);
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)steps;
    }

    /// <summary>Runs <paramref name="steps"/> steps: copy the next shuffled batch in (mini-batch only), evaluate the loss and its gradient, update.</summary>
    public void Steps(int steps)
    {
        int d = _data.Columns;
        for (int s = 0; s < steps; s++)
        {
            if (_batch != _data.Rows)
            {
                if (_cursor + _batch > _data.Rows)
                {
                    _random.Shuffle(_order);
                    _cursor = 0;
                }

                for (int i = 0; i < _batch; i++)
                {
                    int row = _order[_cursor + i];
                    _x.AsSpan(row * d, d).CopyTo(_batchX.AsSpan(i * d, d));
                    _batchY[i] = _y[row];
                }

                _cursor += _batch;
            }

            _objective.Evaluate(_theta, _batchX, _batchY, _batch, _gradient);
            _optimizer.Step(_theta, _gradient);
        }
    }
}

/// <summary>The arrays of the kernel measurements: predictions, targets (real, binary, class indices) and the gradient.</summary>
public sealed class KernelWorkload
{
    /// <summary>Classes of the cross-entropy workload.</summary>
    public const int Classes = 10;

    private readonly Dictionary<string, ILoss> _losses = new(StringComparer.Ordinal)
    {
        ["mse"] = new Mse(),
        ["l1"] = new L1(),
        ["huber"] = new Huber(),
        ["bce_with_logits"] = LossCatalog.Create("bce_with_logits"),
        ["cross_entropy"] = LossCatalog.Create("cross_entropy", Classes),
    };

    private readonly float[] _predictions;
    private readonly float[] _targets;
    private readonly float[] _binaryTargets;
    private readonly float[] _classTargets;
    private readonly float[] _gradient;

    /// <summary>Creates the arrays of <paramref name="elements"/> values (a multiple of <see cref="Classes"/>).</summary>
    public KernelWorkload(int elements)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elements, Classes);
        Elements = elements / Classes * Classes;
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

    /// <summary>Elements per array.</summary>
    public int Elements { get; }

    /// <summary>The predictions (logits) and the gradient buffer, for the rows of <see cref="BenchKernels"/>.</summary>
    internal (float[] Predictions, float[] Gradient) Buffers => (_predictions, _gradient);

    /// <summary>The floor of the element-wise losses: read two arrays, write one, one add per element.</summary>
    public void Floor() => TensorPrimitives.Add(_predictions, _targets, _gradient);

    /// <summary>The compute floor of the transcendental losses: one vector exp and one vector log per element over the same arrays.</summary>
    public void FloorExpLog() => BenchKernels.ExpLog(_predictions, _targets, _gradient);

    /// <summary>The floor of cross-entropy: a copy of the logits into the gradient.</summary>
    public void FloorCopy() => _predictions.AsSpan().CopyTo(_gradient);

    /// <summary>Value and gradient of <paramref name="loss"/> (mean reduction).</summary>
    public double Run(string loss) => loss switch
    {
        "bce_with_logits" => _losses[loss].Evaluate(_predictions, _binaryTargets, _gradient),
        "cross_entropy" => _losses[loss].Evaluate(_predictions, _classTargets, _gradient),
        _ => _losses[loss].Evaluate(_predictions, _targets, _gradient),
    };

    /// <summary>The floor that moves the same bytes as <paramref name="loss"/>.</summary>
    public Action FloorOf(string loss) => loss == "cross_entropy" ? FloorCopy : Floor;
}
