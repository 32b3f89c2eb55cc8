using System.Numerics;
using System.Runtime.Intrinsics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Huber loss (PyTorch <c>HuberLoss</c>), z = ŷ − y:
/// ℓ = ½z² if |z| &lt; δ, else δ(|z| − ½δ). Gradient: z inside, δ·sign(z) outside (continuous).
/// Huber(δ) = δ·SmoothL1(β = δ); it tends to ½·MSE as δ grows.
/// </summary>
public sealed record Huber : PointwiseLoss
{
    /// <summary>Creates a Huber loss.</summary>
    /// <param name="delta">The threshold δ &gt; 0 between the quadratic and the linear part.</param>
    public Huber(double delta = 1.0) => Delta = delta;

    /// <summary>The threshold δ &gt; 0 between the quadratic and the linear part (default 1).</summary>
    public double Delta { get; init => field = Guard.Positive(value, "delta"); }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Fused.Applies(values)
            ? Fused.Run(new FusedOp((float)Delta), predictions, targets, gradient, reduction)
            : Run(new Op<T>(Num.C<T>(Delta)), predictions, targets, values, gradient, reduction);

    /// <inheritdoc/>
    private protected override bool EvaluateModels(ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        => RunModels(new FusedOp((float)Delta), predictions, models, targets, gradient, values);

    internal readonly struct Op<T>(T delta) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T z = prediction - target;
            T a = T.Abs(z);
            if (a < delta)
            {
                derivative = z;
                return Num.C<T>(0.5) * z * z;
            }

            // As PyTorch's backward: −δ below −δ, δ above δ, z itself otherwise (so NaN stays NaN).
            derivative = z < -delta ? -delta : z > delta ? delta : z;
            return delta * (a - Num.C<T>(0.5) * delta);
        }
    }

    /// <summary>The fused float32 kernel: the derivative is clamp(z, −δ, δ).</summary>
    internal readonly struct FusedOp(float delta) : IFusedPointwise
    {
        public float Evaluate(float prediction, float target, out float derivative) => new Op<float>(delta).Evaluate(prediction, target, out derivative);

        public Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative)
        {
            Vector256<float> d = Vector256.Create(delta);
            Vector256<float> half = Vector256.Create(0.5f);
            Vector256<float> z = prediction - target;
            Vector256<float> a = Vector256.Abs(z);
            derivative = Vector256.MinNative(d, Vector256.MaxNative(-d, z));
            // c = min(|z|, δ): c·(|z| − c/2) is ½z² inside the band and δ(|z| − δ/2) outside, with no select.
            Vector256<float> c = Vector256.MinNative(a, d);
            return c * (a - (half * c));
        }
    }
}
