using System.Numerics;
using System.Runtime.Intrinsics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Mean absolute error (PyTorch <c>L1Loss</c>): ℓ = |z| with z = ŷ − y.
/// Gradient ∂ℓ/∂ŷ = sign(z), and 0 at z = 0 (PyTorch's <c>sgn</c> convention).
/// </summary>
public sealed record L1 : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "l1";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Fused.Applies(values)
            ? Fused.Run(default(FusedOp), predictions, targets, gradient, reduction)
            : Run(default(Op<T>), predictions, targets, values, gradient, reduction);

    /// <inheritdoc/>
    private protected override bool EvaluateModels(ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        => RunModels(default(FusedOp), predictions, models, targets, gradient, values);

    internal readonly struct Op<T> : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            derivative = Num.Sign(z);
            return T.Abs(z);
        }
    }

    /// <summary>The fused float32 kernel: |z|, sign(z) with 0 at 0.</summary>
    internal readonly struct FusedOp : IFusedPointwise
    {
        public float Evaluate(float prediction, float target, out float derivative) => default(Op<float>).Evaluate(prediction, target, out derivative);

        public Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative)
        {
            Vector256<float> z = prediction - target;
            Vector256<float> one = Vector256<float>.One;
            derivative = (Vector256.GreaterThan(z, Vector256<float>.Zero) & one) - (Vector256.LessThan(z, Vector256<float>.Zero) & one);
            return Vector256.Abs(z);
        }
    }
}
