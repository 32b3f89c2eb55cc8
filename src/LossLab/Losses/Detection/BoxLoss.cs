using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// The shared part of the box losses (<see cref="Iou"/>, <see cref="Giou"/>, <see cref="Diou"/>, <see cref="Ciou"/>):
/// 4 numbers per box (x1, y1, x2, y2), one item per box, an empty input allowed (its mean is 0), and <c>eps</c>.
/// </summary>
public abstract record BoxLoss : Loss
{
    /// <summary>Sets <see cref="Eps"/>.</summary>
    /// <param name="eps">The small number &gt; 0 added to denominators.</param>
    protected BoxLoss(double eps) => Eps = eps;

    /// <summary>The small number &gt; 0 added to denominators (default 1e-7).</summary>
    public double Eps { get; init => field = Guard.Positive(value, "eps"); }

    /// <inheritdoc/>
    protected override bool AllowsEmpty => true;

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength) => BoxLosses.CountBoxes(Name, predictionLength, targetLength);
}
