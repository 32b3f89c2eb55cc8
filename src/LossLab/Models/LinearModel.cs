namespace LossLab.Models;

/// <summary>
/// A fully connected layer without activation, PyTorch's <c>nn.Linear(inputs, outputs)</c>: y = x·Wᵀ + b, that is
/// y[n, o] = b[o] + Σᵢ x[n, i]·W[o, i]. Parameters: W (outputs × inputs, row-major), then b (outputs).
/// Backward: ∂W = dyᵀ·x (∂W[o, i] = Σₙ dy[n, o]·x[n, i]), ∂b = Σₙ dy[n, ·], summed in double and written as float.
/// Linear regression (<c>linear</c>), logistic regression (<c>logistic</c>, 1 output, a logit) and multinomial
/// logistic regression (<c>softmax</c>, C outputs, logits) are all this model; the loss supplies the link.
/// </summary>
public sealed class LinearModel : DenseModel
{
    /// <summary>Creates the model.</summary>
    /// <param name="inputs">Features per example (≥ 1).</param>
    /// <param name="outputs">Outputs per example (≥ 1).</param>
    /// <param name="name">The catalog name it reports (<c>linear</c>, <c>logistic</c> or <c>softmax</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> below 1, or too many parameters.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public LinearModel(int inputs, int outputs, string name = "linear")
        : base(Layers(inputs, outputs))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    private static DenseLayers Layers(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        return new DenseLayers([inputs, outputs], Activation.Relu);
    }
}
