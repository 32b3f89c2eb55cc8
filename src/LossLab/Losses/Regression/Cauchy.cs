using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Cauchy (Lorentzian) loss with scale c, z = ŷ − y: ℓ = log(1 + ½(z/c)²) (Barron α = 0).
/// Gradient ∂ℓ/∂ŷ = 2z/(z² + 2c²).
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
            T u = (prediction - target) / c;
            T half = Num.C<T>(0.5) * u * u;
            derivative = (u / c) / (T.One + half);
            return Num.Log1P(half);
        }
    }
}
