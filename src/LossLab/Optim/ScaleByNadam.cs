using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// NAdam's direction (Dozat 2016, PyTorch <c>NAdam</c>; t = step + 1, ψ = momentum_decay):
/// μ_t = β₁(1 − ½·0.96^(tψ)), μ_{t+1} = β₁(1 − ½·0.96^((t+1)ψ)); Π ← Π·μ_t (Π starts at 1);
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², d = √v/√(1 − β₂ᵗ) + ε;
/// direction (1 − μ_t)/(1 − Π)·g/d + μ_{t+1}/(1 − Π·μ_{t+1})·m/d.
/// This is the published formula, which PyTorch's multi-tensor path (and every version since 2.0) computes;
/// PyTorch 1.13's single-tensor path multiplied Π by μ_t twice in the second denominator (fixed upstream).
/// Π is kept in float32, as PyTorch keeps it in a float32 tensor.
/// </summary>
public sealed record ScaleByNadam : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="beta1">β₁ ∈ [0, 1), or a schedule of it (one_cycle's cycled β₁; default 0.9).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="eps">ε ≥ 0, added after bias-correcting √v.</param>
    /// <param name="momentumDecay">ψ ≥ 0 in μ_t = β₁(1 − ½·0.96^(tψ)).</param>
    public ScaleByNadam(Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8, double momentumDecay = 4e-3)
    {
        Beta1 = Optimizers.Beta1(beta1);
        Beta2 = beta2;
        Eps = eps;
        MomentumDecay = momentumDecay;
    }

    /// <summary>
    /// β₁ ∈ [0, 1) at each step: m ← β₁m + (1 − β₁)g and μ_t = β₁(1 − ½·0.96^(tψ)), μ_{t+1} with the same step's β₁
    /// (as PyTorch reads <c>betas</c> from the parameter group at every step, which one_cycle cycles).
    /// </summary>
    public Schedule Beta1 { get; init => field = Optimizers.Beta1(value); }

    /// <summary>β₂ ∈ [0, 1): v ← β₂v + (1 − β₂)g², bias-corrected by 1 − β₂ᵗ.</summary>
    public double Beta2 { get; init => field = OptimGuard.Beta(value, "betas"); }

    /// <summary>ε ≥ 0 in d = √(v/(1 − β₂ᵗ)) + ε.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <summary>ψ ≥ 0 (PyTorch's <c>momentum_decay</c>) in μ_t = β₁(1 − ½·0.96^(tψ)).</summary>
    public double MomentumDecay { get; init => field = Guard.NonNegative(value, "momentum_decay"); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByNadam rule, int n) : TransformState
    {
        private readonly float[] _m = new float[n];
        private readonly float[] _v = new float[n];
        private float _muProduct = 1f;

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            double beta1 = rule.Beta1.At(context.Step), beta2 = rule.Beta2, psi = rule.MomentumDecay;
            double t = context.T;
            double mu = beta1 * (1 - (0.5 * Math.Pow(0.96, t * psi)));
            double muNext = beta1 * (1 - (0.5 * Math.Pow(0.96, (t + 1) * psi)));

            // PyTorch multiplies float32 tensors by Python floats: each product is rounded to float32.
            _muProduct *= (float)mu;
            float muProductNext = _muProduct * (float)muNext;
            float gradCoefficient = (float)((1 - mu) / (1 - (double)_muProduct));
            float momentumCoefficient = (float)(muNext / (1 - (double)muProductNext));

            float b1 = (float)beta1, oneMinusB1 = (float)(1 - beta1);
            float b2 = (float)beta2, oneMinusB2 = (float)(1 - beta2);
            float sqrtBc2 = (float)Math.Sqrt(1 - Math.Pow(beta2, t));
            float eps = (float)rule.Eps;
            for (int i = 0; i < _m.Length; i++)
            {
                float g = updates[i];
                float m = _m[i] = (_m[i] * b1) + (oneMinusB1 * g);
                float v = _v[i] = (_v[i] * b2) + (oneMinusB2 * g * g);
                float denom = (MathF.Sqrt(v) / sqrtBc2) + eps;
                updates[i] = (gradCoefficient * g / denom) + (momentumCoefficient * m / denom);
            }
        }
    }
}
