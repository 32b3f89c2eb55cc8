using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Quantile (pinball) loss for quantile τ: ℓ = τ·(y − ŷ) if y ≥ ŷ, else (1 − τ)·(ŷ − y).
/// Gradient ∂ℓ/∂ŷ = −τ if y ≥ ŷ (tie included, as scikit-learn), else 1 − τ. τ = 0.5 is ½·L1.
/// </summary>
public sealed record Quantile : PointwiseLoss
{
    /// <summary>Creates a quantile loss.</summary>
    /// <param name="tau">The quantile τ ∈ (0, 1).</param>
    public Quantile(double tau = 0.5) => Tau = tau;

    /// <summary>The quantile τ ∈ (0, 1) (default 0.5, the median).</summary>
    public double Tau { get; init => field = Guard.OpenUnit(value, "tau"); }

    /// <inheritdoc/>
    public override string Name => "quantile";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(Tau)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T tau) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T r = target - prediction;
            if (r >= T.Zero)
            {
                derivative = -tau;
                return tau * r;
            }

            derivative = T.One - tau;
            return -(T.One - tau) * r;
        }
    }
}
