using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Mean absolute error (PyTorch <c>L1Loss</c>): ℓ = |z| with z = ŷ − y.
/// Gradient ∂ℓ/∂ŷ = sign(z), and 0 at z = 0 (PyTorch's <c>sgn</c> convention).
/// </summary>
public sealed record L1 : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "l1";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(default(Op<T>), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T> : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            derivative = Num.Sign(z);
            return T.Abs(z);
        }
    }
}
