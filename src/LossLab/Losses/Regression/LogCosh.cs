using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Log-cosh loss, z = ŷ − y: ℓ = log cosh z, gradient tanh z.
/// Computed stably: for |z| ≥ 1 as |z| + log1p(e^(−2|z|)) − log 2 (finite for |z| up to 1e30 and beyond);
/// for |z| &lt; 1 as log1p(2·sinh²(z/2)), which keeps full relative precision near 0.
/// </summary>
public sealed record LogCosh : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "log_cosh";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(default(Op<T>), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T> : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            T a = T.Abs(z);
            derivative = T.Tanh(z);
            if (a < T.One)
            {
                T s = T.Sinh(Num.C<T>(0.5) * z);
                return Num.Log1P(s * s + s * s);
            }

            return a + Num.Log1P(T.Exp(-(a + a))) - Num.C<T>(Math.Log(2));
        }
    }
}
