using System.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Mean squared error (PyTorch <c>MSELoss</c>): ℓ = z² with z = ŷ − y. Gradient ∂ℓ/∂ŷ = 2z.
/// Note: optax's <c>l2_loss</c> is ½z²; LossLab follows PyTorch.
/// </summary>
public sealed record Mse : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "mse";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(default(Op<T>), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T> : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            derivative = (z + z);
            return z * z;
        }
    }
}
