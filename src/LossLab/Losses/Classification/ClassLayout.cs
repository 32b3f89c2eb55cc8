using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>How a class loss reads its inputs: N rows of C logits, and N class indices or N×C probabilities.</summary>
internal readonly record struct ClassShape(int Rows, int Classes, bool Probabilities);

/// <summary>Shape rules, target decoding and parameter checks shared by the classification losses.</summary>
internal static class ClassLayout
{
    /// <summary>Validates the <c>classes</c> hyper-parameter (0 infers C from the lengths).</summary>
    public static int CheckClasses(int value)
        => value >= 0
            ? value
            : throw new ArgumentOutOfRangeException("classes", value, "classes must be >= 0 (0 infers the number of classes from the lengths)");

    /// <summary>
    /// Resolves N and C. With <paramref name="classes"/> &gt; 0, predictions are N×C and targets are N indices or
    /// (when <paramref name="allowProbabilities"/>, and C &gt; 1) N×C probabilities; with 0, C = predictions / targets.
    /// </summary>
    public static ClassShape Resolve(string name, int classes, int predictionLength, int targetLength, bool allowProbabilities)
    {
        if (classes > 0)
        {
            if (predictionLength % classes != 0)
            {
                throw new ArgumentException(
                    $"{name}: predictions must be a row-major N×C matrix with C = {classes}, but their length {predictionLength} is not a multiple of {classes}",
                    "predictions");
            }

            int rows = predictionLength / classes;
            if (targetLength == rows)
            {
                return new ClassShape(rows, classes, false);
            }

            if (allowProbabilities && targetLength == predictionLength)
            {
                return new ClassShape(rows, classes, true);
            }

            string expected = allowProbabilities
                ? $"{rows} class indices or {predictionLength} class probabilities (N = {rows} rows, C = {classes} classes)"
                : $"{rows} class indices (one per row; N = {rows} rows, C = {classes} classes)";
            throw new ArgumentException($"{name}: expected {expected}, got {targetLength} targets", "targets");
        }

        if (targetLength == 0 || predictionLength % targetLength != 0)
        {
            throw new ArgumentException(
                $"{name}: with classes inferred (classes = 0), predictions must be N×C logits for N class-index targets, " +
                $"but {predictionLength} predictions are not a multiple of {targetLength} targets" +
                (allowProbabilities ? " (set classes to pass N×C probability targets)" : string.Empty),
                "targets");
        }

        return new ClassShape(targetLength, predictionLength / targetLength, false);
    }

    /// <summary>Checks that a per-class list (<c>weight</c>) has exactly C entries.</summary>
    public static void CheckClassList(string name, IReadOnlyList<double>? list, string parameter, int classes)
    {
        if (list is not null && list.Count != classes)
        {
            throw new ArgumentException(
                $"{name}: {parameter} must have one entry per class ({classes}), got {list.Count}",
                parameter);
        }
    }

    /// <summary>Checks that an element-wise list broadcasts over the last dimension: its length divides the input length.</summary>
    public static void CheckBroadcastList(string name, IReadOnlyList<double>? list, string parameter, int length)
    {
        if (list is not null && length % list.Count != 0)
        {
            throw new ArgumentException(
                $"{name}: {parameter} ({list.Count} entries) is broadcast over the last dimension, so the number of predictions ({length}) must be a multiple of {list.Count}",
                parameter);
        }
    }

    /// <summary>
    /// Reads target <paramref name="position"/> as a class index in [0, C); returns −1 when it equals
    /// <paramref name="ignoreIndex"/>. Non-integral or out-of-range values are an <see cref="ArgumentException"/>.
    /// </summary>
    public static int Index<T>(string name, ReadOnlySpan<T> targets, int position, int classes, int? ignoreIndex)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double value = Num.D(targets[position]);
        if (!double.IsInteger(value))
        {
            throw new ArgumentException(
                $"{name}: target {position} is {value}, which is not a class index (class-index targets must be integers)",
                nameof(targets));
        }

        if (ignoreIndex is int ignored && value == ignored)
        {
            return -1;
        }

        if (value < 0 || value >= classes)
        {
            string ignoreNote = ignoreIndex is int ig ? $" and is not ignore_index ({ig})" : string.Empty;
            throw new ArgumentException(
                $"{name}: target {position} is {value}, outside the class range [0, {classes}){ignoreNote}",
                nameof(targets));
        }

        return (int)value;
    }

    /// <summary>
    /// Whether every float32 target is a class index in [0, C) or equal to <paramref name="ignoreIndex"/> (the check of
    /// <see cref="Index"/>, 8 lanes at a time); <paramref name="kept"/> = the targets not ignored. False when any
    /// target is invalid (NaN included) or ignore_index is not exactly a float32: the caller then runs
    /// <see cref="Index"/> on each target, which names the first bad one.
    /// </summary>
    public static bool TryCountClassIndices(ReadOnlySpan<float> targets, int classes, int ignoreIndex, out int kept)
    {
        kept = 0;
        float ignored = ignoreIndex;
        if ((double)ignored != ignoreIndex)
        {
            return false;
        }

        int n = targets.Length;
        int i = 0;
        int ignoredCount = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float r = ref MemoryMarshal.GetReference(targets);
            Vector256<float> vc = Vector256.Create((float)classes), vi = Vector256.Create(ignored);
            Vector256<float> ok = Vector256<float>.AllBitsSet;
            Vector256<int> count = Vector256<int>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> t = Vector256.LoadUnsafe(ref r, (nuint)i);
                Vector256<float> skip = Vector256.Equals(t, vi);
                Vector256<float> index = Vector256.Equals(Vector256.Floor(t), t) & Vector256.GreaterThanOrEqual(t, Vector256<float>.Zero) & Vector256.LessThan(t, vc);
                ok &= index | skip;
                count -= skip.AsInt32();
            }

            if (ok.AsInt32() != Vector256<int>.AllBitsSet)
            {
                return false;
            }

            ignoredCount = Vector256.Sum(count);
        }

        for (; i < n; i++)
        {
            float t = targets[i];
            if (t == ignored)
            {
                ignoredCount++;
            }
            else if (!(MathF.Floor(t) == t && t >= 0 && t < classes))
            {
                return false;
            }
        }

        kept = n - ignoredCount;
        return true;
    }

    /// <summary>
    /// Checks that every target is a probability in [0, 1] (binary, soft-label and mask losses): a target outside
    /// makes the cross-entropy unbounded below (a negative loss) or rewards the wrong side.
    /// </summary>
    /// <exception cref="ArgumentException">The first target outside [0, 1] (or NaN), named by its index.</exception>
    public static void CheckUnitTargets<T>(string name, ReadOnlySpan<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The common case (every target valid) in one vectorised pass (float32) or two (double; TensorPrimitives.Min/Max
        // return NaN when a NaN is present); any failure, NaN included, falls through to the loop that names the first bad target.
        if (targets.IsEmpty || InUnitInterval(targets))
        {
            return;
        }

        for (int i = 0; i < targets.Length; i++)
        {
            T y = targets[i];
            if (!(y >= T.Zero && y <= T.One))
            {
                throw new ArgumentException($"{name}: target {i} is {y}; targets must be probabilities in [0, 1] (0/1 labels or soft labels)", nameof(targets));
            }
        }
    }

    private static bool InUnitInterval<T>(ReadOnlySpan<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return InUnitInterval(MemoryMarshal.Cast<T, float>(targets));
        }

        if (typeof(T) == typeof(double))
        {
            ReadOnlySpan<double> d = MemoryMarshal.Cast<T, double>(targets);
            return TensorPrimitives.Min(d) >= 0d && TensorPrimitives.Max(d) <= 1d;
        }

        return false;
    }

    /// <summary>
    /// Whether 0 ≤ t ≤ 1 for every float32 target (false for NaN): one pass of two comparisons per 8 lanes, the
    /// lanes' results and-ed together (a tail shorter than a vector overlaps the last one).
    /// </summary>
    private static bool InUnitInterval(ReadOnlySpan<float> targets)
    {
        int n = targets.Length;
        if (!Vector256.IsHardwareAccelerated || n < Vector256<float>.Count)
        {
            foreach (float y in targets)
            {
                if (!(y >= 0f && y <= 1f))
                {
                    return false;
                }
            }

            return true;
        }

        ref float r = ref MemoryMarshal.GetReference(targets);
        Vector256<float> zero = Vector256<float>.Zero, one = Vector256<float>.One;
        Vector256<float> ok0 = Vector256<float>.AllBitsSet, ok1 = Vector256<float>.AllBitsSet;
        int i = 0;
        for (; i <= n - (2 * Vector256<float>.Count); i += 2 * Vector256<float>.Count)
        {
            Vector256<float> a = Vector256.LoadUnsafe(ref r, (nuint)i);
            Vector256<float> b = Vector256.LoadUnsafe(ref r, (nuint)(i + Vector256<float>.Count));
            ok0 &= Vector256.GreaterThanOrEqual(a, zero) & Vector256.LessThanOrEqual(a, one);
            ok1 &= Vector256.GreaterThanOrEqual(b, zero) & Vector256.LessThanOrEqual(b, one);
        }

        for (; i < n; i += Vector256<float>.Count)
        {
            Vector256<float> a = Vector256.LoadUnsafe(ref r, (nuint)Math.Min(i, n - Vector256<float>.Count));
            ok0 &= Vector256.GreaterThanOrEqual(a, zero) & Vector256.LessThanOrEqual(a, one);
        }

        return (ok0 & ok1).AsInt32() == Vector256<int>.AllBitsSet;
    }

    /// <summary>Checks that every target is exactly −1 or +1 (margin losses).</summary>
    public static void CheckSigns<T>(string name, ReadOnlySpan<T> targets)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < targets.Length; i++)
        {
            T y = targets[i];
            if (y != T.One && y != -T.One)
            {
                throw new ArgumentException($"{name}: target {i} is {y}; targets must be -1 or +1", nameof(targets));
            }
        }
    }

    /// <summary>
    /// log Σ_c exp(x_c) of one row as (max, log-sum) with log-sum-exp = max + log-sum. The sum leaves out the
    /// arg-max term (which is exactly 1) and takes log1p of the rest, so log-probabilities near 0 keep their precision.
    /// </summary>
    public static (double Max, double LogSum) LogSumExp<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int arg = 0;
        double max = Num.D(row[0]);
        for (int c = 1; c < row.Length; c++)
        {
            double v = Num.D(row[c]);
            if (v > max)
            {
                max = v;
                arg = c;
            }
        }

        double rest = 0;
        for (int c = 0; c < row.Length; c++)
        {
            if (c != arg)
            {
                rest += Math.Exp(Num.D(row[c]) - max);
            }
        }

        return (max, Num.Log1P(rest));
    }
}
