using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Losses;
using LossLab.Numerics;

namespace LossLab.Lab.Performance;

/// <summary>
/// The compute floor of the transcendental loss kernels: <c>floor_exp_log</c> reads the same two arrays as the
/// element-wise kernels and writes one, with one <see cref="VectorMath.Exp"/> and one <see cref="VectorMath.Log"/>
/// per element (g = eᵖ + log(1 + |t|); fully optimised from the first call, like the kernels), the unavoidable work of a softplus or a softmax. <c>bce_with_logits</c> and
/// <c>cross_entropy</c> are measured against it, alternately in the same loop, next to their memory-floor rows.
/// </summary>
internal static class BenchKernels
{
    /// <summary>Losses measured against the compute floor.</summary>
    public static IReadOnlyList<string> TranscendentalLosses { get; } = ["bce_with_logits", "cross_entropy"];

    /// <summary>
    /// The rows <c>floor_exp_log</c>, <c>kernel_{loss}_vs_exp_log</c> (value = the kernel's median time, floor = the
    /// compute floor's median measured alternately with it) and <c>kernel_cross_entropy_probabilities_vs_exp_log</c>
    /// (cross_entropy with N×C soft-label targets on the same logits; its memory floor, read 2 arrays and write 1,
    /// in the note).
    /// </summary>
    public static IEnumerable<BenchResult> Rows(KernelWorkload kernels, int repetitions)
    {
        var rows = new List<BenchResult>();
        double? floorFirst = null;
        foreach (string loss in TranscendentalLosses)
        {
            var (ms, floor) = BenchSuite.MedianPair(() => kernels.Run(loss), kernels.FloorExpLog, repetitions);
            floorFirst ??= floor;
            rows.Add(new BenchResult(
                $"kernel_{loss}_vs_exp_log", ms, "ms", floor, ms / floor,
                $"kernel_{loss} against floor_exp_log measured alternately with it ({kernels.Elements:N0} elements)"));
        }

        rows.Insert(0, new BenchResult(
            "floor_exp_log", floorFirst!.Value, "ms",
            Note: $"one VectorMath exp and one VectorMath log per element on {kernels.Elements:N0} float32 elements (read 2 arrays, write 1): the compute floor of bce_with_logits and cross_entropy"));

        (float[] logits, float[] gradient) = kernels.Buffers;
        float[] soft = SoftLabels(logits.Length / KernelWorkload.Classes, KernelWorkload.Classes);
        ILoss crossEntropy = LossCatalog.Create("cross_entropy", KernelWorkload.Classes);
        void Probabilities() => crossEntropy.Evaluate(logits, soft, gradient);
        var (pms, pfloor) = BenchSuite.MedianPair(Probabilities, kernels.FloorExpLog, repetitions);
        var (pms2, memory) = BenchSuite.MedianPair(Probabilities, kernels.Floor, repetitions);
        rows.Add(new BenchResult(
            "kernel_cross_entropy_probabilities_vs_exp_log", pms, "ms", pfloor, pms / pfloor,
            string.Create(CultureInfo.InvariantCulture, $"value + gradient of cross_entropy with {logits.Length / KernelWorkload.Classes:N0} × {KernelWorkload.Classes} soft-label targets; against the memory floor (read 2 arrays, write 1) measured alternately: {pms2:F3} ms / {memory:F3} ms = {pms2 / memory:F2}")));
        return rows;
    }

    /// <summary>Soft labels: each row a random distribution over the classes (seed 7).</summary>
    private static float[] SoftLabels(int rows, int classes)
    {
        var random = new Random(7);
        float[] t = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = t.AsSpan(r * classes, classes);
            float total = 0;
            for (int k = 0; k < classes; k++)
            {
                row[k] = (float)random.NextDouble();
                total += row[k];
            }

            for (int k = 0; k < classes; k++)
            {
                row[k] = Math.Min(1f, row[k] / total);
            }
        }

        return t;
    }

    /// <summary>g = eᵖ + log(1 + |t|), 8 lanes at a time (the element count is a multiple of 8 in the suite; a tail is done by the scalar functions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExpLog(ReadOnlySpan<float> p, ReadOnlySpan<float> t, Span<float> g)
    {
        int n = Math.Min(p.Length, Math.Min(t.Length, g.Length));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float rp = ref MemoryMarshal.GetReference(p);
            ref float rt = ref MemoryMarshal.GetReference(t);
            ref float rg = ref MemoryMarshal.GetReference(g);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> e = VectorMath.Exp(Vector256.LoadUnsafe(ref rp, (nuint)i));
                Vector256<float> l = VectorMath.Log(Vector256.Abs(Vector256.LoadUnsafe(ref rt, (nuint)i)) + Vector256<float>.One);
                (e + l).StoreUnsafe(ref rg, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            g[i] = MathF.Exp(p[i]) + MathF.Log(1 + MathF.Abs(t[i]));
        }
    }
}
