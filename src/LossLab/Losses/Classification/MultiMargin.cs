using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Multi-class margin loss (PyTorch <c>MultiMarginLoss</c>). Predictions are a row-major N×C matrix of scores x;
/// targets are N class indices y. With zᵢ = margin − x[y] + x[i]:
/// lₙ = Σ_{i≠y} w[y]·max(0, zᵢ)^p / C (the class weight applies after the power).
/// Gradient: for each i ≠ y with zᵢ &gt; 0 (strict), d = w[y]·(p = 1 ? 1 : 2zᵢ)/C is added to ∂/∂x[i] and
/// subtracted from ∂/∂x[y]. <c>mean</c> divides by N.
/// </summary>
public sealed record MultiMargin : Loss
{
    /// <summary>Creates a multi-class margin loss.</summary>
    /// <param name="p">The power p, 1 or 2.</param>
    /// <param name="margin">The margin (finite).</param>
    /// <param name="weight">Optional non-negative class weights, one per class.</param>
    /// <param name="classes">The number of classes C, or 0 to infer it from the lengths.</param>
    public MultiMargin(int p = 1, double margin = 1.0, IReadOnlyList<double>? weight = null, int classes = 0)
    {
        P = p;
        Margin = margin;
        Weight = weight;
        Classes = classes;
    }

    /// <summary>The power p applied to each hinge term: 1 (default) or 2.</summary>
    public int P
    {
        get;
        init => field = value is 1 or 2 ? value : throw new ArgumentOutOfRangeException("p", value, "p must be 1 or 2");
    }

    /// <summary>The margin by which the target score should beat every other score (default 1, finite).</summary>
    public double Margin { get; init => field = Guard.Finite(value, "margin"); }

    /// <summary>Non-negative class weights w, one per class; item n is scaled by w[yₙ] (default null, all 1).</summary>
    public IReadOnlyList<double>? Weight { get; init => field = Guard.NonNegativeList(value, "weight"); }

    /// <summary>The number of classes C ≥ 0 (default 0: C = predictions / targets).</summary>
    public int Classes { get; init => field = ClassLayout.CheckClasses(value); }

    /// <inheritdoc/>
    public override string Name => "multi_margin";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictionLength, targetLength, allowProbabilities: false);
        ClassLayout.CheckClassList(Name, Weight, "weight", shape.Classes);
        return shape.Rows;
    }

    /// <inheritdoc/>
    public bool Equals(MultiMargin? other)
        => ReferenceEquals(this, other)
            || (base.Equals(other) && P == other.P && Margin.Equals(other.Margin) && Lists.Equal(Weight, other.Weight)
                && Classes == other.Classes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), P, Margin, Lists.Hash(Weight), Classes);

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictions.Length, targets.Length, allowProbabilities: false);
        int n = shape.Rows;
        int c = shape.Classes;
        for (int i = 0; i < n; i++)
        {
            ClassLayout.Index(Name, targets, i, c, ignoreIndex: null);
        }

        double[]? w = Lists.Array(Weight);
        double scale = reduction == Reduction.Mean ? 1.0 / n : 1;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = predictions.Slice(i * c, c);
            int y = ClassLayout.Index(Name, targets, i, c, ignoreIndex: null);
            double factor = (w is null ? 1 : w[y]) / c;
            double xy = Num.D(row[y]);
            double item = 0;
            double gy = 0;
            Span<T> g = gradient.IsEmpty ? default : gradient.Slice(i * c, c);
            for (int k = 0; k < c; k++)
            {
                if (k == y)
                {
                    continue;
                }

                double z = Margin - xy + Num.D(row[k]);
                double d = 0;
                if (z > 0)
                {
                    item += P == 1 ? z : z * z;
                    d = factor * (P == 1 ? 1 : 2 * z);
                    gy -= d;
                }

                if (!g.IsEmpty)
                {
                    g[k] = T.CreateTruncating(d * scale);
                }
            }

            item *= factor;
            if (!g.IsEmpty)
            {
                g[y] = T.CreateTruncating(gy * scale);
            }

            sum += item;
            if (!values.IsEmpty)
            {
                values[i] = T.CreateTruncating(item);
            }
        }

        return sum * scale;
    }
}
