using LossLab.Numerics;

namespace LossLab.Optim;

/// <summary>
/// Adagrad's direction (PyTorch <c>Adagrad</c>, t = step + 1): S ← S + g², u = g/(√S + ε)/(1 + (t − 1)·lr_decay).
/// S starts at <c>initial_accumulator_value</c>.
/// </summary>
public sealed record ScaleByAdagrad : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    public ScaleByAdagrad(double lrDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
    {
        LrDecay = lrDecay;
        InitialAccumulatorValue = initialAccumulatorValue;
        Eps = eps;
    }

    /// <summary>lr_decay ≥ 0.</summary>
    public double LrDecay { get; init => field = Guard.NonNegative(value, "lr_decay"); }

    /// <summary>initial_accumulator_value ≥ 0.</summary>
    public double InitialAccumulatorValue { get; init => field = Guard.NonNegative(value, "initial_accumulator_value"); }

    /// <summary>ε ≥ 0.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State : TransformState
    {
        private readonly ScaleByAdagrad _rule;
        private readonly float[] _sum;

        public State(ScaleByAdagrad rule, int n)
        {
            _rule = rule;
            _sum = new float[n];
            Array.Fill(_sum, (float)rule.InitialAccumulatorValue);
        }

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            float decay = (float)(1 / (1 + ((context.T - 1) * _rule.LrDecay)));
            float eps = (float)_rule.Eps;
            for (int i = 0; i < _sum.Length; i++)
            {
                float g = updates[i];
                float s = _sum[i] += g * g;
                updates[i] = g / (MathF.Sqrt(s) + eps) * decay;
            }
        }
    }
}
