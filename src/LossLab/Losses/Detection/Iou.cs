using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// IoU loss for axis-aligned boxes (x1, y1, x2, y2), 4 numbers per box, with torchvision 0.14's intersection:
/// xk1 = max(x1, x1g), yk1 = max(y1, y1g), xk2 = min(x2, x2g), yk2 = min(y2, y2g);
/// inter = (xk2 − xk1)(yk2 − yk1) when xk2 &gt; xk1 and yk2 &gt; yk1, else 0; union = area(pred) + area(gt) − inter;
/// IoU = inter/(union + eps); ℓ = 1 − IoU.
/// Gradient: ∂ℓ = −∂IoU = −(∂inter/(union + eps) − IoU·∂union/(union + eps)), with ∂union = ∂area(pred) − ∂inter,
/// ∂area(pred)/∂(x1, y1, x2, y2) = (−h, −w, h, w) and ∂inter/∂x1 = −(yk2 − yk1)·[x1 is the max] (likewise for the
/// other corners); at an exact tie a coordinate gets half the slope (torch's max/min backward); disjoint boxes have
/// a zero gradient. Items are boxes; <c>mean</c> divides by the number of boxes, and an empty input gives 0.
/// </summary>
public sealed record Iou : BoxLoss
{
    /// <summary>Creates an IoU loss.</summary>
    /// <param name="eps">The small number &gt; 0 added to the union.</param>
    public Iou(double eps = 1e-7)
        : base(eps)
    {
    }

    /// <inheritdoc/>
    public override string Name => "iou";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => BoxLosses.Run(Name, default(Term<T>), Num.C<T>(Eps), predictions, targets, values, gradient, reduction);

    private readonly struct Term<T> : IBoxTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(in BoxGeometry<T> geometry, out Grad4<T> gradient)
        {
            gradient = Grad4<T>.Zero.Minus(geometry.IouGrad);
            return T.One - geometry.Iou;
        }
    }
}
