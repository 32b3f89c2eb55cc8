using LossLab.Numerics;

namespace LossLab.Optim;

/// <summary>
/// Rprop's direction (PyTorch <c>Rprop</c>): per parameter a step size s (starting at lr) and the previous gradient p
/// (starting at 0). With σ = sign(g·p): s ← clamp(s·η₊, s_min, s_max) where σ &gt; 0; s ← clamp(s·η₋, s_min, s_max)
/// and g ← 0 where σ &lt; 0; s ← clamp(s, s_min, s_max) where σ = 0. The direction is sign(g)·s, then p ← g.
/// As in PyTorch, sign(NaN) = 0: a NaN gradient leaves its step size unchanged and its parameter where it is.
/// The learning rate lives in the step sizes, so the chain ends with a scale of −1 (<c>ScaleByLearningRate(1.0)</c>).
/// </summary>
public sealed record ScaleByRprop : GradientTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="initialStep">The initial step size (PyTorch's <c>lr</c>) ≥ 0.</param>
    /// <param name="etaMinus">η₋ ∈ (0, 1): the shrink factor after a sign change.</param>
    /// <param name="etaPlus">η₊ &gt; 1: the growth factor while the sign holds.</param>
    /// <param name="minStep">s_min ≥ 0.</param>
    /// <param name="maxStep">s_max ≥ s_min.</param>
    public ScaleByRprop(double initialStep, double etaMinus = 0.5, double etaPlus = 1.2, double minStep = 1e-6, double maxStep = 50)
    {
        InitialStep = initialStep;
        EtaMinus = etaMinus;
        EtaPlus = etaPlus;
        MinStep = minStep;
        MaxStep = maxStep;
        CheckStepSizes();
    }

    /// <summary>The step size every parameter starts with (PyTorch's <c>lr</c>), finite and ≥ 0.</summary>
    public double InitialStep { get; init => field = Guard.NonNegative(value, "lr"); }

    /// <summary>η₋ ∈ (0, 1) (PyTorch's <c>etas[0]</c>): s ← s·η₋ after a sign change.</summary>
    public double EtaMinus
    {
        get;
        init => field = value > 0 && value < 1 ? value : throw new ArgumentOutOfRangeException("etas", value, "etas must satisfy 0 < etaminus < 1 < etaplus");
    }

    /// <summary>η₊ &gt; 1, finite (PyTorch's <c>etas[1]</c>): s ← s·η₊ while the sign holds.</summary>
    public double EtaPlus
    {
        get;
        init => field = value > 1 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException("etas", value, "etas must satisfy 0 < etaminus < 1 < etaplus");
    }

    /// <summary>s_min ≥ 0, finite (PyTorch's <c>step_sizes[0]</c>); must not exceed <see cref="MaxStep"/>, checked when the state is created.</summary>
    public double MinStep { get; init => field = Guard.NonNegative(value, "step_sizes"); }

    /// <summary>s_max ≥ s_min (PyTorch's <c>step_sizes[1]</c>; +∞ allowed).</summary>
    public double MaxStep
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException("step_sizes", value, "step_sizes must satisfy 0 <= min <= max");
    }

    /// <inheritdoc/>
    public override TransformState CreateState(int parameterCount)
    {
        CheckStepSizes();
        return new State(this, parameterCount);
    }

    // The pair is checked here and at construction, not in the init accessors, so that `with { MinStep = …, MaxStep = … }` can move both.
    private void CheckStepSizes()
    {
        if (!(MinStep <= MaxStep))
        {
            throw new ArgumentOutOfRangeException("step_sizes", $"({MinStep}, {MaxStep})", "step_sizes must satisfy 0 <= min <= max");
        }
    }

    private sealed class State : TransformState
    {
        private readonly ScaleByRprop _rule;
        private readonly float[] _prev;
        private readonly float[] _step;

        public State(ScaleByRprop rule, int n)
        {
            _rule = rule;
            _prev = new float[n];
            _step = new float[n];
            Array.Fill(_step, (float)rule.InitialStep);
        }

        public override void Update(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        {
            float etaPlus = (float)_rule.EtaPlus, etaMinus = (float)_rule.EtaMinus;
            float min = (float)_rule.MinStep, max = (float)_rule.MaxStep;
            for (int i = 0; i < _step.Length; i++)
            {
                float g = updates[i];

                // The sign of the float32 product, as PyTorch computes it: a product that underflows counts as 0,
                // and torch.sign(NaN) is 0, so a NaN leaves the step size alone and moves nothing.
                float product = g * _prev[i];
                float factor = product > 0 ? etaPlus : product < 0 ? etaMinus : 1f;
                float s = _step[i] = Math.Clamp(_step[i] * factor, min, max);
                if (product < 0)
                {
                    g = 0;
                }

                _prev[i] = g;
                updates[i] = g > 0 ? s : g < 0 ? -s : 0f;
            }
        }
    }
}
