using System.Numerics;
using System.Runtime.Intrinsics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Mean squared error (PyTorch <c>MSELoss</c>): ℓ = z² with z = ŷ − y. Gradient ∂ℓ/∂ŷ = 2z.
/// Note: optax's <c>l2_loss</c> is ½z²; LossLab follows PyTorch.
/// </summary>
public sealed record Mse : PointwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "mse";

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
            derivative = (z + z);
            return z * z;
        }
    }

    /// <summary>The fused float32 kernel: z², 2z.</summary>
    internal readonly struct FusedOp : IFusedPointwise
    {
        public float Evaluate(float prediction, float target, out float derivative) => default(Op<float>).Evaluate(prediction, target, out derivative);

        public Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative)
        {
            Vector256<float> z = prediction - target;
            derivative = z + z;
            return z * z;
        }
    }
}
