using LossLab.Numerics;

namespace LossLab.Optim;

/// <summary>
/// Adadelta's direction (PyTorch <c>Adadelta</c>): v ← ρv + (1 − ρ)g², Δ = √(u + ε)/√(v + ε)·g,
/// u ← ρu + (1 − ρ)Δ², direction Δ (ε inside both roots). PyTorch then does θ ← θ − lr·Δ (default lr = 1).
/// Both averages are updated with one fused multiply-add, ρ·v + ((1 − ρ)·g)·g, as PyTorch's CPU <c>addcmul_</c> rounds.
/// </summary>
public sealed record ScaleByAdadelta : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="rho">ρ ∈ [0, 1]: the decay of both running averages.</param>
    /// <param name="eps">ε ≥ 0, added inside both square roots.</param>
    public ScaleByAdadelta(double rho = 0.9, double eps = 1e-6)
    {
        Rho = rho;
        Eps = eps;
    }

    /// <summary>ρ ∈ [0, 1]: v ← ρv + (1 − ρ)g² and u ← ρu + (1 − ρ)Δ².</summary>
    public double Rho { get; init => field = Guard.ClosedUnit(value, "rho"); }

    /// <summary>ε ≥ 0 in Δ = √(u + ε)/√(v + ε)·g.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByAdadelta rule, int n) : TransformState
    {
        private readonly float[] _squareAvg = new float[n];
        private readonly float[] _accDelta = new float[n];

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            float rho = (float)rule.Rho, oneMinusRho = (float)(1 - rule.Rho), eps = (float)rule.Eps;
            for (int i = 0; i < _squareAvg.Length; i++)
            {
                float g = updates[i];
                float v = _squareAvg[i] = (_squareAvg[i] * rho) + (oneMinusRho * g * g);
                float std = MathF.Sqrt(v + eps);
                float delta = MathF.Sqrt(_accDelta[i] + eps) / std * g;
                _accDelta[i] = (_accDelta[i] * rho) + (oneMinusRho * delta * delta);
                updates[i] = delta;
            }
        }
    }
}
