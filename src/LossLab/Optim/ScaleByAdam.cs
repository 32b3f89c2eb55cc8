using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// Adam's direction (PyTorch <c>Adam</c>, t = step + 1):
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², (AMSGrad: v̂ ← max(v̂, v) and v̂ replaces v),
/// u = m / (1 − β₁ᵗ) / (√v / √(1 − β₂ᵗ) + ε) — ε is added after bias-correcting √v, as PyTorch does.
/// The learning rate is applied by the next link. β₁ may follow a schedule (one-cycle cycling).
/// </summary>
public sealed record ScaleByAdam : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    public ScaleByAdam(Schedule beta1, double beta2 = 0.999, double eps = 1e-8, bool amsgrad = false)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        Amsgrad = amsgrad;
    }

    /// <summary>β₁ ∈ [0, 1) (a schedule; a number converts to a constant).</summary>
    public Schedule Beta1 { get; init => field = value ?? throw new ArgumentNullException("betas"); }

    /// <summary>β₂ ∈ [0, 1).</summary>
    public double Beta2 { get; init => field = OptimGuard.Beta(value, "betas"); }

    /// <summary>ε ≥ 0.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <summary>Use the running maximum of v (AMSGrad).</summary>
    public bool Amsgrad { get; init; }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByAdam rule, int n) : TransformState
    {
        private readonly float[] _m = new float[n];
        private readonly float[] _v = new float[n];
        private readonly float[] _vMax = rule.Amsgrad ? new float[n] : [];

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            double beta1 = rule.Beta1.At(context.Step);
            float b1 = (float)beta1, b2 = (float)rule.Beta2, eps = (float)rule.Eps;
            float oneMinusB1 = (float)(1 - beta1), oneMinusB2 = (float)(1 - rule.Beta2);
            double t = context.T;
            float inverseBc1 = (float)(1 / (1 - Math.Pow(beta1, t)));
            float sqrtBc2 = (float)Math.Sqrt(1 - Math.Pow(rule.Beta2, t));
            bool ams = rule.Amsgrad;
            int i = 0;
            if (Vector256.IsHardwareAccelerated && !ams && updates.Length == _m.Length)
            {
                // Eight parameters at a time with the same operations in the same order as below (no fused
                // multiply-add; division and square root are correctly rounded in both), so the bits are the same.
                Vector256<float> vb1 = Vector256.Create(b1), vb2 = Vector256.Create(b2), ve = Vector256.Create(eps);
                Vector256<float> va1 = Vector256.Create(oneMinusB1), va2 = Vector256.Create(oneMinusB2);
                Vector256<float> vs = Vector256.Create(sqrtBc2), vc = Vector256.Create(inverseBc1);
                ref float u0 = ref MemoryMarshal.GetReference(updates);
                ref float m0 = ref MemoryMarshal.GetArrayDataReference(_m);
                ref float v0 = ref MemoryMarshal.GetArrayDataReference(_v);
                for (; i <= _m.Length - 8; i += 8)
                {
                    Vector256<float> g = Vector256.LoadUnsafe(ref u0, (nuint)i);
                    Vector256<float> m = (Vector256.LoadUnsafe(ref m0, (nuint)i) * vb1) + (va1 * g);
                    Vector256<float> v = (Vector256.LoadUnsafe(ref v0, (nuint)i) * vb2) + (va2 * g * g);
                    m.StoreUnsafe(ref m0, (nuint)i);
                    v.StoreUnsafe(ref v0, (nuint)i);
                    (m / ((Vector256.Sqrt(v) / vs) + ve) * vc).StoreUnsafe(ref u0, (nuint)i);
                }
            }

            for (; i < _m.Length; i++)
            {
                float g = updates[i];
                float m = _m[i] = (_m[i] * b1) + (oneMinusB1 * g);
                float v = _v[i] = (_v[i] * b2) + (oneMinusB2 * g * g);
                if (ams)
                {
                    v = _vMax[i] = MathF.Max(_vMax[i], v);
                }

                updates[i] = m / ((MathF.Sqrt(v) / sqrtBc2) + eps) * inverseBc1;
            }
        }
    }
}

/// <summary>Checks shared by the optimizer transforms.</summary>
internal static class OptimGuard
{
    /// <summary>A decay rate β ∈ [0, 1).</summary>
    public static double Beta(double value, string name)
        => value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} entries must lie in [0, 1)");
}
