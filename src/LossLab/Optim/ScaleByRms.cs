using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// RMSprop's direction (PyTorch <c>RMSprop</c>): s ← αs + (1 − α)g²; centered: a ← αa + (1 − α)g and
/// d = √(s − a²) + ε, else d = √s + ε; with momentum μ: b ← μb + g/d and u = b, else u = g/d.
/// No bias correction. μ may follow a schedule.
/// </summary>
public sealed record ScaleByRms : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    public ScaleByRms(double alpha = 0.99, double eps = 1e-8, bool centered = false, Schedule? momentum = null)
    {
        Alpha = alpha;
        Eps = eps;
        Centered = centered;
        Momentum = momentum ?? 0.0;
    }

    /// <summary>α ∈ [0, 1]: the decay of the squared-gradient average.</summary>
    public double Alpha { get; init => field = Guard.ClosedUnit(value, "alpha"); }

    /// <summary>ε ≥ 0.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <summary>Subtract the squared mean gradient (centered RMSprop).</summary>
    public bool Centered { get; init; }

    /// <summary>μ ≥ 0 (a schedule).</summary>
    public Schedule Momentum { get; init => field = value ?? throw new ArgumentNullException("momentum"); }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleByRms rule, int n) : TransformState
    {
        private readonly float[] _square = new float[n];
        private readonly float[] _mean = rule.Centered ? new float[n] : [];
        private readonly float[] _buffer = new float[n];

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            float alpha = (float)rule.Alpha, oneMinusAlpha = (float)(1 - rule.Alpha), eps = (float)rule.Eps;
            float mu = (float)rule.Momentum.At(context.Step);
            for (int i = 0; i < _square.Length; i++)
            {
                float g = updates[i];
                float s = _square[i] = (_square[i] * alpha) + (oneMinusAlpha * g * g);
                float avg;
                if (rule.Centered)
                {
                    float a = _mean[i] = (_mean[i] * alpha) + (oneMinusAlpha * g);
                    avg = MathF.Sqrt(s - (a * a)) + eps;
                }
                else
                {
                    avg = MathF.Sqrt(s) + eps;
                }

                updates[i] = mu > 0 ? (_buffer[i] = (_buffer[i] * mu) + (g / avg)) : g / avg;
            }
        }
    }
}
