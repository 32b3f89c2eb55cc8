using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// Lion's direction (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"; lucidrains/lion-pytorch):
/// c = β₁m + (1 − β₁)g, direction sign(c) (sign(0) = 0, and sign(NaN) = 0 as <c>torch.sign</c> gives),
/// then m ← β₂m + (1 − β₂)g. Its weight decay is decoupled (θ ← θ − η·λ·θ), as in <c>Optimizers.Lion</c>.
/// Both interpolations are fused multiply-adds, as PyTorch's CPU <c>add(…, alpha)</c> rounds them.
/// </summary>
public sealed record ScaleByLion : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="beta1">β₁ ∈ [0, 1]: the interpolation that gives the update's sign, or a schedule of it (one_cycle's cycled β₁; default 0.9).</param>
    /// <param name="beta2">β₂ ∈ [0, 1]: the decay of the momentum.</param>
    public ScaleByLion(Schedule? beta1 = null, double beta2 = 0.99)
    {
        Beta1 = beta1 ?? 0.9;
        Beta2 = beta2;
    }

    /// <summary>β₁ ∈ [0, 1] at each step in c = β₁m + (1 − β₁)g (lion-pytorch accepts the closed interval; one_cycle cycles it).</summary>
    public Schedule Beta1
    {
        get;
        init => field = value is ConstantSchedule { Value: var v } ? ClosedBeta(v) : value ?? throw new ArgumentNullException("betas");
    }

    /// <summary>β₂ ∈ [0, 1] in m ← β₂m + (1 − β₂)g.</summary>
    public double Beta2 { get; init => field = ClosedBeta(value); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private static double ClosedBeta(double value)
        => value >= 0 && value <= 1 ? value : throw new ArgumentOutOfRangeException("betas", value, "betas entries must lie in [0, 1]");

    private sealed class State(ScaleByLion rule, int n) : TransformState
    {
        private readonly float[] _m = new float[n];

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            double beta1 = rule.Beta1.At(context.Step);
            float b1 = (float)beta1, oneMinusB1 = (float)(1 - beta1);
            float b2 = (float)rule.Beta2, oneMinusB2 = (float)(1 - rule.Beta2);
            for (int i = 0; i < _m.Length; i++)
            {
                float g = updates[i];
                float m = _m[i];
                float c = (m * b1) + (oneMinusB1 * g);
                _m[i] = (m * b2) + (oneMinusB2 * g);
                updates[i] = c > 0 ? 1f : c < 0 ? -1f : 0f;
            }
        }
    }
}
