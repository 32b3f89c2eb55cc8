using LossLab.Specs;

namespace LossLab.Losses;

/// <summary>What a loss expects as predictions and targets (drives input checks, examples and tests).</summary>
public enum InputKind
{
    /// <summary>Real predictions and real targets, one per element.</summary>
    Regression,

    /// <summary>Non-negative predictions and targets (MSLE).</summary>
    NonNegative,

    /// <summary>Log-rates (or rates) and non-negative targets: counts (Poisson NLL), or amounts with exact zeros (Tweedie).</summary>
    Counts,

    /// <summary>Log-means and strictly positive targets (gamma NLL).</summary>
    Positive,

    /// <summary>Interleaved (mean, variance) pairs and one target per pair (Gaussian NLL).</summary>
    MeanVariance,

    /// <summary>Probabilities in [0, 1] and targets in [0, 1] (BCE).</summary>
    Probabilities,

    /// <summary>Logits and targets in [0, 1] (BCE with logits, sigmoid focal).</summary>
    Logits,

    /// <summary>Scores and labels −1 or +1 (hinge losses).</summary>
    SignedLabels,

    /// <summary>N×C logits and N class indices, or N×C target probabilities (cross-entropy).</summary>
    ClassLogits,

    /// <summary>N×C log-probabilities and N class indices (NLL).</summary>
    ClassLogProbabilities,

    /// <summary>Log-probabilities log Q and probabilities P (or log P) of the same shape (KL divergence).</summary>
    Distributions,

    /// <summary>Boxes as (x1, y1, x2, y2), 4 numbers per box.</summary>
    Boxes,

    /// <summary>Per-pixel probabilities (or logits) and a 0/1 mask.</summary>
    Mask,
}

/// <summary>A catalog entry: everything a user needs to choose a loss, and the factory that builds it from a spec.</summary>
/// <param name="Name">The spec name (PyTorch's, snake_case).</param>
/// <param name="Title">A human title.</param>
/// <param name="Parameters">The parameters with their defaults (PyTorch's where PyTorch has the loss).</param>
/// <param name="Formula">The value, in plain mathematical notation.</param>
/// <param name="Gradient">The derivative with respect to the predictions.</param>
/// <param name="Tasks">The task types it suits: regression, binary, multiclass, detection, segmentation.</param>
/// <param name="WhenToUse">One paragraph of advice, drawn from the guide.</param>
/// <param name="Input">What it takes as predictions and targets.</param>
/// <param name="Reference">The reference implementation it is faithful to.</param>
/// <param name="Factory">Builds the loss from typed spec arguments.</param>
public sealed record LossInfo(
    string Name,
    string Title,
    IReadOnlyList<SpecParameter> Parameters,
    string Formula,
    string Gradient,
    IReadOnlyList<string> Tasks,
    string WhenToUse,
    InputKind Input,
    string Reference,
    Func<SpecArguments, ILoss> Factory)
{
    /// <summary>Whether the loss reads N×C rows and so needs (or can use) a class count.</summary>
    public bool UsesClasses => Input is InputKind.ClassLogits or InputKind.ClassLogProbabilities or InputKind.Distributions;
}
