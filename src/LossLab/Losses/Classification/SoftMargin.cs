using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Soft-margin loss (PyTorch <c>SoftMarginLoss</c>) for labels y ∈ {−1, +1} and scores x:
/// ℓ = log(1 + e^(−y·x)), computed as softplus(−y·x) so it never overflows.
/// Gradient ∂ℓ/∂x = −y·σ(−y·x). Any other target value is an error. <c>mean</c> divides by the number of elements.
/// </summary>
public sealed record SoftMargin : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "soft_margin";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassLayout.CheckSigns(Name, targets);
        return Run(default(Op<T>), predictions, targets, values, gradient, reduction);
    }

    internal readonly struct Op<T> : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = -target * prediction;
            derivative = -target * Num.Sigmoid(z);
            return Num.Softplus(z);
        }
    }
}
