using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// RAdam's direction (PyTorch <c>RAdam</c>, t = step + 1): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ);
/// ρ∞ = 2/(1 − β₂) − 1, ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ). When ρ_t &gt; 5:
/// r = √((ρ_t − 4)(ρ_t − 2)ρ∞/((ρ∞ − 4)(ρ∞ − 2)ρ_t)) and the direction is m̂·√(1 − β₂ᵗ)/(√v + ε)·r
/// (ε on the raw √v); otherwise the direction is m̂ (with β₂ = 0.999 the first five steps are momentum steps).
/// m and v are updated with fused multiply-adds, as PyTorch's CPU <c>add_(…, alpha)</c> and <c>addcmul_</c> round.
/// </summary>
public sealed record ScaleByRadam : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="beta1">β₁ ∈ [0, 1), or a schedule of it (one_cycle's cycled β₁; default 0.9).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="eps">ε ≥ 0, added to √v before the bias correction.</param>
    public ScaleByRadam(Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8)
    {
        Beta1 = Optimizers.Beta1(beta1);
        Beta2 = beta2;
        Eps = eps;
    }

    /// <summary>
    /// β₁ ∈ [0, 1) at each step: m ← β₁m + (1 − β₁)g, m̂ = m/(1 − β₁ᵗ) with that step's β₁ (as PyTorch, which reads
    /// <c>betas</c> from the parameter group at every step, which one_cycle cycles).
    /// </summary>
    public Schedule Beta1 { get; init => field = Optimizers.Beta1(value); }

    /// <summary>β₂ ∈ [0, 1): v ← β₂v + (1 − β₂)g², and ρ∞ = 2/(1 − β₂) − 1.</summary>
    public double Beta2 { get; init => field = OptimGuard.Beta(value, "betas"); }

    /// <summary>ε ≥ 0 in √(1 − β₂ᵗ)/(√v + ε).</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByRadam rule, int n) : TransformState
    {
        private readonly float[] _m = new float[n];
        private readonly float[] _v = new float[n];

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            double beta1 = rule.Beta1.At(context.Step), beta2 = rule.Beta2;
            double t = context.T;
            double bc1 = 1 - Math.Pow(beta1, t);
            double bc2 = 1 - Math.Pow(beta2, t);
            double rhoInf = (2 / (1 - beta2)) - 1;
            double rhoT = rhoInf - (2 * t * Math.Pow(beta2, t) / bc2);
            bool rectify = rhoT > 5;
            float rect = rectify
                ? (float)Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))
                : 1f;
            float sqrtBc2 = (float)Math.Sqrt(bc2);
            float b1 = (float)beta1, oneMinusB1 = (float)(1 - beta1);
            float b2 = (float)beta2, oneMinusB2 = (float)(1 - beta2);
            float bc1f = (float)bc1, eps = (float)rule.Eps;
            for (int i = 0; i < _m.Length; i++)
            {
                float g = updates[i];
                float m = _m[i] = (_m[i] * b1) + (oneMinusB1 * g);
                float v = _v[i] = (_v[i] * b2) + (oneMinusB2 * g * g);
                float corrected = m / bc1f;
                updates[i] = rectify ? corrected * (1f / (MathF.Sqrt(v) + eps) * sqrtBc2) * rect : corrected;
            }
        }
    }
}
