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
public sealed class Mlp : DenseModel
{
    private readonly int[] _hidden;

    /// <summary>Creates the network.</summary>
    /// <param name="inputs">Features per example (≥ 1).</param>
    /// <param name="hidden">Widths of the hidden layers (at least one, each ≥ 1).</param>
    /// <param name="outputs">Outputs per example (≥ 1).</param>
    /// <param name="activation">The nonlinearity after every hidden layer.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1, no hidden layer, an unknown activation, or too many parameters.</exception>
    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation = Activation.Relu)
        : this(Layers(inputs, hidden, outputs, activation), activation)
    {
    }

    private Mlp((DenseLayers Layers, int[] Hidden) built, Activation activation)
        : base(built.Layers)
    {
        _hidden = built.Hidden;
        Activation = activation;
    }

    /// <summary><c>mlp</c>.</summary>
    public override string Name => "mlp";

    /// <summary>The hidden widths h₁, …, h_k.</summary>
    public IReadOnlyList<int> Hidden => _hidden;

    /// <summary>The nonlinearity after every hidden layer.</summary>
    public Activation Activation { get; }

    private static (DenseLayers Layers, int[] Hidden) Layers(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation)
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

        int[] widths = new int[hidden.Count];
        int[] sizes = new int[hidden.Count + 2];
        sizes[0] = inputs;
        for (int h = 0; h < hidden.Count; h++)
        {
            if (hidden[h] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hidden), hidden[h], "every hidden width must be >= 1");
            }

            widths[h] = hidden[h];
            sizes[h + 1] = hidden[h];
        }

        sizes[^1] = outputs;
        return (new DenseLayers(sizes, activation), widths);
    }
}
