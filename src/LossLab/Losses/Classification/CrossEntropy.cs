using System.Numerics;
using System.Runtime.InteropServices;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Cross-entropy on logits (PyTorch <c>CrossEntropyLoss</c>). Predictions are a row-major N×C matrix of logits x;
/// logp = log_softmax(x) per row (log-sum-exp with max subtraction), p = softmax(x).
/// <para>
/// Class-index targets yₙ (N values; the index <c>ignore_index</c> gives 0), class weights w (1 when absent),
/// label smoothing ε: lₙ = (1 − ε)·w[yₙ]·(−logp[n, yₙ]) + (ε/C)·(−Σ_c w_c·logp[n, c]).
/// Gradient ∂lₙ/∂x[n, k] = (1 − ε)·w[yₙ]·(p_k − δ_{k,yₙ}) + (ε/C)·(−w_k + p_k·Σ_c w_c).
/// <c>mean</c> is the weighted mean Σ lₙ / W with W = Σ w[yₙ] over the non-ignored items (both parts use W).
/// When W = 0 (every item ignored, or only zero-weight classes targeted) <c>mean</c> returns 0 with a zero gradient,
/// where PyTorch returns NaN.
/// </para>
/// <para>
/// Probability targets (N×C values t, only when <see cref="Classes"/> is set and C &gt; 1): t' = (1 − ε)·t + ε/C,
/// lₙ = −Σ_c w_c·t'_c·logp[n, c], gradient ∂lₙ/∂x[n, k] = p_k·Σ_c w_c·t'_c − w_k·t'_k; <c>mean</c> divides by N,
/// and <c>ignore_index</c> does not apply. A probability target outside [0, 1] is an error.
/// </para>
/// </summary>
public sealed record CrossEntropy : Loss
{
    /// <summary>Creates a cross-entropy loss on logits.</summary>
    /// <param name="weight">Optional non-negative class weights, one per class.</param>
    /// <param name="ignoreIndex">The class-index target value whose items are skipped (PyTorch's default −100).</param>
    /// <param name="labelSmoothing">The smoothing ε ∈ [0, 1] mixed with the uniform distribution.</param>
    /// <param name="classes">The number of classes C, or 0 to infer it from the lengths (index targets only).</param>
    public CrossEntropy(IReadOnlyList<double>? weight = null, int ignoreIndex = -100, double labelSmoothing = 0.0, int classes = 0)
    {
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        LabelSmoothing = labelSmoothing;
        Classes = classes;
    }

    /// <summary>Non-negative class weights w, one per class (default null, all 1).</summary>
    public IReadOnlyList<double>? Weight { get; init => field = Guard.NonNegativeList(value, "weight"); }

    /// <summary>The class-index target whose items contribute 0 and are left out of the mean (default −100).</summary>
    public int IgnoreIndex { get; init; }

    /// <summary>The label smoothing ε ∈ [0, 1] (default 0): targets become (1 − ε)·target + ε/C.</summary>
    public double LabelSmoothing { get; init => field = Guard.ClosedUnit(value, "label_smoothing"); }

    /// <summary>
    /// The number of classes C ≥ 0 (default 0: C = predictions / targets, class-index targets). Set it to pass
    /// N×C probability targets.
    /// </summary>
    public int Classes { get; init => field = ClassLayout.CheckClasses(value); }

    /// <inheritdoc/>
    public override string Name => "cross_entropy";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictionLength, targetLength, allowProbabilities: true);
        ClassLayout.CheckClassList(Name, Weight, "weight", shape.Classes);
        return shape.Rows;
    }

    /// <inheritdoc/>
    public bool Equals(CrossEntropy? other)
        => ReferenceEquals(this, other)
            || (base.Equals(other) && Lists.Equal(Weight, other.Weight) && IgnoreIndex == other.IgnoreIndex
                && LabelSmoothing.Equals(other.LabelSmoothing) && Classes == other.Classes);

    /// <inheritdoc/>
    public override int GetHashCode()
        => HashCode.Combine(base.GetHashCode(), Lists.Hash(Weight), IgnoreIndex, LabelSmoothing, Classes);

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictions.Length, targets.Length, allowProbabilities: true);
        if (shape.Probabilities)
        {
            ClassLayout.CheckUnitTargets(Name, targets);
        }

        return shape.Probabilities
            ? ComputeProbabilities(shape, predictions, targets, values, gradient, reduction)
            : ComputeIndices(shape, predictions, targets, values, gradient, reduction);
    }

    private double ComputeIndices<T>(ClassShape shape, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = shape.Rows;
        int c = shape.Classes;
        double[]? w = Lists.Array(Weight);
        double eps = LabelSmoothing;
        double smooth = eps / c;
        double weightSum = w is null ? c : w.Sum();

        // Validate every target first (no partial output on error) and gather the weighted-mean normaliser.
        double norm = 0;
        if (typeof(T) == typeof(float) && w is null && ClassLayout.TryCountClassIndices(MemoryMarshal.Cast<T, float>(targets), c, IgnoreIndex, out int kept))
        {
            norm = kept;
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                int y = ClassLayout.Index(Name, targets, i, c, IgnoreIndex);
                if (y >= 0)
                {
                    norm += w is null ? 1 : w[y];
                }
            }
        }

        bool mean = reduction == Reduction.Mean;
        double scale = mean ? (norm > 0 ? 1 / norm : 0) : 1;
        if (typeof(T) == typeof(float) && w is null && eps == 0 && values.IsEmpty && !gradient.IsEmpty)
        {
            double total = FusedSoftmax.CrossEntropy(
                MemoryMarshal.Cast<T, float>(predictions), MemoryMarshal.Cast<T, float>(targets), c, IgnoreIndex,
                MemoryMarshal.Cast<T, float>(gradient), (float)scale);
            return mean ? total * scale : total;
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = predictions.Slice(i * c, c);
            int y = ClassLayout.Index(Name, targets, i, c, IgnoreIndex);
            if (y < 0)
            {
                if (!values.IsEmpty)
                {
                    values[i] = T.Zero;
                }

                if (!gradient.IsEmpty)
                {
                    gradient.Slice(i * c, c).Clear();
                }

                continue;
            }

            (double max, double logSum) = ClassLayout.LogSumExp(row);
            double wy = w is null ? 1 : w[y];
            double smoothSum = 0;
            if (smooth != 0)
            {
                for (int k = 0; k < c; k++)
                {
                    smoothSum -= (w is null ? 1 : w[k]) * (Num.D(row[k]) - max - logSum);
                }
            }

            double logPy = Num.D(row[y]) - max - logSum;
            double item = ((1 - eps) * wy * -logPy) + (smooth * smoothSum);
            sum += item;
            if (!values.IsEmpty)
            {
                values[i] = T.CreateTruncating(item);
            }

            if (!gradient.IsEmpty)
            {
                Span<T> g = gradient.Slice(i * c, c);
                for (int k = 0; k < c; k++)
                {
                    double p = Math.Exp(Num.D(row[k]) - max - logSum);
                    double d = (1 - eps) * wy * (k == y ? p - 1 : p);
                    if (smooth != 0)
                    {
                        d += smooth * ((p * weightSum) - (w is null ? 1 : w[k]));
                    }

                    g[k] = T.CreateTruncating(d * scale);
                }
            }
        }

        return mean ? sum * scale : sum;
    }

    private double ComputeProbabilities<T>(ClassShape shape, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = shape.Rows;
        int c = shape.Classes;
        double[]? w = Lists.Array(Weight);
        double eps = LabelSmoothing;
        double smooth = eps / c;
        double scale = reduction == Reduction.Mean ? 1.0 / n : 1;
        double sum = 0;
        int done = 0;
        if (typeof(T) == typeof(float) && w is null && values.IsEmpty && !gradient.IsEmpty)
        {
            // The fused float32 kernel for whole groups of 8 rows; the rows left over take the loop below.
            sum = FusedSoftmax.CrossEntropyProbabilities(
                MemoryMarshal.Cast<T, float>(predictions), MemoryMarshal.Cast<T, float>(targets), c, (float)eps,
                MemoryMarshal.Cast<T, float>(gradient), (float)scale, out done);
        }

        for (int i = done; i < n; i++)
        {
            ReadOnlySpan<T> row = predictions.Slice(i * c, c);
            ReadOnlySpan<T> t = targets.Slice(i * c, c);
            (double max, double logSum) = ClassLayout.LogSumExp(row);
            double item = 0;
            double massSum = 0;
            for (int k = 0; k < c; k++)
            {
                double mass = (w is null ? 1 : w[k]) * ((Num.D(t[k]) * (1 - eps)) + smooth);
                massSum += mass;
                item -= mass * (Num.D(row[k]) - max - logSum);
            }

            sum += item;
            if (!values.IsEmpty)
            {
                values[i] = T.CreateTruncating(item);
            }

            if (!gradient.IsEmpty)
            {
                Span<T> g = gradient.Slice(i * c, c);
                for (int k = 0; k < c; k++)
                {
                    double p = Math.Exp(Num.D(row[k]) - max - logSum);
                    double mass = (w is null ? 1 : w[k]) * ((Num.D(t[k]) * (1 - eps)) + smooth);
                    g[k] = T.CreateTruncating(((p * massSum) - mass) * scale);
                }
            }
        }

        return sum * scale;
    }
}
