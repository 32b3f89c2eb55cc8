using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Cauchy (Lorentzian) loss with scale c, z = ŷ − y: ℓ = log(1 + ½(z/c)²) (Barron α = 0).
/// Gradient ∂ℓ/∂ŷ = 2z/(z² + 2c²). Beyond |z| = 2²⁰c it is computed as 2·log(|z|/c) − log 2 + log1p(2(c/z)²) with
/// gradient (2/z)/(1 + 2(c/z)²), so value and gradient stay finite for any finite inputs (even when z/c or ŷ − y
/// overflows the type).
/// </summary>
public sealed record Cauchy : PointwiseLoss
{
    /// <summary>Creates a Cauchy loss.</summary>
    /// <param name="c">The scale c &gt; 0.</param>
    public Cauchy(double c = 1.0) => C = c;

    /// <summary>The scale c &gt; 0 (default 1).</summary>
    public double C { get; init => field = Guard.Positive(value, "c"); }

    /// <inheritdoc/>
    public override string Name => "cauchy";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(C)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T c) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            // The exact difference is m·z (m = 2 only when p − t overflows).
            T z = Num.Difference(prediction, target, out T m);
            T a = T.Abs(z);
            T two = Num.C<T>(2);
            if (m == T.One && a <= c * Num.C<T>(1 << 20))
            {
                T u = z / c;
                T half = Num.C<T>(0.5) * u * u;
                derivative = (u / c) / (T.One + half);
                return Num.Log1P(half);
            }

            // Large |u| = |z|/c: ℓ = 2·log|u| − log 2 + log1p(2w²) and ∂ℓ/∂z = (2/z)/(1 + 2w²), w = 1/u = c/z,
            // with log|u| = log|z| + log m − log c so that neither u nor u² is formed.
            T w = c / z / m;
            derivative = (two / m / z) / (T.One + (two * w * w));
            return (two * (T.Log(a) + T.Log(m) - T.Log(c))) - T.Log(two) + Num.Log1P(two * w * w);
        }
    }
}
