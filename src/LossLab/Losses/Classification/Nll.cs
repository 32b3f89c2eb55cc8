using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Negative log-likelihood (PyTorch <c>NLLLoss</c>). Predictions are a row-major N×C matrix of log-probabilities x
/// (for example a log_softmax output); targets are N class indices yₙ, the value <c>ignore_index</c> giving 0:
/// lₙ = −w[yₙ]·x[n, yₙ] (w = 1 when no weight). Gradient ∂lₙ/∂x[n, yₙ] = −w[yₙ], 0 for the other classes.
/// <c>mean</c> is the weighted mean Σ lₙ / Σ w[yₙ] over the non-ignored items; when that sum is 0 (every item
/// ignored, or only zero-weight classes targeted) it returns 0 with a zero gradient, where PyTorch returns NaN.
/// </summary>
public sealed record Nll : Loss
{
    /// <summary>Creates a negative log-likelihood loss.</summary>
    /// <param name="weight">Optional non-negative class weights, one per class.</param>
    /// <param name="ignoreIndex">The target value whose items are skipped (PyTorch's default −100).</param>
    /// <param name="classes">The number of classes C, or 0 to infer it from the lengths.</param>
    public Nll(IReadOnlyList<double>? weight = null, int ignoreIndex = -100, int classes = 0)
    {
        Weight = weight;
        IgnoreIndex = ignoreIndex;
        Classes = classes;
    }

    /// <summary>Non-negative class weights w, one per class (default null, all 1).</summary>
    public IReadOnlyList<double>? Weight { get; init => field = Guard.NonNegativeList(value, "weight"); }

    /// <summary>The target value whose items contribute 0 and are left out of the mean (default −100).</summary>
    public int IgnoreIndex { get; init; }

    /// <summary>The number of classes C ≥ 0 (default 0: C = predictions / targets).</summary>
    public int Classes { get; init => field = ClassLayout.CheckClasses(value); }

    /// <inheritdoc/>
    public override string Name => "nll";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictionLength, targetLength, allowProbabilities: false);
        ClassLayout.CheckClassList(Name, Weight, "weight", shape.Classes);
        return shape.Rows;
    }

    /// <inheritdoc/>
    public bool Equals(Nll? other)
        => ReferenceEquals(this, other)
            || (base.Equals(other) && Lists.Equal(Weight, other.Weight) && IgnoreIndex == other.IgnoreIndex && Classes == other.Classes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Lists.Hash(Weight), IgnoreIndex, Classes);

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictions.Length, targets.Length, allowProbabilities: false);
        int n = shape.Rows;
        int c = shape.Classes;
        double[]? w = Lists.Array(Weight);
        double norm = 0;
        for (int i = 0; i < n; i++)
        {
            int y = ClassLayout.Index(Name, targets, i, c, IgnoreIndex);
            if (y >= 0)
            {
                norm += w is null ? 1 : w[y];
            }
        }

        bool mean = reduction == Reduction.Mean;
        double scale = mean ? (norm > 0 ? 1 / norm : 0) : 1;
        if (!gradient.IsEmpty)
        {
            gradient.Clear();
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            int y = ClassLayout.Index(Name, targets, i, c, IgnoreIndex);
            double item = 0;
            if (y >= 0)
            {
                double wy = w is null ? 1 : w[y];
                item = -wy * Num.D(predictions[(i * c) + y]);
                if (!gradient.IsEmpty)
                {
                    gradient[(i * c) + y] = T.CreateTruncating(-wy * scale);
                }
            }

            sum += item;
            if (!values.IsEmpty)
            {
                values[i] = T.CreateTruncating(item);
            }
        }

        return mean ? sum * scale : sum;
    }
}
