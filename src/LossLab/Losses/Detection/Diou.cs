using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Distance IoU loss (torchvision 0.14 <c>distance_box_iou_loss</c>) for boxes (x1, y1, x2, y2), 4 numbers per box:
/// with IoU as in <see cref="Iou"/>, the enclosing box as in <see cref="Giou"/>, its squared diagonal
/// c² = (xc2 − xc1)² + (yc2 − yc1)² + eps and the squared centre distance
/// ρ² = ((x1 + x2)/2 − (x1g + x2g)/2)² + ((y1 + y2)/2 − (y1g + y2g)/2)²:
/// ℓ = 1 − IoU + ρ²/c².
/// Gradient: ∂ℓ = −∂IoU + ∂ρ²/c² − (ρ²/c²)·∂c²/c², with ∂ρ²/∂(x1, y1, x2, y2) = (Δx, Δy, Δx, Δy) (Δ the centre offsets)
/// and ∂c²/∂x1 = −2(xc2 − xc1)·[x1 is the min], ∂c²/∂x2 = 2(xc2 − xc1)·[x2 is the max] (likewise for y);
/// at an exact tie the indicator is ½ (torch's max/min backward splits the gradient evenly).
/// Items are boxes; <c>mean</c> divides by the number of boxes, and an empty input gives 0.
/// </summary>
public sealed record Diou : BoxLoss
{
    /// <summary>Creates a distance IoU loss.</summary>
    /// <param name="eps">The small number &gt; 0 added to the union and to the squared diagonal.</param>
    public Diou(double eps = 1e-7)
        : base(eps)
    {
    }

    /// <inheritdoc/>
    public override string Name => "diou";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => BoxLosses.Run(Name, new Term<T>(Num.C<T>(Eps)), Num.C<T>(Eps), predictions, targets, values, gradient, reduction);

    private readonly struct Term<T>(T eps) : IBoxTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(in BoxGeometry<T> geometry, out Grad4<T> gradient) => geometry.DistanceIouLoss(eps, out gradient);
    }
}
