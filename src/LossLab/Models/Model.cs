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
}

/// <summary>Per-model scratch buffers (activations, pre-activations), created once per training run.</summary>
public class Workspace
{
    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxBatch { get; init; }
}
