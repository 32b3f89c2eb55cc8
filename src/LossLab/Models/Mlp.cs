namespace LossLab.Models;

/// <summary>
/// A multi-layer perceptron, PyTorch's <c>nn.Sequential(nn.Linear(d, h₁), act, nn.Linear(h₁, h₂), act, …,
/// nn.Linear(h_k, outputs))</c>: z₁ = x·W₁ᵀ + b₁, a_l = act(z_l), z_(l+1) = a_l·W_(l+1)ᵀ + b_(l+1), y = z_(k+1)
/// (no activation on the output). Parameters layer by layer: W₁ (h₁ × d, row-major), b₁, W₂ (h₂ × h₁), b₂, …,
/// W_(k+1) (outputs × h_k), b_(k+1).
/// Backward per example: δ = ∂L/∂y; for each layer from the last: ∂W_l += δ_lᵀ·a_(l−1), ∂b_l += δ_l,
/// δ_(l−1) = (δ_l·W_l) ⊙ act′(z_(l−1)); sums over the batch in double, written as float.
/// Activations are evaluated in double and stored as float; the workspace holds z and a of every hidden layer.
/// </summary>
public sealed class Mlp : Model
{
    private readonly DenseLayers _layers;
    private readonly int[] _hidden;

    /// <summary>Creates the network.</summary>
    /// <param name="inputs">Features per example (≥ 1).</param>
    /// <param name="hidden">Widths of the hidden layers (at least one, each ≥ 1).</param>
    /// <param name="outputs">Outputs per example (≥ 1).</param>
    /// <param name="activation">The nonlinearity after every hidden layer.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1, no hidden layer, an unknown activation, or too many parameters.</exception>
    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation = Activation.Relu)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if (hidden.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hidden), "[]", "hidden must list at least one layer width");
        }

        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"activation must be one of {string.Join(", ", Activations.Names)}");
        }

        _hidden = new int[hidden.Count];
        int[] sizes = new int[hidden.Count + 2];
        sizes[0] = inputs;
        for (int h = 0; h < hidden.Count; h++)
        {
            if (hidden[h] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hidden), hidden[h], "every hidden width must be >= 1");
            }

            _hidden[h] = hidden[h];
            sizes[h + 1] = hidden[h];
        }

        sizes[^1] = outputs;
        Activation = activation;
        _layers = new DenseLayers(sizes, activation);
    }

    /// <summary><c>mlp</c>.</summary>
    public override string Name => "mlp";

    /// <inheritdoc/>
    public override int Inputs => _layers.Inputs;

    /// <inheritdoc/>
    public override int Outputs => _layers.Outputs;

    /// <summary>The hidden widths h₁, …, h_k.</summary>
    public IReadOnlyList<int> Hidden => _hidden;

    /// <summary>The nonlinearity after every hidden layer.</summary>
    public Activation Activation { get; }

    /// <summary>Σ_l (in_l·out_l + out_l) over the k + 1 layers.</summary>
    public override int ParameterCount => _layers.ParameterCount;

    /// <summary>
    /// <see cref="Init.Default"/>: layer by layer, W_l then b_l, each entry bound_l·(2u − 1) with
    /// u = <see cref="Random.NextDouble"/> and bound_l = 1/√fan_in_l (PyTorch's <c>nn.Linear</c> default,
    /// U(−1/√fan_in, 1/√fan_in)); <see cref="Init.Zeros"/>: all zeros (draws nothing). Note that all-zero hidden
    /// layers are symmetric: with relu, tanh or gelu (act(0) = 0) no gradient reaches W₁…W_k and they stay at zero.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="parameters"/> is not <see cref="ParameterCount"/> long.</exception>
    public override void Initialize(Span<float> parameters, Init init, Random random) => _layers.Initialize(parameters, init, random);

    /// <summary>Buffers for z and a of every hidden layer (MaxBatch × width, float) and the double gradient sums.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> below 1 or too large.</exception>
    public override Workspace CreateWorkspace(int maxBatch) => _layers.CreateWorkspace(maxBatch);

    /// <summary>y = W_(k+1)·act(…act(W₁x + b₁)…) + b_(k+1) row by row, every dot product in double. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span of the wrong length (exactly batch × Inputs, batch × Outputs), or a foreign workspace.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batch"/> negative or above the workspace's MaxBatch.</exception>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, Span<float> outputs, Workspace workspace)
        => _layers.Forward(parameters, inputs, batch, outputs, workspace);

    /// <summary>Back-propagation through the stored activations (see the class summary). Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span of the wrong length, or a foreign workspace.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="Forward"/> of this batch size on the workspace before.</exception>
    public override void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> outputGradient, Span<float> parameterGradient, Workspace workspace)
        => _layers.Backward(parameters, inputs, batch, outputGradient, parameterGradient, workspace);

    /// <summary>True inside a weight matrix W_l, false inside a bias b_l.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> outside [0, ParameterCount).</exception>
    public override bool IsWeight(int index) => _layers.IsWeight(index);
}
