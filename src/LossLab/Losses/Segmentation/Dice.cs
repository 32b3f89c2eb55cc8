
namespace LossLab.Losses;

/// <summary>
/// Soft Dice loss over the whole span (one item), for probabilities ŷ ∈ [0, 1] (or logits x with ŷ = σ(x) when
/// <see cref="OverlapLoss.FromLogits"/>) and masks y ∈ [0, 1]:
/// ℓ = 1 − (2I + smooth)/(Σy + Σŷ + smooth + eps), I = Σy·ŷ.
/// Gradient, with N = 2I + smooth and D = Σy + Σŷ + smooth + eps: ∂ℓ/∂ŷᵢ = −2yᵢ/D + N/D²,
/// times σ(xᵢ)σ(−xᵢ) for logits. Sums are accumulated in double.
/// <c>mean</c>, <c>sum</c> and <c>none</c> (one value) all give the same value and gradient.
/// Equals <see cref="Tversky"/> with α = β = ½ when smooth = 0 (up to eps).
/// </summary>
public sealed record Dice : OverlapLoss
{
    /// <summary>Creates a Dice loss.</summary>
    /// <param name="smooth">The number ≥ 0 added to the numerator and the denominator.</param>
    /// <param name="eps">The number ≥ 0 added to the denominator.</param>
    /// <param name="fromLogits">Whether the predictions are logits (mapped through the sigmoid).</param>
    public Dice(double smooth = 0, double eps = 1e-7, bool fromLogits = false)
        : base(smooth, eps, fromLogits)
    {
    }

    /// <inheritdoc/>
    public override string Name => "dice";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        OverlapSums s = Overlap.Accumulate(Name, predictions, targets, FromLogits);
        double numerator = (2 * s.TruePositive) + Smooth;
        double denominator = s.SumTarget + s.SumPrediction + Smooth + Eps;
        double loss = 1 - (numerator / denominator);
        double a = numerator / (denominator * denominator);
        double b = -2 / denominator;
        return Overlap.Finish(loss, a, b, predictions, targets, FromLogits, values, gradient);
    }
}
