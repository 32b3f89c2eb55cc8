using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Pseudo-Huber (Charbonnier) loss, z = ŷ − y: ℓ = δ²(√(1 + (z/δ)²) − 1), gradient z/√(1 + (z/δ)²).
/// Computed as z²/(√(1 + (z/δ)²) + 1) to avoid cancellation; equals δ²·Barron(α = 1, c = δ).
/// </summary>
public sealed record PseudoHuber : PointwiseLoss
{
    /// <summary>Creates a pseudo-Huber loss.</summary>
    /// <param name="delta">The scale δ &gt; 0 where the loss turns from quadratic to linear.</param>
    public PseudoHuber(double delta = 1.0) => Delta = delta;

    /// <summary>The scale δ &gt; 0 (default 1).</summary>
    public double Delta { get; init => field = Guard.Positive(value, "delta"); }

    /// <inheritdoc/>
    public override string Name => "pseudo_huber";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(Delta)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T delta) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            T root = T.Hypot(T.One, z / delta);
            derivative = z / root;
            return T.Abs(z) * (T.Abs(z) / (root + T.One));
        }
    }
}
