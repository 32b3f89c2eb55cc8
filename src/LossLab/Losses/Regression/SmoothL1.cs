using System.Numerics;
using System.Runtime.Intrinsics;
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
            : Fused.Applies(values)
                ? Fused.Run(new FusedOp((float)Beta), predictions, targets, gradient, reduction)
                : Run(new Op<T>(Num.C<T>(Beta)), predictions, targets, values, gradient, reduction);

    /// <inheritdoc/>
    private protected override bool EvaluateModels(ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        => Beta == 0
            ? RunModels(default(L1.FusedOp), predictions, models, targets, gradient, values)
            : RunModels(new FusedOp((float)Beta), predictions, models, targets, gradient, values);

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

            // As PyTorch's backward: −1 below −β, 1 above β, z/β otherwise (so NaN stays NaN).
            derivative = z < -beta ? -T.One : z > beta ? T.One : z / beta;
            return a - Num.C<T>(0.5) * beta;
        }
    }

    /// <summary>
    /// The fused float32 kernel: the derivative is clamp(z/β, −1, 1) (z/β inside the band, sign z outside, NaN kept),
    /// the value ½z²/β inside and |z| − ½β outside, as the scalar operator computes them.
    /// </summary>
    internal readonly struct FusedOp(float beta) : IFusedPointwise
    {
        public float Evaluate(float prediction, float target, out float derivative) => new Op<float>(beta).Evaluate(prediction, target, out derivative);

        public Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative)
        {
            Vector256<float> b = Vector256.Create(beta);
            Vector256<float> half = Vector256.Create(0.5f);
            Vector256<float> z = prediction - target;
            Vector256<float> a = Vector256.Abs(z);
            derivative = Vector256.MinNative(Vector256<float>.One, Vector256.MaxNative(-Vector256<float>.One, z / b));
            Vector256<float> inside = half * z * z / b;
            return Vector256.ConditionalSelect(Vector256.LessThan(a, b), inside, a - (half * b));
        }
    }
}
