using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>The largest class count of the lanes-are-rows kernel (its index tables are 8·C integers on the stack).</summary>
    private const int MaxLaneClasses = 64;

    /// <summary>
    /// Σ over non-ignored rows of logsumexp(x_n) − x_n[y_n]; the gradient (softmax − onehot)·<paramref name="scale"/>
    /// (zero rows where the target is <paramref name="ignoreIndex"/>). Targets must already be validated.
    /// </summary>
    public static double CrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes, int ignoreIndex, Span<float> gradient, float scale)
    {
        int done = 0;
        double total = 0;
        if (Avx2.IsSupported && Fma.IsSupported && classes >= 2 && classes <= MaxLaneClasses && !gradient.Overlaps(logits))
        {
            total = CrossEntropyLanes(logits, targets, classes, ignoreIndex, gradient, scale, out done);
        }

        return done == targets.Length
            ? total
            : total + CrossEntropyBlocks(logits[(done * classes)..], targets[done..], classes, ignoreIndex, gradient[(done * classes)..], scale);
    }

    /// <summary>The block kernel (any class count, any number of rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropyBlocks(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes, int ignoreIndex, Span<float> gradient, float scale)
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

    /// <summary>
    /// Cross-entropy 8 rows at a time with lanes = rows for the per-row work: 8 rows of C logits are C consecutive
    /// vectors, element 8v + l of the group belongs to row (8v + l)/C, so a per-row quantity held one row per lane is
    /// spread over the group's vectors by a fixed lane permutation (tables made once per call). Row maxima and sums are
    /// reduced from each row's vectors by a transpose-and-reduce tree into one vector (lane j = row j); the log-sum,
    /// the reciprocal of the sum (estimate + one Newton step) and the loss log Σ − (x_y − max) are then computed for
    /// 8 rows at once, and the exponentials, the gradient e·(scale/Σ) − scale·[k = y] and its store stay element-wise.
    /// Returns the value sum of the groups done; <paramref name="done"/> = the rows done (the rest go to the block kernel).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double CrossEntropyLanes(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes, int ignoreIndex, Span<float> gradient, float scale, out int done)
    {
        int c = classes;
        int rows = targets.Length;

        // Groups whose every load stays inside the logits: with C < 8 a row's single load reads past its row.
        int groups = c >= Vector256<float>.Count ? rows / 8 : Math.Max(0, (logits.Length - Vector256<float>.Count) / (8 * c));
        groups = Math.Min(groups, rows / 8);
        done = groups * 8;
        if (groups == 0)
        {
            return 0;
        }

        // rowOf[8v + l] = (8v + l)/C and classOf[8v + l] = (8v + l) mod C for the group's C vectors.
        Span<int> rowOf = stackalloc int[8 * MaxLaneClasses];
        Span<int> classOf = stackalloc int[8 * MaxLaneClasses];
        for (int i = 0; i < 8 * c; i++)
        {
            rowOf[i] = i / c;
            classOf[i] = i % c;
        }

        float[] scratch = ArrayPool<float>.Shared.Rent((8 * c) + Vector256<float>.Count);
        Span<int> yRow = stackalloc int[8];
        Span<float> xyRow = stackalloc float[8];
        ref int rRowOf = ref MemoryMarshal.GetReference(rowOf);
        ref int rClassOf = ref MemoryMarshal.GetReference(classOf);
        ref float rx = ref MemoryMarshal.GetReference(logits);
        ref float rg = ref MemoryMarshal.GetReference(gradient);
        ref float re = ref MemoryArrayRef(scratch);
        scratch.AsSpan().Clear();

        int full = c / 8 * 8;
        int rem = c - full;
        int tailAt = c >= 8 ? c - 8 : 0;
        Vector256<int> lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        Vector256<float> tailMask = (c >= 8 ? Vector256.GreaterThanOrEqual(lane, Vector256.Create(8 - rem)) : Vector256.LessThan(lane, Vector256.Create(c))).AsSingle();
        Vector256<float> vscale = Vector256.Create(scale);
        Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
        Span<Vector256<float>> perRow = stackalloc Vector256<float>[8];
        try
        {
            for (int group = 0; group < groups; group++)
            {
                int r0 = group * 8;
                ref float bx = ref Unsafe.Add(ref rx, r0 * c);
                ref float bg = ref Unsafe.Add(ref rg, r0 * c);

                Vector256<float> sums = GroupExp(ref bx, ref re, c, full, tailAt, tailMask, ref rRowOf, perRow, out Vector256<float> max);

                // Targets: the class of each row (−1 when ignored) and its logit.
                for (int j = 0; j < 8; j++)
                {
                    int y = (int)targets[r0 + j];
                    bool ignored = y == ignoreIndex;
                    yRow[j] = ignored ? -1 : y;
                    xyRow[j] = ignored ? 0f : Unsafe.Add(ref bx, (j * c) + y);
                }

                Vector256<int> yv = Vector256.Create<int>(yRow);
                Vector256<float> kept = Vector256.GreaterThanOrEqual(yv, Vector256<int>.Zero).AsSingle();

                // lₙ = log Σ − (x_y − max), both terms ≥ 0; ignored rows give 0.
                Vector256<float> loss = (VectorMath.Log(sums) - (Vector256.Create<float>(xyRow) - max)) & kept;
                acc0 += Vector256.WidenLower(loss);
                acc1 += Vector256.WidenUpper(loss);
                Vector256<float> factor = VectorMath.Reciprocal(sums) * vscale;

                // Gradient e·(scale/Σ) − scale·[k = y], element-wise.
                for (int v = 0; v < c; v++)
                {
                    Vector256<int> rowIndex = Vector256.LoadUnsafe(ref rRowOf, (nuint)(8 * v));
                    Vector256<int> y = Avx2.PermuteVar8x32(yv, rowIndex);
                    Vector256<float> onehot = Vector256.Equals(y, Vector256.LoadUnsafe(ref rClassOf, (nuint)(8 * v))).AsSingle();
                    Vector256<float> g = (Vector256.LoadUnsafe(ref re, (nuint)(8 * v)) * Avx2.PermuteVar8x32(factor, rowIndex)) - (onehot & vscale);

                    // An ignored row's gradient is exactly 0, whatever its logits.
                    g &= Vector256.GreaterThanOrEqual(y, Vector256<int>.Zero).AsSingle();
                    g.StoreUnsafe(ref bg, (nuint)(8 * v));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }

        return Vector256.Sum(acc0 + acc1);
    }

    /// <summary>
    /// Steps shared by the lanes kernels for one group of 8 rows at <paramref name="bx"/>: the row maxima (lane j =
    /// row j; a tail vector overlaps, which a maximum does not mind, and C &lt; 8 masks the next rows out),
    /// e = exp(x − max) element-wise into <paramref name="re"/>, and the row sums of e (the tail masked so that no
    /// element counts twice), returned one row per lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> GroupExp(ref float bx, ref float re, int c, int full, int tailAt, Vector256<float> tailMask, ref int rRowOf, Span<Vector256<float>> perRow, out Vector256<float> max)
    {
        Vector256<float> negInf = Vector256.Create(float.NegativeInfinity);
        for (int j = 0; j < 8; j++)
        {
            ref float row = ref Unsafe.Add(ref bx, j * c);
            Vector256<float> m = Vector256.ConditionalSelect(tailMask, Vector256.LoadUnsafe(ref row, (nuint)tailAt), negInf);
            for (int k = 0; k < full; k += 8)
            {
                m = Vector256.Max(m, Vector256.LoadUnsafe(ref row, (nuint)k));
            }

            perRow[j] = m;
        }

        max = Reduce8<MaxOp>(perRow);
        for (int v = 0; v < c; v++)
        {
            Vector256<int> rowIndex = Vector256.LoadUnsafe(ref rRowOf, (nuint)(8 * v));
            Vector256<float> shifted = Vector256.LoadUnsafe(ref bx, (nuint)(8 * v)) - Avx2.PermuteVar8x32(max, rowIndex);
            VectorMath.ExpNonPositive(shifted).StoreUnsafe(ref re, (nuint)(8 * v));
        }

        return RowSums(ref re, c, full, tailAt, tailMask, perRow);
    }

    /// <summary>The sums of the 8 rows of C values at <paramref name="rv"/>, one row per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RowSums(ref float rv, int c, int full, int tailAt, Vector256<float> tailMask, Span<Vector256<float>> perRow)
    {
        for (int j = 0; j < 8; j++)
        {
            ref float row = ref Unsafe.Add(ref rv, j * c);
            Vector256<float> sum = Vector256.LoadUnsafe(ref row, (nuint)tailAt) & tailMask;
            for (int k = 0; k < full; k += 8)
            {
                sum += Vector256.LoadUnsafe(ref row, (nuint)k);
            }

            perRow[j] = sum;
        }

        return Reduce8<AddOp>(perRow);
    }

    /// <summary>
    /// Cross-entropy with N×C probability targets t (no class weights), 8 rows at a time as in
    /// <see cref="CrossEntropyLanes"/>: t' = (1 − ε)·t + ε/C, lₙ = T·log Σ − Σ_k t'_k·(x_k − max) (every term ≥ 0),
    /// gradient (e_k·T/Σ − t'_k)·scale with T = Σ_k t'_k. Returns the value sum of the groups done;
    /// <paramref name="done"/> = the rows done (the caller does the rest).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double CrossEntropyProbabilities(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes, float smoothing, Span<float> gradient, float scale, out int done)
    {
        int c = classes;
        int rows = logits.Length / c;
        done = 0;
        if (!Avx2.IsSupported || !Fma.IsSupported || c < 2 || c > MaxLaneClasses || gradient.Overlaps(logits) || gradient.Overlaps(targets))
        {
            return 0;
        }

        int groups = c >= Vector256<float>.Count ? rows / 8 : Math.Max(0, (logits.Length - Vector256<float>.Count) / (8 * c));
        groups = Math.Min(groups, rows / 8);
        done = groups * 8;
        if (groups == 0)
        {
            return 0;
        }

        Span<int> rowOf = stackalloc int[8 * MaxLaneClasses];
        for (int i = 0; i < 8 * c; i++)
        {
            rowOf[i] = i / c;
        }

        float[] scratch = ArrayPool<float>.Shared.Rent(2 * ((8 * c) + Vector256<float>.Count));
        ref int rRowOf = ref MemoryMarshal.GetReference(rowOf);
        ref float rx = ref MemoryMarshal.GetReference(logits);
        ref float rt = ref MemoryMarshal.GetReference(targets);
        ref float rg = ref MemoryMarshal.GetReference(gradient);
        ref float re = ref MemoryArrayRef(scratch);
        ref float rm = ref Unsafe.Add(ref re, (8 * c) + Vector256<float>.Count);
        scratch.AsSpan().Clear();

        int full = c / 8 * 8;
        int tailAt = c >= 8 ? c - 8 : 0;
        Vector256<int> lane = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        Vector256<float> tailMask = (c >= 8 ? Vector256.GreaterThanOrEqual(lane, Vector256.Create(8 - (c - full))) : Vector256.LessThan(lane, Vector256.Create(c))).AsSingle();
        Vector256<float> vscale = Vector256.Create(scale);
        Vector256<float> keep = Vector256.Create(1 - smoothing), uniform = Vector256.Create(smoothing / c);
        Vector256<float> negInf = Vector256.Create(float.NegativeInfinity);
        Vector256<double> acc0 = Vector256<double>.Zero, acc1 = Vector256<double>.Zero;
        Span<Vector256<float>> perRow = stackalloc Vector256<float>[8];
        try
        {
            for (int group = 0; group < groups; group++)
            {
                ref float bx = ref Unsafe.Add(ref rx, group * 8 * c);
                ref float bt = ref Unsafe.Add(ref rt, group * 8 * c);
                ref float bg = ref Unsafe.Add(ref rg, group * 8 * c);
                // Row maxima (lane j = row j), then per element e = exp(s) with s = x − max, t' into the scratch
                // and the value terms −t'·s ≥ 0 summed in float over the group.
                for (int j = 0; j < 8; j++)
                {
                    ref float row = ref Unsafe.Add(ref bx, j * c);
                    Vector256<float> m = Vector256.ConditionalSelect(tailMask, Vector256.LoadUnsafe(ref row, (nuint)tailAt), negInf);
                    for (int k = 0; k < full; k += 8)
                    {
                        m = Vector256.Max(m, Vector256.LoadUnsafe(ref row, (nuint)k));
                    }

                    perRow[j] = m;
                }

                Vector256<float> max = Reduce8<MaxOp>(perRow);
                Vector256<float> loss = Vector256<float>.Zero;
                for (int v = 0; v < c; v++)
                {
                    Vector256<int> rowIndex = Vector256.LoadUnsafe(ref rRowOf, (nuint)(8 * v));
                    Vector256<float> shifted = Vector256.LoadUnsafe(ref bx, (nuint)(8 * v)) - Avx2.PermuteVar8x32(max, rowIndex);
                    VectorMath.ExpNonPositive(shifted).StoreUnsafe(ref re, (nuint)(8 * v));
                    Vector256<float> mass = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref bt, (nuint)(8 * v)), keep, uniform);
                    mass.StoreUnsafe(ref rm, (nuint)(8 * v));
                    loss = Fma.MultiplyAddNegated(mass, shifted, loss);
                }

                // lₙ = log Σ·T + Σ_k t'_k·(−s_k): a sum of non-negative terms.
                Vector256<float> sums = RowSums(ref re, c, full, tailAt, tailMask, perRow);
                Vector256<float> massSums = RowSums(ref rm, c, full, tailAt, tailMask, perRow);
                loss = Fma.MultiplyAdd(VectorMath.Log(sums), massSums, loss);
                acc0 += Vector256.WidenLower(loss);
                acc1 += Vector256.WidenUpper(loss);
                Vector256<float> factor = VectorMath.Reciprocal(sums) * massSums * vscale;
                for (int v = 0; v < c; v++)
                {
                    Vector256<int> rowIndex = Vector256.LoadUnsafe(ref rRowOf, (nuint)(8 * v));
                    Vector256<float> g = Fma.MultiplyAddNegated(Vector256.LoadUnsafe(ref rm, (nuint)(8 * v)), vscale, Vector256.LoadUnsafe(ref re, (nuint)(8 * v)) * Avx2.PermuteVar8x32(factor, rowIndex));
                    g.StoreUnsafe(ref bg, (nuint)(8 * v));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }

        return Vector256.Sum(acc0 + acc1);
    }

    private static ref float MemoryArrayRef(float[] array) => ref MemoryMarshal.GetArrayDataReference(array);

    /// <summary>
    /// [op over v₀'s lanes, …, op over v₇'s lanes]: three levels of lane shuffles and one operation each (a fixed order,
    /// so a sum has the same bits on every call).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reduce8<TOp>(ReadOnlySpan<Vector256<float>> v)
        where TOp : struct, IBinary
    {
        Vector256<float> p01 = TOp.Apply(Avx.Shuffle(v[0], v[1], 0x88), Avx.Shuffle(v[0], v[1], 0xDD));
        Vector256<float> p23 = TOp.Apply(Avx.Shuffle(v[2], v[3], 0x88), Avx.Shuffle(v[2], v[3], 0xDD));
        Vector256<float> p45 = TOp.Apply(Avx.Shuffle(v[4], v[5], 0x88), Avx.Shuffle(v[4], v[5], 0xDD));
        Vector256<float> p67 = TOp.Apply(Avx.Shuffle(v[6], v[7], 0x88), Avx.Shuffle(v[6], v[7], 0xDD));
        Vector256<float> q0 = TOp.Apply(Avx.Shuffle(p01, p23, 0x88), Avx.Shuffle(p01, p23, 0xDD));
        Vector256<float> q1 = TOp.Apply(Avx.Shuffle(p45, p67, 0x88), Avx.Shuffle(p45, p67, 0xDD));
        return TOp.Apply(Avx.Permute2x128(q0, q1, 0x20), Avx.Permute2x128(q0, q1, 0x31));
    }

    private interface IBinary
    {
        static abstract Vector256<float> Apply(Vector256<float> a, Vector256<float> b);
    }

    private readonly struct MaxOp : IBinary
    {
        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
    }

    private readonly struct AddOp : IBinary
    {
        public static Vector256<float> Apply(Vector256<float> a, Vector256<float> b) => a + b;
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
