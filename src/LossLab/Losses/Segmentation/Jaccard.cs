
namespace LossLab.Losses;

/// <summary>
/// Soft Jaccard (IoU) loss over the whole span (one item), for probabilities ŷ ∈ [0, 1] (or logits x with
/// ŷ = σ(x) when <see cref="OverlapLoss.FromLogits"/>) and masks y ∈ [0, 1]:
/// ℓ = 1 − (I + smooth)/(Σy + Σŷ − I + smooth + eps), I = Σy·ŷ.
/// Gradient, with N = I + smooth and D = Σy + Σŷ − I + smooth + eps: ∂ℓ/∂ŷᵢ = −yᵢ/D + N(1 − yᵢ)/D²,
/// times σ(xᵢ)σ(−xᵢ) for logits. Sums are accumulated in double.
/// <c>mean</c>, <c>sum</c> and <c>none</c> (one value) all give the same value and gradient.
/// Equals <see cref="Tversky"/> with α = β = 1 when smooth = 0 (up to eps).
/// </summary>
public sealed record Jaccard : OverlapLoss
{
    /// <summary>Creates a Jaccard loss.</summary>
    /// <param name="smooth">The number ≥ 0 added to the numerator and the denominator.</param>
    /// <param name="eps">The number ≥ 0 added to the denominator.</param>
    /// <param name="fromLogits">Whether the predictions are logits (mapped through the sigmoid).</param>
    public Jaccard(double smooth = 0, double eps = 1e-7, bool fromLogits = false)
        : base(smooth, eps, fromLogits)
    {
    }

    /// <inheritdoc/>
    public override string Name => "jaccard";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        OverlapSums s = Overlap.Accumulate(Name, predictions, targets, FromLogits);
        double numerator = s.TruePositive + Smooth;
        double denominator = s.SumTarget + s.SumPrediction - s.TruePositive + Smooth + Eps;
        double loss = 1 - (numerator / denominator);
        double q = numerator / (denominator * denominator);
        double a = q;
        double b = -q - (1 / denominator);
        return Overlap.Finish(loss, a, b, predictions, targets, FromLogits, values, gradient);
    }
}
