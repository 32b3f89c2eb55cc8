using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Gamma negative log-likelihood with a log link, as XGBoost's <c>reg:gamma</c> objective, for targets y &gt; 0.
/// The prediction f is log μ: ℓ(f, y) = y·e^(−f) + f, with ∂ℓ/∂f = 1 − y·e^(−f).
/// ℓ equals half the gamma deviance (y − μ)/μ − log(y/μ) plus 1 + log y, a term in y alone, so its minimiser over a
/// constant is μ = mean y.
/// </summary>
public sealed record GammaNll : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "gamma";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (!(targets[i] > T.Zero) || !T.IsFinite(targets[i]))
            {
                throw new ArgumentException($"gamma: target {i} is {targets[i]}; targets must be finite and > 0 (the prediction is log μ; use tweedie for targets with exact zeros)", nameof(targets));
            }
        }

        return Run(default(Op<T>), predictions, targets, values, gradient, reduction);
    }

    internal readonly struct Op<T> : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T ratio = target * T.Exp(-prediction);
            derivative = T.One - ratio;
            return ratio + prediction;
        }
    }
}
