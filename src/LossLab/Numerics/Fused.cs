using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Losses;

namespace LossLab.Numerics;

/// <summary>An element-wise loss with a Vector256 form: value and derivative for 8 floats at once.</summary>
internal interface IFusedPointwise : IPointwise<float>
{
    /// <summary>Values ℓ(p, t) for 8 lanes; the derivatives ∂ℓ/∂p go to <paramref name="derivative"/>.</summary>
    Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative);
}

/// <summary>
/// The fused single-pass kernel for float32 element-wise losses: reads predictions and targets once, writes the
/// scaled gradient once (when one is wanted), and accumulates the value in double lanes. A tail shorter than a vector is the last 8
/// elements done again as one vector; inputs shorter than a vector, a gradient written over an input, and machines
/// without 256-bit vectors take the scalar operator for it.
/// </summary>
internal static class Fused
{
    /// <summary>Whether the fused path applies: float32 and no per-item values (with or without a gradient).</summary>
    public static bool Applies<T>(Span<T> values) => typeof(T) == typeof(float) && values.IsEmpty;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run<T, TOp>(TOp op, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> gradient, Reduction reduction)
        where T : unmanaged
        where TOp : struct, IFusedPointwise
    {
        ReadOnlySpan<float> p = MemoryMarshal.Cast<T, float>(predictions);
        ReadOnlySpan<float> t = MemoryMarshal.Cast<T, float>(targets)[..p.Length];
        bool store = !gradient.IsEmpty;
        Span<float> g = store ? MemoryMarshal.Cast<T, float>(gradient)[..p.Length] : default;
        int n = p.Length;
        float scale = reduction == Reduction.Mean ? 1f / n : 1f;
        double sum = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            ref float rp = ref MemoryMarshal.GetReference(p);
            ref float rt = ref MemoryMarshal.GetReference(t);
            ref float rg = ref MemoryMarshal.GetReference(g);
            // Decided before the loop: a call made while the accumulators are live would keep them on the stack.
            bool overlapTail = n % Vector256<float>.Count != 0 && (!store || (!g.Overlaps(p) && !g.Overlaps(t)));
            Vector256<float> vscale = Vector256.Create(scale);
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            int last = n - Vector256<float>.Count;
            for (; i <= last; i += Vector256<float>.Count)
            {
                Vector256<float> v = op.Evaluate(Vector256.LoadUnsafe(ref rp, (nuint)i), Vector256.LoadUnsafe(ref rt, (nuint)i), out Vector256<float> d);
                if (store)
                {
                    (d * vscale).StoreUnsafe(ref rg, (nuint)i);
                }

                acc0 += Vector256.WidenLower(v);
                acc1 += Vector256.WidenUpper(v);
            }

            if (i < n && overlapTail)
            {
                // The last 8 elements as one vector: the lanes already done are written again with the same bits,
                // and their values are masked out of the sum (not when the gradient overwrites an input in place).
                int start = n - Vector256<float>.Count;
                Vector256<float> v = op.Evaluate(Vector256.LoadUnsafe(ref rp, (nuint)start), Vector256.LoadUnsafe(ref rt, (nuint)start), out Vector256<float> d);
                if (store)
                {
                    (d * vscale).StoreUnsafe(ref rg, (nuint)start);
                }

                Vector256<int> lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
                v = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(lane, Vector256.Create(i - start)).AsSingle(), v, Vector256<float>.Zero);
                acc0 += Vector256.WidenLower(v);
                acc1 += Vector256.WidenUpper(v);
                i = n;
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            float v = op.Evaluate(p[i], t[i], out float d);
            if (store)
            {
                g[i] = d * scale;
            }

            sum += v;
        }

        return reduction == Reduction.Mean ? sum / n : sum;
    }

    /// <summary>
    /// Many models on the same targets, one model per float lane: <paramref name="predictions"/> is rows × stride,
    /// model k in column k (stride a multiple of 8); values[k] = Σ_n ℓ(p[n, k], y_n)/rows in double lanes and
    /// gradient[n, k] = ℓ′(p[n, k], y_n)·(1/rows), the same bits as the single-model kernel's mean gradient. Columns
    /// from <paramref name="models"/> to the stride are computed and their values dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunModels<TOp>(TOp op, ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        where TOp : struct, IFusedPointwise
    {
        int rows = targets.Length;
        int stride = ModelStride(models);
        if (predictions.Length < rows * stride || gradient.Length < rows * stride || values.Length < models)
        {
            throw new ArgumentException($"{models} models on {rows} rows need predictions and gradient of {rows * stride} (rows × {stride}) and {models} values");
        }

        float scale = 1f / rows;
        if (!Vector256.IsHardwareAccelerated)
        {
            for (int k = 0; k < models; k++)
            {
                double sum = 0;
                for (int n = 0; n < rows; n++)
                {
                    int at = (n * stride) + k;
                    sum += op.Evaluate(predictions[at], targets[n], out float d);
                    gradient[at] = d * scale;
                }

                values[k] = sum / rows;
            }

            return;
        }

        ref float rp = ref MemoryMarshal.GetReference(predictions);
        ref float rg = ref MemoryMarshal.GetReference(gradient);
        Vector256<float> vscale = Vector256.Create(scale);
        for (int group = 0; group < stride; group += Vector256<float>.Count)
        {
            Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
            for (int n = 0; n < rows; n++)
            {
                nuint at = (nuint)((n * stride) + group);
                Vector256<float> v = op.Evaluate(Vector256.LoadUnsafe(ref rp, at), Vector256.Create(targets[n]), out Vector256<float> d);
                (d * vscale).StoreUnsafe(ref rg, at);
                acc0 += Vector256.WidenLower(v);
                acc1 += Vector256.WidenUpper(v);
            }

            for (int lane = 0; lane < Vector256<float>.Count && group + lane < models; lane++)
            {
                values[group + lane] = (lane < 4 ? acc0[lane] : acc1[lane - 4]) / rows;
            }
        }
    }

    /// <summary>Columns per row for <paramref name="models"/> models: the count rounded up to a multiple of 8 lanes.</summary>
    public static int ModelStride(int models) => (models + 7) / 8 * 8;
}
