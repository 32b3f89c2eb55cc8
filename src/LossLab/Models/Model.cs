using LossLab.Numerics;

namespace LossLab.Models;

/// <summary>How a model's parameters start.</summary>
public enum Init
{
    /// <summary>PyTorch's <c>nn.Linear</c> default: weights and biases ~ U(−1/√fan_in, 1/√fan_in).</summary>
    Default,

    /// <summary>All zeros (a linear model then starts at the same point as PyTorch with <c>zero_()</c>).</summary>
    Zeros,
}

/// <summary>
/// A differentiable model with one flat float32 parameter vector and a hand-written backward pass.
/// Parameters are ordered as PyTorch's <c>parameters()</c>: for each layer the weight matrix row-major
/// (outputs × inputs), then its bias. Inputs are row-major batch × <see cref="Inputs"/>; outputs batch × <see cref="Outputs"/>.
/// A <see cref="Workspace"/> holds the activations of one forward pass for the backward pass, so neither allocates.
/// </summary>
public abstract class Model
{
    private double _l1;
    private double _l2;

    /// <summary>The model spec name (<c>linear</c>, <c>logistic</c>, <c>softmax</c>, <c>mlp</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Features per example.</summary>
    public abstract int Inputs { get; }

    /// <summary>Outputs per example.</summary>
    public abstract int Outputs { get; }

    /// <summary>The length of the parameter vector.</summary>
    public abstract int ParameterCount { get; }

    /// <summary>Fills the parameters (deterministic for a given <paramref name="random"/> state).</summary>
    public abstract void Initialize(Span<float> parameters, Init init, Random random);

    /// <summary>Buffers for batches of up to <paramref name="maxBatch"/> examples.</summary>
    public abstract Workspace CreateWorkspace(int maxBatch);

    /// <summary>outputs = f(θ; inputs) for <paramref name="batch"/> examples; keeps what the backward pass needs in <paramref name="workspace"/>.</summary>
    public abstract void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, Span<float> outputs, Workspace workspace);

    /// <summary>
    /// Writes ∂L/∂θ to <paramref name="parameterGradient"/> (overwriting it) from ∂L/∂outputs, for the inputs of the last
    /// <see cref="Forward"/> on the same workspace.
    /// </summary>
    public abstract void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> outputGradient, Span<float> parameterGradient, Workspace workspace);

    /// <summary>Whether parameter <paramref name="index"/> is a weight (penalised by L1/L2) rather than a bias.</summary>
    public abstract bool IsWeight(int index);

    /// <summary>
    /// The lasso strength l1 ≥ 0 of the weight penalty P(θ) = l1·Σ|w| + l2·Σw² (weights only, <see cref="IsWeight"/>);
    /// spec key <c>l1</c>, default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite.</exception>
    public double L1
    {
        get => _l1;
        init => _l1 = Guard.NonNegative(value, "l1");
    }

    /// <summary>
    /// The ridge strength l2 ≥ 0 of the weight penalty P(θ) = l1·Σ|w| + l2·Σw² (weights only, <see cref="IsWeight"/>);
    /// spec key <c>l2</c>, default 0. Note the convention: no ½, so ∂P/∂w = 2·l2·w (PyTorch's <c>weight_decay</c> λ
    /// corresponds to l2 = λ/2, and it also decays biases).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite.</exception>
    public double L2
    {
        get => _l2;
        init => _l2 = Guard.NonNegative(value, "l2");
    }

    /// <summary>Whether <see cref="L1"/> or <see cref="L2"/> is non-zero.</summary>
    public bool HasPenalty => _l1 != 0 || _l2 != 0;

    /// <summary>
    /// Adds ∂P/∂w = l1·sign(w) + 2·l2·w (sign(0) = 0, PyTorch's <c>sign</c>) to <paramref name="gradient"/> at every
    /// weight and returns P(θ) = l1·Σ|w| + l2·Σw², summed in double. Biases are neither penalised nor touched.
    /// An empty <paramref name="gradient"/> only computes the value. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A span whose length is not <see cref="ParameterCount"/> (the gradient may be empty).</exception>
    public double AddPenalty(ReadOnlySpan<float> parameters, Span<float> gradient)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"parameters has length {parameters.Length}, expected {ParameterCount}", nameof(parameters));
        }

        bool withGradient = !gradient.IsEmpty;
        if (withGradient && gradient.Length != ParameterCount)
        {
            throw new ArgumentException($"gradient has length {gradient.Length}, expected {ParameterCount} (or empty for the value only)", nameof(gradient));
        }

        if (!HasPenalty)
        {
            return 0;
        }

        double sum = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (!IsWeight(i))
            {
                continue;
            }

            double w = parameters[i];
            sum += (_l1 * Math.Abs(w)) + (_l2 * w * w);
            if (withGradient)
            {
                gradient[i] += (float)((_l1 * Num.Sign(w)) + (2 * _l2 * w));
            }
        }

        return sum;
    }

    /// <summary>P(θ) = l1·Σ|w| + l2·Σw² over the weights (<see cref="AddPenalty"/> without a gradient).</summary>
    public double PenaltyValue(ReadOnlySpan<float> parameters) => AddPenalty(parameters, Span<float>.Empty);
}

/// <summary>Per-model scratch buffers (activations, pre-activations), created once per training run.</summary>
public class Workspace
{
    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxBatch { get; init; }
}
