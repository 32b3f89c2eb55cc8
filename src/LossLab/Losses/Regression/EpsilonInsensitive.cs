using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// ε-insensitive loss (support-vector regression, scikit-learn <c>SGDRegressor</c>), z = ŷ − y:
/// ℓ = max(0, |z| − ε); gradient sign(z) outside the tube, 0 inside and at |z| = ε.
/// </summary>
public sealed record EpsilonInsensitive : PointwiseLoss
{
    /// <summary>Creates an ε-insensitive loss.</summary>
    /// <param name="epsilon">The half-width ε ≥ 0 of the tube where errors cost nothing.</param>
    public EpsilonInsensitive(double epsilon = 0.1) => Epsilon = epsilon;

    /// <summary>The half-width ε ≥ 0 of the tube (default 0.1).</summary>
    public double Epsilon { get; init => field = Guard.NonNegative(value, "epsilon"); }

    /// <inheritdoc/>
    public override string Name => "epsilon_insensitive";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(Epsilon), squared: false), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T epsilon, bool squared) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            T excess = T.Abs(z) - epsilon;
            if (!(excess > T.Zero))
            {
                derivative = T.Zero;
                return T.Zero;
            }

            T sign = Num.Sign(z);
            if (squared)
            {
                derivative = (excess + excess) * sign;
                return excess * excess;
            }

            derivative = sign;
            return excess;
        }
    }
}

/// <summary>
/// Squared ε-insensitive loss, z = ŷ − y: ℓ = max(0, |z| − ε)²; gradient 2·max(0, |z| − ε)·sign(z).
/// </summary>
public sealed record SquaredEpsilonInsensitive : PointwiseLoss
{
    /// <summary>Creates a squared ε-insensitive loss.</summary>
    /// <param name="epsilon">The half-width ε ≥ 0 of the tube where errors cost nothing.</param>
    public SquaredEpsilonInsensitive(double epsilon = 0.1) => Epsilon = epsilon;

    /// <summary>The half-width ε ≥ 0 of the tube (default 0.1).</summary>
    public double Epsilon { get; init => field = Guard.NonNegative(value, "epsilon"); }

    /// <inheritdoc/>
    public override string Name => "squared_epsilon_insensitive";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new EpsilonInsensitive.Op<T>(Num.C<T>(Epsilon), squared: true), predictions, targets, values, gradient, reduction);
}
