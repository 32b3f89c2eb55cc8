using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// The fused float32 kernel, with a = |z| and t = a²: below a = 1, log cosh z = t·P(t) and tanh z = z·Q(t), with P
    /// and Q degree-7 least-relative-error fits on t ∈ [0, 1] (about 1 ulp in float; fitted by the script in
    /// <c>tools/fit_log_cosh.py</c>); from a = 1 on, with e = e^(−2a) ≤ e⁻², tanh z = sign(z)·(1 − e)/(1 + e) and
    /// log cosh z = (a − log 2) + log1p(e), where nothing cancels. NaN stays NaN.
    /// </summary>
    internal readonly struct FusedOp : IFusedPointwise
    {
        public float Evaluate(float prediction, float target, out float derivative) => default(Op<float>).Evaluate(prediction, target, out derivative);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative)
        {
            Vector256<float> one = Vector256<float>.One;
            Vector256<float> z = prediction - target;
            Vector256<float> a = Vector256.Abs(z);
            Vector256<float> t = z * z;
            Vector256<float> p = VectorMath.Polynomial7(
                t, 0.5f, -8.333329856e-02f, 2.222150378e-02f, -6.740025245e-03f, 2.161917044e-03f, -6.803068100e-04f, 1.768402144e-04f, -2.579826833e-05f);
            Vector256<float> q = VectorMath.Polynomial7(
                t, 1f, -3.333327770e-01f, 1.333215982e-01f, -5.387091264e-02f, 2.146482468e-02f, -7.917450741e-03f, 2.282233909e-03f, -3.533467243e-04f);

            Vector256<float> e = VectorMath.ExpNonPositive(-(a + a));
            Vector256<float> signBit = Vector256.Create(-0.0f);
            Vector256<float> tanh = ((one - e) / (one + e)) | (z & signBit);
            Vector256<float> small = Vector256.LessThan(a, one);
            derivative = Vector256.ConditionalSelect(small, z * q, tanh);
            return Vector256.ConditionalSelect(small, t * p, (a - Vector256.Create(0.6931471805599453f)) + VectorMath.Log1PUnit(e));
        }
    }
}
