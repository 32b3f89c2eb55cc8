using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// PyTorch SGD's momentum (μ, dampening τ, Nesterov): on the first step b = g, then b ← μ·b + (1 − τ)·g;
/// the update is g + μ·b with Nesterov, else b. With μ = 0 the gradient passes through.
/// This is PyTorch's form, not Sutskever's v ← μv + ηg: equal at a constant learning rate, different when it changes.
/// μ may follow a schedule (one-cycle momentum cycling).
/// </summary>
public sealed record ScaleBySgdMomentum : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    public ScaleBySgdMomentum(Schedule momentum, double dampening = 0, bool nesterov = false)
    {
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
    }

    /// <summary>μ (a schedule; a number converts to a constant).</summary>
    public Schedule Momentum { get; init => field = value ?? throw new ArgumentNullException("momentum"); }

    /// <summary>τ: the share of the gradient left out of the buffer.</summary>
    public double Dampening { get; init => field = Guard.Finite(value, "dampening"); }

    /// <summary>Nesterov's look-ahead.</summary>
    public bool Nesterov { get; init; }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount) => new State(this, parameterCount);

    private sealed class State(ScaleBySgdMomentum rule, int n) : TransformState
    {
        private readonly float[] _buffer = new float[n];
        private bool _started;

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            float mu = (float)rule.Momentum.At(context.Step);
            if (mu == 0)
            {
                return;
            }

            float keep = (float)(1 - rule.Dampening);
            if (!_started)
            {
                updates.CopyTo(_buffer);
                _started = true;
            }
            else
            {
                for (int i = 0; i < _buffer.Length; i++)
                {
                    _buffer[i] = (_buffer[i] * mu) + (keep * updates[i]);
                }
            }

            if (rule.Nesterov)
            {
                for (int i = 0; i < _buffer.Length; i++)
                {
                    updates[i] += mu * _buffer[i];
                }
            }
            else
            {
                _buffer.CopyTo(updates);
            }
        }
    }
}
