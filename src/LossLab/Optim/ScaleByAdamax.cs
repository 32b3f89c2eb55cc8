using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// Adamax's direction (PyTorch <c>Adamax</c>, t = step + 1): m ← β₁m + (1 − β₁)g,
/// u ← max(β₂·u, |g| + ε) (ε is added to |g| before the maximum, not to the denominator),
/// direction m/u/(1 − β₁ᵗ). PyTorch then does θ ← θ − lr/(1 − β₁ᵗ)·m/u. β₁ may follow a schedule.
/// m is updated with one fused multiply-add, (1 − β₁)·g + β₁·m, as PyTorch's CPU <c>add_(…, alpha)</c> rounds.
/// </summary>
public sealed record ScaleByAdamax : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="beta1">β₁ ∈ [0, 1) (a schedule; a number converts to a constant).</param>
    /// <param name="beta2">β₂ ∈ [0, 1): the decay of the infinity norm.</param>
    /// <param name="eps">ε ≥ 0, added to |g|.</param>
    public ScaleByAdamax(Schedule beta1, double beta2 = 0.999, double eps = 1e-8)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
    }

    /// <summary>β₁ ∈ [0, 1) in m ← β₁m + (1 − β₁)g and the bias correction 1 − β₁ᵗ (a schedule).</summary>
    public Schedule Beta1 { get; init => field = value ?? throw new ArgumentNullException("betas"); }

    /// <summary>β₂ ∈ [0, 1) in u ← max(β₂·u, |g| + ε).</summary>
    public double Beta2 { get; init => field = OptimGuard.Beta(value, "betas"); }

    /// <summary>ε ≥ 0 in u ← max(β₂·u, |g| + ε).</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByAdamax rule, int n) : TransformState
    {
        private readonly float[] _m = new float[n];
        private readonly float[] _inf = new float[n];

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            double beta1 = rule.Beta1.At(context.Step);
            float b1 = (float)beta1, oneMinusB1 = (float)(1 - beta1);
            float b2 = (float)rule.Beta2, eps = (float)rule.Eps;
            float inverseBc1 = (float)(1 / (1 - Math.Pow(beta1, context.T)));
            for (int i = 0; i < _m.Length; i++)
            {
                float g = updates[i];
                float m = _m[i] = (_m[i] * b1) + (oneMinusB1 * g);
                float u = _inf[i] = MathF.Max(_inf[i] * b2, MathF.Abs(g) + eps);
                updates[i] = inverseBc1 * m / u;
            }
        }
    }
}
