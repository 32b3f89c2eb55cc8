using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// The shared part of the overlap losses (<see cref="Dice"/>, <see cref="Tversky"/>, <see cref="Jaccard"/>): the whole
/// span is one item; <c>smooth</c> is added to numerator and denominator, <c>eps</c> to the denominator; with
/// <c>from_logits</c> the predictions are logits mapped through the sigmoid. A target outside [0, 1] is an error.
/// </summary>
public abstract record OverlapLoss : Loss
{
    /// <summary>Sets the shared parameters.</summary>
    /// <param name="smooth">The number ≥ 0 added to the numerator and the denominator.</param>
    /// <param name="eps">The number ≥ 0 added to the denominator.</param>
    /// <param name="fromLogits">Whether the predictions are logits (mapped through the sigmoid).</param>
    protected OverlapLoss(double smooth, double eps, bool fromLogits)
    {
        Smooth = smooth;
        Eps = eps;
        FromLogits = fromLogits;
    }

    /// <summary>The number ≥ 0 added to the numerator and the denominator (default 0).</summary>
    public double Smooth { get; init => field = Guard.NonNegative(value, "smooth"); }

    /// <summary>The number ≥ 0 added to the denominator (default 1e-7); smooth + eps should be &gt; 0 if the sums can vanish.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <summary>Whether the predictions are logits x, with ŷ = σ(x) and the gradient chained through dŷ/dx = σ(x)σ(−x) (default false).</summary>
    public bool FromLogits { get; init; }

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength) => Overlap.CountItems(Name, predictionLength, targetLength);
}
