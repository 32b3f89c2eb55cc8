using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Tukey's biweight loss with tuning constant c, z = ŷ − y:
/// ℓ = c²/6·(1 − (1 − (z/c)²)³) for |z| ≤ c, c²/6 outside.
/// Gradient z·(1 − (z/c)²)² inside, 0 outside (outliers beyond c stop pulling entirely).
/// </summary>
public sealed record Tukey : PointwiseLoss
{
    /// <summary>Creates a Tukey biweight loss.</summary>
    /// <param name="c">The tuning constant c &gt; 0 (4.685 gives 95% efficiency under Gaussian noise of unit scale).</param>
    public Tukey(double c = 4.685) => C = c;

    /// <summary>The tuning constant c &gt; 0 (default 4.685).</summary>
    public double C { get; init => field = Guard.Positive(value, "c"); }

    /// <inheritdoc/>
    public override string Name => "tukey";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(C)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T c) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            T cap = c * c / Num.C<T>(6);
            if (T.Abs(z) > c)
            {
                derivative = T.Zero;
                return cap;
            }

            T u = z / c;
            T w = T.One - u * u;
            derivative = z * w * w;
            return cap * (T.One - w * w * w);
        }
    }
}
