using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Tweedie negative log-likelihood with a log link, as XGBoost's <c>reg:tweedie</c> and LightGBM's <c>tweedie</c>
/// objectives, for targets y ≥ 0. The prediction f is log μ and ρ ∈ (1, 2) is the variance power (Var y ∝ μ^ρ):
/// ℓ(f, y) = −y·e^((1−ρ)f)/(1−ρ) + e^((2−ρ)f)/(2−ρ), with ∂ℓ/∂f = −y·e^((1−ρ)f) + e^((2−ρ)f) = μ^(1−ρ)(μ − y).
/// It is half the Tweedie deviance less a term in y alone, so its minimiser over a constant is μ = mean y.
/// </summary>
public sealed record Tweedie : PointwiseLoss
{
    /// <summary>Creates a Tweedie loss.</summary>
    /// <param name="power">The variance power ρ, strictly between 1 (Poisson) and 2 (gamma); default 1.5 (XGBoost's).</param>
    public Tweedie(double power = 1.5) => Power = power;

    /// <summary>The variance power ρ ∈ (1, 2) (default 1.5).</summary>
    public double Power { get; init => field = Guard.OpenInterval(value, 1, 2, "power"); }

    /// <inheritdoc/>
    public override string Name => "tweedie";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (!(targets[i] >= T.Zero) || !T.IsFinite(targets[i]))
            {
                throw new ArgumentException($"tweedie: target {i} is {targets[i]}; targets must be finite and >= 0 (the prediction is log μ)", nameof(targets));
            }
        }

        return Run(new Op<T>(Num.C<T>(1 - Power), Num.C<T>(2 - Power)), predictions, targets, values, gradient, reduction);
    }

    internal readonly struct Op<T>(T oneMinus, T twoMinus) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T a = T.Exp(oneMinus * prediction);
            T b = T.Exp(twoMinus * prediction);
            // y·a with 0·a = 0: at y = 0 the term vanishes even where a overflows.
            T ya = target == T.Zero ? T.Zero : target * a;
            derivative = b - ya;

            // −y·a/(1−ρ) and b/(2−ρ) are both ≥ 0 (1 − ρ < 0), so the sum does not cancel.
            return (b / twoMinus) - (ya / oneMinus);
        }
    }
}
