using System.Numerics.Tensors;

namespace LossLab.Optim;

/// <summary>
/// Runs a rule on one parameter vector: θ ← θ + u, where u is the gradient passed through the rule's chain.
/// Buffers are created once; <see cref="Step"/> allocates nothing.
/// </summary>
public sealed class Optimizer
{
    private readonly TransformState _state;
    private readonly float[] _updates;

    /// <summary>Creates the optimizer state for <paramref name="parameterCount"/> parameters.</summary>
    public Optimizer(GradientTransform rule, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        Rule = rule;
        _state = rule.CreateState(parameterCount);
        _updates = new float[parameterCount];
    }

    /// <summary>The rule (an immutable chain of transforms).</summary>
    public GradientTransform Rule { get; }

    /// <summary>The number of updates applied so far.</summary>
    public long Steps { get; private set; }

    /// <summary>The update applied by the last <see cref="Step"/> (u, with θ_new = θ_old + u).</summary>
    public ReadOnlySpan<float> LastUpdate => _updates;

    /// <summary>One update: u = rule(gradient), θ ← θ + u.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != _updates.Length || gradient.Length != _updates.Length)
        {
            throw new ArgumentException(
                $"optimizer was created for {_updates.Length} parameters, got {parameters.Length} parameters and {gradient.Length} gradients",
                nameof(gradient));
        }

        gradient.CopyTo(_updates);
        _state.UpdateArray(_updates, parameters, new StepContext(Steps));
        TensorPrimitives.Add(parameters, _updates, parameters);
        Steps++;
    }
}
