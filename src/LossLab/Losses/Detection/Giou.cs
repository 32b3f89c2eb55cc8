using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Generalized IoU loss (torchvision 0.14 <c>generalized_box_iou_loss</c>) for boxes (x1, y1, x2, y2), 4 numbers per box:
/// with IoU and union as in <see cref="Iou"/> and the smallest enclosing box xc1 = min(x1, x1g), yc1 = min(y1, y1g),
/// xc2 = max(x2, x2g), yc2 = max(y2, y2g), area_c = (xc2 − xc1)(yc2 − yc1):
/// ℓ = 1 − (IoU − (area_c − union)/(area_c + eps)).
/// Gradient, with r = (area_c − union)/(area_c + eps):
/// ∂ℓ = −∂IoU + (∂area_c − ∂union)/(area_c + eps) − r·∂area_c/(area_c + eps), where
/// ∂area_c/∂(x1, y1, x2, y2) = (−(yc2 − yc1)·[x1 is the min], −(xc2 − xc1)·[y1 is the min], (yc2 − yc1)·[x2 is the max], (xc2 − xc1)·[y2 is the max]);
/// at an exact tie the indicator is ½ (torch's max/min backward splits the gradient evenly).
/// Items are boxes; <c>mean</c> divides by the number of boxes, and an empty input gives 0.
/// </summary>
public sealed record Giou : BoxLoss
{
    /// <summary>Creates a generalized IoU loss.</summary>
    /// <param name="eps">The small number &gt; 0 added to the union and to the enclosing area.</param>
    public Giou(double eps = 1e-7)
        : base(eps)
    {
    }

    /// <inheritdoc/>
    public override string Name => "giou";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => BoxLosses.Run(Name, new Term<T>(Num.C<T>(Eps)), Num.C<T>(Eps), predictions, targets, values, gradient, reduction);

    private readonly struct Term<T>(T eps) : IBoxTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(in BoxGeometry<T> geometry, out Grad4<T> gradient)
        {
            T areaC = geometry.EnclosingArea(out Grad4<T> dAreaC);
            T denominator = areaC + eps;
            T r = (areaC - geometry.Union) / denominator;
            gradient = dAreaC.Minus(geometry.UnionGrad).Times(T.One / denominator)
                .Combine(T.One, dAreaC, -r / denominator)
                .Minus(geometry.IouGrad);
            return T.One - (geometry.Iou - r);
        }
    }
}
