namespace LossLab.Models;

/// <summary>
/// A fully connected layer without activation, PyTorch's <c>nn.Linear(inputs, outputs)</c>: y = x·Wᵀ + b, that is
/// y[n, o] = b[o] + Σᵢ x[n, i]·W[o, i]. Parameters: W (outputs × inputs, row-major), then b (outputs).
/// Backward: ∂W = dyᵀ·x (∂W[o, i] = Σₙ dy[n, o]·x[n, i]), ∂b = Σₙ dy[n, ·], summed in double and written as float.
/// Linear regression (<c>linear</c>), logistic regression (<c>logistic</c>, 1 output, a logit) and multinomial
/// logistic regression (<c>softmax</c>, C outputs, logits) are all this model; the loss supplies the link.
/// </summary>
public sealed class LinearModel : Model
{
    private readonly DenseLayers _layers;

    /// <summary>Creates the model.</summary>
    /// <param name="inputs">Features per example (≥ 1).</param>
    /// <param name="outputs">Outputs per example (≥ 1).</param>
    /// <param name="name">The catalog name it reports (<c>linear</c>, <c>logistic</c> or <c>softmax</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> below 1, or too many parameters.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public LinearModel(int inputs, int outputs, string name = "linear")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _layers = new DenseLayers([inputs, outputs], Activation.Relu);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override int Inputs => _layers.Inputs;

    /// <inheritdoc/>
    public override int Outputs => _layers.Outputs;

    /// <summary>outputs × inputs + outputs.</summary>
    public override int ParameterCount => _layers.ParameterCount;

    /// <summary>
    /// <see cref="Init.Default"/>: W then b, each entry bound·(2u − 1) with u = <see cref="Random.NextDouble"/> and
    /// bound = 1/√inputs (PyTorch's U(−1/√fan_in, 1/√fan_in)); <see cref="Init.Zeros"/>: all zeros (draws nothing).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not <see cref="ParameterCount"/> long.</exception>
    public override void Initialize(Span<float> parameters, Init init, Random random) => _layers.Initialize(parameters, init, random);

    /// <summary>A workspace with the double sums of the gradient (a linear model keeps no activations).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> below 1.</exception>
    public override Workspace CreateWorkspace(int maxBatch) => _layers.CreateWorkspace(maxBatch);

    /// <summary>y[n, o] = b[o] + Σᵢ x[n, i]·W[o, i], the sum in double. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span of the wrong length (exactly batch × Inputs, batch × Outputs), or a foreign workspace.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> negative or above the workspace's MaxBatch.</exception>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, Span<float> outputs, Workspace workspace)
        => _layers.Forward(parameters, inputs, batch, outputs, workspace);

    /// <summary>∂W[o, i] = Σₙ dy[n, o]·x[n, i], ∂b[o] = Σₙ dy[n, o], in double, then float. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span of the wrong length, or a foreign workspace.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="Forward"/> of this batch size on the workspace before.</exception>
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> outputGradient, Span<float> parameterGradient, Workspace workspace)
        => _layers.Backward(parameters, inputs, batch, outputGradient, parameterGradient, workspace);

    /// <summary>True for the first outputs × inputs entries (W), false for b.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside [0, ParameterCount).</exception>
    public override bool IsWeight(int index) => _layers.IsWeight(index);
}
