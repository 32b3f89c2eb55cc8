using System.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Hinge loss for labels y ∈ {−1, +1} and scores x: ℓ = max(0, 1 − y·x).
/// Gradient ∂ℓ/∂x = −y where 1 − y·x &gt; 0, else 0 (0 at the kink). Any other target value is an error.
/// <c>mean</c> divides by the number of elements.
/// </summary>
public sealed record Hinge : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "hinge";

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
            T m = T.One - target * prediction;
            if (m > T.Zero)
            {
                derivative = -target;
                return m;
            }

            derivative = T.Zero;
            return T.Zero;
        }
    }
}
