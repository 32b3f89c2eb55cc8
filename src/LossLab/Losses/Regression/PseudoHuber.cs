using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Pseudo-Huber (Charbonnier) loss, z = ŷ − y: ℓ = δ²(√(1 + (z/δ)²) − 1), gradient z/√(1 + (z/δ)²).
/// Computed as z²/(√(1 + (z/δ)²) + 1) for |z| ≤ δ and as δ|z|(√(1 + r²) − r), r = δ/|z|, with gradient
/// δ·sign(z)/√(1 + r²) beyond, so no intermediate overflows: the gradient is finite for any finite inputs and the value
/// is +∞ only where it exceeds the range of the type. Equals δ²·Barron(α = 1, c = δ).
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
            // The exact difference is m·z (m = 2 only when p − t overflows).
            T z = Num.Difference(prediction, target, out T m);
            T a = T.Abs(z);
            if (m == T.One && a <= delta)
            {
                T root = T.Hypot(T.One, z / delta);
                derivative = z / root;
                return a * (a / (root + T.One));
            }

            // |z| > δ: with r = δ/|z| ≤ 1, ℓ = δ|z|(√(1 + r²) − r) and ∂ℓ/∂z = δ·sign(z)/√(1 + r²); nothing overflows
            // unless ℓ itself does (then +∞).
            T r = delta / a / m;
            T s = T.Hypot(T.One, r);
            derivative = delta * Num.Sign(z) / s;
            return delta * a * m * (s - r);
        }
    }
}
