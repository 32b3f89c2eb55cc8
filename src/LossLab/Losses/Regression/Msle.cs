using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Mean squared logarithmic error (Keras <c>MeanSquaredLogarithmicError</c>):
/// ℓ = (log(1 + max(ŷ, ε)) − log(1 + max(y, ε)))², ε = 1e-7.
/// Gradient ∂ℓ/∂ŷ = 2(log(1 + ŷ) − log(1 + max(y, ε)))/(1 + ŷ) where ŷ &gt; ε, else 0 (the clamp is flat).
/// </summary>
public sealed record Msle : PointwiseLoss
{
    /// <summary>Creates an MSLE loss.</summary>
    /// <param name="eps">The floor ε ≥ 0 applied to predictions and targets before the logarithm.</param>
    public Msle(double eps = 1e-7) => Eps = eps;

    /// <summary>The floor ε ≥ 0 applied before the logarithm (default 1e-7, Keras' epsilon).</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <inheritdoc/>
    public override string Name => "msle";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(Eps)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T eps) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T p = T.Max(prediction, eps);
            T d = Num.Log1P(p) - Num.Log1P(T.Max(target, eps));
            derivative = prediction > eps ? (d + d) / (T.One + p) : T.Zero;
            return d * d;
        }
    }
}
