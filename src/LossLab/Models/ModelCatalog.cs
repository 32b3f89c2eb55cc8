using LossLab.Specs;

namespace LossLab.Models;

/// <summary>A catalog entry of a model.</summary>
/// <param name="Name">The spec name.</param>
/// <param name="Title">A human title.</param>
/// <param name="Parameters">The spec keys with their defaults (every model takes <c>l1</c> and <c>l2</c>).</param>
/// <param name="Formula">The forward pass and the parameter layout.</param>
/// <param name="Outputs">Which output counts it accepts (the caller passes the task's).</param>
/// <param name="Description">What it is and when to use it.</param>
/// <param name="Factory">Builds the model from the typed spec arguments, the inputs and the outputs.</param>
public sealed record ModelInfo(
    string Name,
    string Title,
    IReadOnlyList<SpecParameter> Parameters,
    string Formula,
    string Outputs,
    string Description,
    Func<SpecArguments, int, int, Model> Factory);

/// <summary>
/// The model catalog: <c>linear</c>, <c>logistic</c>, <c>softmax</c> and <c>mlp</c>, built from spec strings such as
/// <c>mlp:hidden=64/64,activation=relu,l2=1e-4</c>. Every model takes the weight penalty keys <c>l1</c> and <c>l2</c>
/// (default 0, each ≥ 0), set on <see cref="Model.L1"/> and <see cref="Model.L2"/>:
/// P(θ) = l1·Σ|w| + l2·Σw² over the weights (never the biases), added by <see cref="Model.AddPenalty"/>.
/// </summary>
public static class ModelCatalog
{
    /// <summary>The default hidden widths of <c>mlp</c>.</summary>
    public const string DefaultHidden = "64";

    private static readonly SpecParameter L1 = new("l1", "0", "lasso strength l1 >= 0: adds l1·Σ|w| over the weights (not biases)");
    private static readonly SpecParameter L2 = new("l2", "0", "ridge strength l2 >= 0: adds l2·Σw² over the weights (not biases); gradient 2·l2·w");

    /// <summary>Every model.</summary>
    public static IReadOnlyList<ModelInfo> All { get; } =
    [
        new("linear", "Linear model (nn.Linear)", [L1, L2],
            "y = x·Wᵀ + b; parameters W (outputs × inputs, row-major), b (outputs)", "any >= 1",
            "Linear regression with a regression loss (ridge with l2, lasso with l1); with a classification loss its outputs are logits. The baseline to beat: convex for convex losses, fast, and interpretable.",
            (a, inputs, outputs) => new LinearModel(inputs, outputs) { L1 = a.Number("l1"), L2 = a.Number("l2") }),
        new("logistic", "Logistic regression", [L1, L2],
            "logit = x·wᵀ + b (one output); p = σ(logit) comes from the loss (bce_with_logits)", "exactly 1 (binary task)",
            "Binary classification with a linear decision boundary: one logit per example, trained with bce_with_logits (or hinge/focal). Convex, calibrated probabilities, the standard baseline.",
            (a, inputs, outputs) =>
            {
                if (outputs != 1)
                {
                    throw new SpecException($"logistic: binary logistic regression has exactly 1 output (one logit), but the task needs {outputs} outputs; use softmax for {outputs} classes (or linear)");
                }

                return new LinearModel(inputs, 1, "logistic") { L1 = a.Number("l1"), L2 = a.Number("l2") };
            }),
        new("softmax", "Softmax (multinomial logistic) regression", [L1, L2],
            "logits = x·Wᵀ + b, one per class; softmax comes from the loss (cross_entropy)", ">= 2 (one logit per class)",
            "Multi-class classification with linear decision boundaries: C logits per example, trained with cross_entropy. Convex; the multi-class counterpart of logistic.",
            (a, inputs, outputs) =>
            {
                if (outputs < 2)
                {
                    throw new SpecException($"softmax: multinomial regression needs one output per class (at least 2), but the task has {outputs} output{(outputs == 1 ? string.Empty : "s")}; for a binary task use logistic (or linear)");
                }

                return new LinearModel(inputs, outputs, "softmax") { L1 = a.Number("l1"), L2 = a.Number("l2") };
            }),
        new("mlp", "Multi-layer perceptron",
            [
                new("hidden", DefaultHidden, "hidden layer widths separated by '/' (for example 64/64); at least one, each a whole number >= 1"),
                new("activation", "relu", "nonlinearity between layers: " + string.Join(" | ", Activations.Names) + " (gelu is the exact erf form)"),
                L1,
                L2,
            ],
            "a₀ = x, a_l = act(a_(l−1)·W_lᵀ + b_l), y = a_k·W_(k+1)ᵀ + b_(k+1); parameters W₁, b₁, W₂, b₂, …", "any >= 1",
            "A small neural network for non-linear problems, with a linear output layer (the loss supplies the link). Non-convex: results depend on the seed and the optimizer (Adam is the usual choice). relu is the default; tanh and sigmoid saturate; gelu is smooth.",
            (a, inputs, outputs) => new Mlp(inputs, Hidden(a), outputs, ParseActivation(a)) { L1 = a.Number("l1"), L2 = a.Number("l2") }),
    ];

    /// <summary>The entry of a name, or null.</summary>
    public static ModelInfo? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>Builds a model from a spec such as <c>mlp:hidden=64/64,activation=relu</c>.</summary>
    /// <param name="spec">The spec string.</param>
    /// <param name="inputs">Features per example, from the data (≥ 1).</param>
    /// <param name="outputs">Outputs per example, from the task (1 for regression and binary, C for C classes).</param>
    /// <exception cref="SpecException">
    /// Unknown name or key (the message lists what is accepted), a value that does not parse, an out-of-range value
    /// (the message names the key), or an output count the model cannot have (logistic: 1, softmax: ≥ 2).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="outputs"/> below 1.</exception>
    public static Model Create(string spec, int inputs, int outputs) => Create(Spec.Parse(spec), inputs, outputs);

    /// <inheritdoc cref="Create(string, int, int)"/>
    public static Model Create(Spec spec, int inputs, int outputs)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ModelInfo info = Find(spec.Name)
            ?? throw new SpecException($"unknown model '{spec.Name}'; accepted: {string.Join(", ", All.Select(e => e.Name))}");
        SpecArguments arguments = SpecBinding.Bind(info.Name, info.Parameters, spec);
        return SpecBinding.Build(info.Name, () => info.Factory(arguments, inputs, outputs));
    }

    private static int[] Hidden(SpecArguments a)
    {
        IReadOnlyList<double> values = a.Numbers("hidden")
            ?? throw new ArgumentOutOfRangeException("hidden", "none", "hidden must list at least one layer width (for example hidden=64 or hidden=64/32)");
        int[] widths = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (!(v >= 1) || v != Math.Floor(v) || v > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException("hidden", v, "every entry of hidden must be a whole number >= 1");
            }

            widths[i] = (int)v;
        }

        return widths;
    }

    private static Activation ParseActivation(SpecArguments a)
    {
        string text = a.Text("activation");
        return Activations.Parse(text)
            ?? throw new SpecException($"mlp: activation={text} is not known; accepted: {string.Join(", ", Activations.Names)}");
    }
}
