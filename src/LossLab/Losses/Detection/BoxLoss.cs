using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// The shared part of the box losses (<see cref="Iou"/>, <see cref="Giou"/>, <see cref="Diou"/>, <see cref="Ciou"/>):
/// 4 numbers per box (x1, y1, x2, y2), one item per box, an empty input allowed (its mean is 0), and <c>eps</c>.
/// <para>
/// Domain: a target box must be finite with x1 &lt; x2 and y1 &lt; y2 (torchvision's requirement), else an
/// <see cref="ArgumentException"/> naming the box. Predicted boxes are whatever a model outputs during training: a box
/// inverted on both axes (x2 &lt; x1 and y2 &lt; y1), whose w·h torchvision counts as a positive area (so an inverted copy
/// of the target scored a perfect 0), has area −w·h here, so it scores worse than an empty box; a predicted point
/// (w = h = 0) has no CIoU aspect term. A non-finite predicted box (a diverged model) gives a non-finite loss.
/// The <c>eval</c> command refuses inverted predicted boxes and points outright.
/// </para>
/// <para>
/// Every box loss is invariant under a common scaling of the coordinates (up to <c>eps</c>), so a pair whose areas
/// overflow (coordinates beyond about 1e19 in float32) or underflow is evaluated on the coordinates divided by a power
/// of two s, the gradient divided by s: value and gradient stay finite for any finite boxes.
/// </para>
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
