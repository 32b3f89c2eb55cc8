using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossLab.Numerics;

/// <summary>
/// Blocked float32 softmax cross-entropy for class-index targets: per block of rows, the row maxima and the shifted
/// logits are computed with 256-bit vectors, the exponentials and logarithms with <see cref="VectorMath"/>
/// over the whole block, and the gradient softmax − onehot is written once. Value sums are kept in double.
/// Uses one pooled scratch buffer, so a call allocates nothing in steady state.
/// </summary>
internal static class FusedSoftmax
{
    private const int BlockRows = 512;

    /// <summary>
    /// Σ over non-ignored rows of logsumexp(x_n) − x_n[y_n]; the gradient (softmax − onehot)·<paramref name="scale"/>
    /// (zero rows where the target is <paramref name="ignoreIndex"/>). Targets must already be validated.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes, int ignoreIndex, Span<float> gradient, float scale)
    {
        int rows = targets.Length;
        int c = classes;
        float[] scratch = ArrayPool<float>.Shared.Rent(BlockRows * c);
        Span<float> maxima = stackalloc float[BlockRows];
        Span<float> sums = stackalloc float[BlockRows];
        double total = 0;
        try
        {
            for (int start = 0; start < rows; start += BlockRows)
            {
                int count = Math.Min(BlockRows, rows - start);
                ReadOnlySpan<float> x = logits.Slice(start * c, count * c);
                Span<float> e = scratch.AsSpan(0, count * c);
                Span<float> g = gradient.Slice(start * c, count * c);

                for (int r = 0; r < count; r++)
                {
                    maxima[r] = ShiftByMax(x.Slice(r * c, c), e.Slice(r * c, c));
                }

                ExpInPlace(e);
                for (int r = 0; r < count; r++)
                {
                    sums[r] = RowSum(e.Slice(r * c, c));
                }

                // e now holds exp(x − max); turn the sums into log-sums for the values below.
                Span<float> logSums = sums[..count];
                for (int r = 0; r < count; r++)
                {
                    int y = (int)targets[start + r];
                    Span<float> gRow = g.Slice(r * c, c);
                    if (y == ignoreIndex)
                    {
                        gRow.Clear();
                        continue;
                    }

                    ScaleRow(e.Slice(r * c, c), scale / sums[r], gRow);
                    gRow[y] -= scale;
                }

                LogInPlace(logSums);
                for (int r = 0; r < count; r++)
                {
                    int y = (int)targets[start + r];
                    if (y != ignoreIndex)
                    {
                        total += (double)maxima[r] + logSums[r] - x[(r * c) + y];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }

        return total;
    }

    private static void ExpInPlace(Span<float> values) => InPlace<ExpOp>(values);

    private static void LogInPlace(Span<float> values) => InPlace<LogOp>(values);

    /// <summary>Applies a unary function to every value: 8 lanes at a time, then the scalar tail.</summary>
    private static void InPlace<TOp>(Span<float> values)
        where TOp : struct, IUnary
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float r = ref MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Apply(Vector256.LoadUnsafe(ref r, (nuint)i)).StoreUnsafe(ref r, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = TOp.Apply(values[i]);
        }
    }

    private interface IUnary
    {
        static abstract Vector256<float> Apply(Vector256<float> x);

        static abstract float Apply(float x);
    }

    private readonly struct ExpOp : IUnary
    {
        public static Vector256<float> Apply(Vector256<float> x) => VectorMath.ExpNonPositive(x);

        public static float Apply(float x) => MathF.Exp(x);
    }

    private readonly struct LogOp : IUnary
    {
        public static Vector256<float> Apply(Vector256<float> x) => VectorMath.Log(x);

        public static float Apply(float x) => MathF.Log(x);
    }

    /// <summary>destination = source·factor for one row (vectors overlap at the end; each lane is written from the source).</summary>
    private static void ScaleRow(ReadOnlySpan<float> source, float factor, Span<float> destination)
    {
        int c = source.Length;
        if (!Vector256.IsHardwareAccelerated || c < Vector256<float>.Count)
        {
            for (int k = 0; k < c; k++)
            {
                destination[k] = source[k] * factor;
            }

            return;
        }

        ref float rs = ref MemoryMarshal.GetReference(source);
        ref float rd = ref MemoryMarshal.GetReference(destination);
        Vector256<float> f = Vector256.Create(factor);
        int tail = c - Vector256<float>.Count;
        for (int k = 0; k < tail; k += Vector256<float>.Count)
        {
            (Vector256.LoadUnsafe(ref rs, (nuint)k) * f).StoreUnsafe(ref rd, (nuint)k);
        }

        (Vector256.LoadUnsafe(ref rs, (nuint)tail) * f).StoreUnsafe(ref rd, (nuint)tail);
    }

    /// <summary>Writes row − max(row) to <paramref name="shifted"/> and returns the maximum.</summary>
    private static float ShiftByMax(ReadOnlySpan<float> row, Span<float> shifted)
    {
        int c = row.Length;
        if (!Vector256.IsHardwareAccelerated || c < Vector256<float>.Count)
        {
            float m = row[0];
            for (int k = 1; k < c; k++)
            {
                m = MathF.Max(m, row[k]);
            }

            for (int k = 0; k < c; k++)
            {
                shifted[k] = row[k] - m;
            }

            return m;
        }

        ref float rx = ref MemoryMarshal.GetReference(row);
        ref float rs = ref MemoryMarshal.GetReference(shifted);
        int tail = c - Vector256<float>.Count;
        Vector256<float> vmax = Vector256.LoadUnsafe(ref rx, (nuint)tail);
        for (int k = 0; k < tail; k += Vector256<float>.Count)
        {
            vmax = Vector256.Max(vmax, Vector256.LoadUnsafe(ref rx, (nuint)k));
        }

        float max = HorizontalMax(vmax);
        Vector256<float> vm = Vector256.Create(max);
        for (int k = 0; k < tail; k += Vector256<float>.Count)
        {
            (Vector256.LoadUnsafe(ref rx, (nuint)k) - vm).StoreUnsafe(ref rs, (nuint)k);
        }

        // The last vector overlaps the previous one; it writes the same values again.
        (Vector256.LoadUnsafe(ref rx, (nuint)tail) - vm).StoreUnsafe(ref rs, (nuint)tail);
        return max;
    }

    private static float RowSum(ReadOnlySpan<float> row)
    {
        int c = row.Length;
        if (!Vector256.IsHardwareAccelerated || c < Vector256<float>.Count)
        {
            float s = 0;
            for (int k = 0; k < c; k++)
            {
                s += row[k];
            }

            return s;
        }

        ref float rx = ref MemoryMarshal.GetReference(row);
        Vector256<float> acc = Vector256<float>.Zero;
        int k0 = 0;
        for (; k0 <= c - Vector256<float>.Count; k0 += Vector256<float>.Count)
        {
            acc += Vector256.LoadUnsafe(ref rx, (nuint)k0);
        }

        float sum = Vector256.Sum(acc);
        for (; k0 < c; k0++)
        {
            sum += row[k0];
        }

        return sum;
    }

    private static float HorizontalMax(Vector256<float> v)
    {
        Vector128<float> m = Vector128.Max(v.GetLower(), v.GetUpper());
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(2, 3, 0, 1)));
        m = Vector128.Max(m, Vector128.Shuffle(m, Vector128.Create(1, 0, 3, 2)));
        return m.ToScalar();
    }
}
