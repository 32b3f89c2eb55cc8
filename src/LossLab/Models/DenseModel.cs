namespace LossLab.Models;

/// <summary>
/// A model made of dense layers (<see cref="LinearModel"/> is one layer, <see cref="Mlp"/> several): the parameter
/// layout, initialisation, forward and backward passes live in one shared layer stack.
/// </summary>
public abstract class DenseModel : Model
{
    private readonly DenseLayers _layers;

    private protected DenseModel(DenseLayers layers) => _layers = layers;

    /// <inheritdoc/>
    public override int Inputs => _layers.Inputs;

    /// <inheritdoc/>
    public override int Outputs => _layers.Outputs;

    /// <summary>Σ over layers of (inputs·outputs + outputs).</summary>
    public override int ParameterCount => _layers.ParameterCount;

    /// <summary>
    /// <see cref="Init.Default"/>: layer by layer, W then b, each entry bound·(2u − 1) with u = <see cref="Random.NextDouble"/>
    /// and bound = 1/√fan_in (PyTorch's U(−1/√fan_in, 1/√fan_in)); <see cref="Init.Zeros"/>: all zeros (draws nothing).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not <see cref="ParameterCount"/> long.</exception>
    public override void Initialize(Span<float> parameters, Init init, Random random) => _layers.Initialize(parameters, init, random);

    /// <summary>Buffers for the hidden activations (MaxBatch × width) and the double sums of the gradient.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> below 1.</exception>
    public override Workspace CreateWorkspace(int maxBatch) => _layers.CreateWorkspace(maxBatch);

    /// <summary>Layer by layer, y[n, o] = b[o] + Σᵢ x[n, i]·W[o, i] (the sum in double), then the activation. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span of the wrong length (exactly batch × Inputs, batch × Outputs), or a foreign workspace.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> negative or above the workspace's MaxBatch.</exception>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, Span<float> outputs, Workspace workspace)
        => _layers.Forward(parameters, inputs, batch, outputs, workspace);

    /// <summary>Back-propagation: ∂W[o, i] = Σₙ δ[n, o]·a[n, i], ∂b[o] = Σₙ δ[n, o], in double, then float. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span of the wrong length, or a foreign workspace.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="Forward"/> of this batch size on the workspace before.</exception>
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> outputGradient, Span<float> parameterGradient, Workspace workspace)
        => _layers.Backward(parameters, inputs, batch, outputGradient, parameterGradient, workspace);

    /// <summary>True inside a weight matrix, false inside a bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside [0, ParameterCount).</exception>
    public override bool IsWeight(int index) => _layers.IsWeight(index);
}
