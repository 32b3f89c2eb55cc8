using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Smooth L1 loss (PyTorch <c>SmoothL1Loss</c>, Fast R-CNN), z = ŷ − y:
/// ℓ = ½z²/β if |z| &lt; β, else |z| − ½β. Gradient: z/β inside, sign(z) outside.
/// β = 0 is exactly L1 (gradient 0 at z = 0, never NaN); SmoothL1(β) = Huber(δ = β)/β.
/// </summary>
public sealed record SmoothL1 : PointwiseLoss
{
    /// <summary>Creates a Smooth L1 loss.</summary>
    /// <param name="beta">The threshold β ≥ 0; β = 0 is L1.</param>
    public SmoothL1(double beta = 1.0) => Beta = beta;

    /// <summary>The threshold β ≥ 0 (default 1); β = 0 is L1.</summary>
    public double Beta { get; init => field = Guard.NonNegative(value, "beta"); }

    /// <inheritdoc/>
    public override string Name => "smooth_l1";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Beta == 0
            ? Run(default(L1.Op<T>), predictions, targets, values, gradient, reduction)
            : Run(new Op<T>(Num.C<T>(Beta)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(T beta) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            T a = T.Abs(z);
            if (a < beta)
            {
                derivative = z / beta;
                return Num.C<T>(0.5) * z * z / beta;
            }

            derivative = Num.Sign(z);
            return a - Num.C<T>(0.5) * beta;
        }
    }
}
