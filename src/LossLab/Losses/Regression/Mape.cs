using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Mean absolute percentage error (Keras <c>MeanAbsolutePercentageError</c>):
/// ℓ = 100·|y − ŷ| / max(|y|, ε), ε = 1e-7. Gradient ∂ℓ/∂ŷ = 100·sign(ŷ − y)/max(|y|, ε).
/// </summary>
public sealed record Mape : PointwiseLoss
{
    /// <summary>Creates a MAPE loss.</summary>
    /// <param name="eps">The floor ε &gt; 0 on |y| in the denominator.</param>
    public Mape(double eps = 1e-7) => Eps = eps;

    /// <summary>The floor ε &gt; 0 on |y| (default 1e-7, Keras' epsilon).</summary>
    public double Eps { get; init => field = Guard.Positive(value, "eps"); }

    /// <inheritdoc/>
    public override string Name => "mape";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(Num.C<T>(Eps)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T eps) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T scale = Num.C<T>(100) / T.Max(T.Abs(target), eps);
            T z = prediction - target;
            derivative = Num.Sign(z) * scale;
            return T.Abs(z) * scale;
        }
    }
}
