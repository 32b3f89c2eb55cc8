using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Barron's general and adaptive robust loss (CVPR 2019) with shape α and scale c, x = ŷ − y, z = x/c:
/// ρ = (|α − 2|/α)·((z²/|α − 2| + 1)^(α/2) − 1).
/// Special cases handled exactly: α = 2 → ½z² (L2), α = 1 → √(z² + 1) − 1 (Charbonnier),
/// α = 0 → log(½z² + 1) (Cauchy), α = −2 → 2z²/(z² + 4) (Geman–McClure), α = −∞ → 1 − exp(−½z²) (Welsch).
/// Gradient ∂ρ/∂ŷ = (x/c²)·(z²/|α − 2| + 1)^(α/2 − 1) (limits: x/c², (x/c²)/(½z² + 1), (x/c²)·exp(−½z²)).
/// </summary>
public sealed record Barron : PointwiseLoss
{
    /// <summary>Creates a Barron loss.</summary>
    /// <param name="alpha">The shape α (any real number, or negative infinity).</param>
    /// <param name="c">The scale c &gt; 0.</param>
    public Barron(double alpha = 1.0, double c = 1.0)
    {
        Alpha = alpha;
        C = c;
    }

    /// <summary>The shape α: 2 is L2, 1 Charbonnier, 0 Cauchy, −2 Geman–McClure, −∞ Welsch (default 1).</summary>
    public double Alpha
    {
        get;
        init => field = double.IsNaN(value) || double.IsPositiveInfinity(value)
            ? throw new ArgumentOutOfRangeException("alpha", value, "alpha must be a finite number or -inf")
            : value;
    }

    /// <summary>The scale c &gt; 0 (default 1).</summary>
    public double C { get; init => field = Guard.Positive(value, "c"); }

    /// <inheritdoc/>
    public override string Name => "barron";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Alpha, Num.C<T>(C)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(double alpha, T c) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T x = prediction - target;
            T z = x / c;
            T z2 = z * z;
            T slope = x / (c * c);
            T half = Num.C<T>(0.5);
            if (alpha == 2)
            {
                derivative = slope;
                return half * z2;
            }

            if (alpha == 0)
            {
                T q = half * z2;
                derivative = slope / (q + T.One);
                return Num.Log1P(q);
            }

            if (double.IsNegativeInfinity(alpha))
            {
                T e = T.Exp(-half * z2);
                derivative = slope * e;
                return -Num.ExpM1(-half * z2);
            }

            T a = Num.C<T>(alpha);
            T b = T.Abs(a - Num.C<T>(2));
            T l = Num.Log1P(z2 / b);

            // (z²/b + 1)^(α/2) − 1 = expm1(α/2·log1p(z²/b)), stable near α = 0 and for small z.
            derivative = slope * T.Exp((half * a - T.One) * l);
            return b / a * Num.ExpM1(half * a * l);
        }
    }
}
