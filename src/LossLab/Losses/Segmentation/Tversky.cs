using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Tversky loss over the whole span (one item), for probabilities ŷ ∈ [0, 1] (or logits x with ŷ = σ(x) when
/// <see cref="OverlapLoss.FromLogits"/>) and masks y ∈ [0, 1], with TP = Σyŷ, FP = Σ(1 − y)ŷ, FN = Σy(1 − ŷ):
/// ℓ = 1 − (TP + smooth)/(TP + α·FP + β·FN + smooth + eps).
/// Gradient, with N = TP + smooth and D = TP + α·FP + β·FN + smooth + eps:
/// ∂ℓ/∂ŷᵢ = −yᵢ/D + N·(yᵢ + α(1 − yᵢ) − β·yᵢ)/D², times σ(xᵢ)σ(−xᵢ) for logits. Sums are accumulated in double.
/// <c>mean</c>, <c>sum</c> and <c>none</c> (one value) all give the same value and gradient.
/// α = β = ½ gives <see cref="Dice"/>, α = β = 1 gives <see cref="Jaccard"/> (when smooth = 0, up to eps).
/// </summary>
public sealed record Tversky : OverlapLoss
{
    /// <summary>Creates a Tversky loss.</summary>
    /// <param name="alpha">The weight α ≥ 0 of the false positives.</param>
    /// <param name="beta">The weight β ≥ 0 of the false negatives.</param>
    /// <param name="smooth">The number ≥ 0 added to the numerator and the denominator.</param>
    /// <param name="eps">The number ≥ 0 added to the denominator.</param>
    /// <param name="fromLogits">Whether the predictions are logits (mapped through the sigmoid).</param>
    public Tversky(double alpha = 0.5, double beta = 0.5, double smooth = 0, double eps = 1e-7, bool fromLogits = false)
        : base(smooth, eps, fromLogits)
    {
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>The weight α ≥ 0 of the false positives (default 0.5).</summary>
    public double Alpha { get; init => field = Guard.NonNegative(value, "alpha"); }

    /// <summary>The weight β ≥ 0 of the false negatives (default 0.5).</summary>
    public double Beta { get; init => field = Guard.NonNegative(value, "beta"); }

    /// <inheritdoc/>
    public override string Name => "tversky";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        OverlapSums s = Overlap.Accumulate(Name, predictions, targets, FromLogits);
        double numerator = s.TruePositive + Smooth;
        double denominator = s.TruePositive + (Alpha * s.FalsePositive) + (Beta * s.FalseNegative) + Smooth + Eps;
        double loss = 1 - (numerator / denominator);

        // ∂ℓ/∂ŷᵢ = −yᵢ/D + N(α + yᵢ(1 − α − β))/D² = a + b·yᵢ.
        double q = numerator / (denominator * denominator);
        double a = q * Alpha;
        double b = (q * (1 - Alpha - Beta)) - (1 / denominator);
        return Overlap.Finish(loss, a, b, predictions, targets, FromLogits, values, gradient);
    }
}
