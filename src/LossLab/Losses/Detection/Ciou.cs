using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Complete IoU loss (torchvision 0.14 <c>complete_box_iou_loss</c>) for boxes (x1, y1, x2, y2), 4 numbers per box:
/// with the DIoU loss of <see cref="Diou"/>, w = x2 − x1, h = y2 − y1 (w_g, h_g for the ground truth),
/// v = (4/π²)(atan(w_g/h_g) − atan(w/h))² and α = v/(1 − IoU + v + eps):
/// ℓ = ℓ_DIoU + α·v.
/// Gradient: α is a constant (torchvision computes it under <c>no_grad</c>), so ∂ℓ = ∂ℓ_DIoU + α·∂v, with
/// ∂v/∂w = −(8/π²)(atan(w_g/h_g) − atan(w/h))·h/(w² + h²), ∂v/∂h = (8/π²)(atan(w_g/h_g) − atan(w/h))·w/(w² + h²),
/// and ∂w/∂(x1, x2) = (−1, 1), ∂h/∂(y1, y2) = (−1, 1). The form h/(w² + h²) stays finite for a degenerate box
/// with h = 0, where torch's chain through w/h gives NaN; a predicted point (w = h = 0) has no aspect term (α·v = 0).
/// Items are boxes; <c>mean</c> divides by the number of boxes, and an empty input gives 0.
/// </summary>
public sealed record Ciou : BoxLoss
{
    /// <summary>Creates a complete IoU loss.</summary>
    /// <param name="eps">The small number &gt; 0 added to the union, the squared diagonal and the denominator of α.</param>
    public Ciou(double eps = 1e-7)
        : base(eps)
    {
    }

    /// <inheritdoc/>
    public override string Name => "ciou";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => BoxLosses.Run(Name, new Term<T>(Num.C<T>(Eps)), Num.C<T>(Eps), predictions, targets, values, gradient, reduction);

    private readonly struct Term<T>(T eps) : IBoxTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(in BoxGeometry<T> geometry, out Grad4<T> gradient)
        {
            T diou = geometry.DistanceIouLoss(eps, out Grad4<T> dDiou);
            T w = geometry.Width, h = geometry.Height;
            if (w == T.Zero && h == T.Zero)
            {
                // A point has no aspect ratio: the loss is the DIoU loss alone.
                gradient = dDiou;
                return diou;
            }

            T k = Num.C<T>(4 / (Math.PI * Math.PI));
            T delta = T.Atan(geometry.TargetWidth / geometry.TargetHeight) - T.Atan(w / h);
            T v = k * (delta * delta);
            T alpha = v / (T.One - geometry.Iou + v + eps);

            // ∂v/∂w and ∂v/∂h; ∂w/∂x1 = −1, ∂w/∂x2 = 1, ∂h/∂y1 = −1, ∂h/∂y2 = 1.
            T twoKDelta = Num.C<T>(2) * k * delta;
            T r2 = (w * w) + (h * h);
            T dvdw = -twoKDelta * h / r2;
            T dvdh = twoKDelta * w / r2;
            gradient = dDiou.Combine(T.One, new Grad4<T>(-dvdw, -dvdh, dvdw, dvdh), alpha);
            return diou + (alpha * v);
        }
    }
}
