using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Sigmoid focal loss (Lin et al. 2017; torchvision <c>sigmoid_focal_loss</c>) on logits x with targets t ∈ [0, 1]:
/// p = σ(x), ce = softplus(x) − t·x (BCE with logits), p_t = p·t + (1 − p)(1 − t),
/// ℓ = α_t·ce·(1 − p_t)^γ with α_t = α·t + (1 − α)(1 − t) (α_t = 1 when α = −1).
/// Gradient ∂ℓ/∂x = α_t·[(p − t)·(1 − p_t)^γ − γ·ce·(1 − p_t)^(γ−1)·(2t − 1)·p·(1 − p)], the second term taken as 0
/// where 1 − p_t = 0. 1 − p_t is computed as p·(1 − t) + σ(−x)·t and p·(1 − p) as σ(x)·σ(−x), so both stay accurate
/// for large |x|. γ = 0 and α = −1 give BCE with logits. <c>mean</c> divides by the number of elements
/// (torchvision's own default reduction is <c>none</c>). A target outside [0, 1] is an error.
/// <para>
/// γ &lt; 1 at saturated logits (|x| ≳ 17 in float32, on the side of the target): (1 − p_t)^(γ−1) is infinite where
/// 1 − p_t = 0, and PyTorch's autograd multiplies it by p(1 − p) = 0, giving a NaN gradient. LossLab keeps 1 − p_t
/// accurate (it is σ(−x), not 1 − σ(x)) and takes the term as 0 where 1 − p_t underflows to 0, so the gradient there is
/// a finite number near 0 (exactly 0 once σ(−|x|) underflows): the limit of the exact gradient, not NaN.
/// </para>
/// </summary>
public sealed record Focal : PointwiseLoss
{
    /// <summary>Creates a sigmoid focal loss.</summary>
    /// <param name="alpha">The positive-class balance α ∈ [0, 1], or −1 for no balancing.</param>
    /// <param name="gamma">The focusing exponent γ ≥ 0.</param>
    public Focal(double alpha = 0.25, double gamma = 2.0)
    {
        Alpha = alpha;
        Gamma = gamma;
    }

    /// <summary>
    /// The balance α ∈ [0, 1] of the positive class (default 0.25): positives are scaled by α, negatives by 1 − α.
    /// Exactly −1 disables the balancing.
    /// </summary>
    public double Alpha
    {
        get;
        init => field = value == -1 || (value >= 0 && value <= 1)
            ? value
            : throw new ArgumentOutOfRangeException("alpha", value, "alpha must lie in [0, 1], or be -1 to disable the balancing");
    }

    /// <summary>The focusing exponent γ ≥ 0 (default 2); larger values down-weight well-classified elements more.</summary>
    public double Gamma { get; init => field = Guard.NonNegative(value, "gamma"); }

    /// <inheritdoc/>
    public override string Name => "focal";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassLayout.CheckUnitTargets(Name, targets);
        return Run(new Op<T>(Alpha == -1, Num.C<T>(Alpha), Num.C<T>(Gamma)), predictions, targets, values, gradient, reduction);
    }

    internal readonly struct Op<T>(bool noAlpha, T alpha, T gamma) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T x = prediction;
            T t = target;
            T p = Num.Sigmoid(x);
            T pm = Num.Sigmoid(-x);
            T ce = Num.Softplus(x) - t * x;
            T q = p * (T.One - t) + pm * t;
            T modulator = T.Pow(q, gamma);
            T alphaT = noAlpha ? T.One : alpha * t + (T.One - alpha) * (T.One - t);

            // γ·ce·q^(γ−1)·(2t − 1)·p(1 − p), written as γ·ce·q^γ·(2t − 1)·[p(1 − p)/q]; p(1 − p) ≤ q, so nothing overflows.
            T focus = T.Zero;
            if (q > T.Zero && gamma != T.Zero)
            {
                focus = gamma * ce * modulator * (t + t - T.One) * (p * pm / q);
            }

            derivative = alphaT * ((p - t) * modulator - focus);
            return alphaT * ce * modulator;
        }
    }
}
