using System.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Squared hinge loss for labels y ∈ {−1, +1} and scores x: ℓ = max(0, 1 − y·x)².
/// Gradient ∂ℓ/∂x = −2y·max(0, 1 − y·x) (continuous). Any other target value is an error.
/// <c>mean</c> divides by the number of elements.
/// </summary>
public sealed record SquaredHinge : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "squared_hinge";

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
            T m = T.Max(T.One - target * prediction, T.Zero);
            derivative = -(target + target) * m;
            return m * m;
        }
    }
}
