using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>A quantity's partial derivatives with respect to the four predicted coordinates (x1, y1, x2, y2).</summary>
internal readonly record struct Grad4<T>(T X1, T Y1, T X2, T Y2) where T : unmanaged, IFloatingPointIeee754<T>
{
    public static Grad4<T> Zero => new(T.Zero, T.Zero, T.Zero, T.Zero);

    public Grad4<T> Plus(in Grad4<T> other) => new(X1 + other.X1, Y1 + other.Y1, X2 + other.X2, Y2 + other.Y2);

    public Grad4<T> Minus(in Grad4<T> other) => new(X1 - other.X1, Y1 - other.Y1, X2 - other.X2, Y2 - other.Y2);

    public Grad4<T> Times(T factor) => new(X1 * factor, Y1 * factor, X2 * factor, Y2 * factor);

    /// <summary>this·a + other·b, the gradient of a linear combination.</summary>
    public Grad4<T> Combine(T a, in Grad4<T> other, T b)
        => new((X1 * a) + (other.X1 * b), (Y1 * a) + (other.Y1 * b), (X2 * a) + (other.X2 * b), (Y2 * a) + (other.Y2 * b));
}

/// <summary>
/// The geometry shared by the box losses for one (predicted, ground-truth) pair, with its exact gradient with
/// respect to the predicted box, following torchvision 0.14's <c>_loss_inter_union</c> and the enclosing-box code
/// of <c>giou_loss.py</c>/<c>diou_loss.py</c>.
/// </summary>
/// <remarks>
/// Ties: the intersection corners are max/min of a predicted and a ground-truth coordinate, and the enclosing box
/// corners min/max of the same pairs. At an exact tie (x1 = x1g, …) torch's <c>maximum</c>/<c>minimum</c> backward
/// splits the incoming gradient evenly between the two arguments, so the predicted coordinate receives half:
/// the slope of the selected corner is 1 when the predicted coordinate is strictly selected, ½ at a tie, 0 otherwise.
/// The intersection is masked to 0 (with a zero gradient) unless both its width and height are strictly positive,
/// as torchvision's <c>mask = (yk2 &gt; yk1) &amp; (xk2 &gt; xk1)</c> does.
/// </remarks>
internal readonly struct BoxGeometry<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Computes the pair's geometry; <paramref name="p"/> and <paramref name="g"/> hold (x1, y1, x2, y2).</summary>
    public BoxGeometry(ReadOnlySpan<T> p, ReadOnlySpan<T> g, T eps)
    {
        T x1 = p[0], y1 = p[1], x2 = p[2], y2 = p[3];
        T x1g = g[0], y1g = g[1], x2g = g[2], y2g = g[3];

        // Intersection corners and the slope of each corner with respect to its predicted coordinate.
        T xk1 = T.Max(x1, x1g), yk1 = T.Max(y1, y1g);
        T xk2 = T.Min(x2, x2g), yk2 = T.Min(y2, y2g);
        T inter;
        Grad4<T> dInter;
        if (yk2 > yk1 && xk2 > xk1)
        {
            T iw = xk2 - xk1;
            T ih = yk2 - yk1;
            inter = iw * ih;
            dInter = new(-ih * MaxSlope(x1, x1g), -iw * MaxSlope(y1, y1g), ih * MinSlope(x2, x2g), iw * MinSlope(y2, y2g));
        }
        else
        {
            inter = T.Zero;
            dInter = Grad4<T>.Zero;
        }

        Width = x2 - x1;
        Height = y2 - y1;
        TargetWidth = x2g - x1g;
        TargetHeight = y2g - y1g;

        // A predicted box inverted on both axes would have a positive area w·h (so an inverted copy of the target
        // scored a perfect 0): its area counts as −w·h instead, so the union shrinks and every loss grows.
        T area = Width * Height;
        var areaGrad = new Grad4<T>(-Height, -Width, Height, Width);
        if (Width < T.Zero && Height < T.Zero)
        {
            area = -area;
            areaGrad = areaGrad.Times(-T.One);
        }

        Union = area + (TargetWidth * TargetHeight) - inter;
        UnionGrad = areaGrad.Minus(dInter);

        T denominator = Union + eps;
        Iou = inter / denominator;
        IouGrad = dInter.Combine(T.One / denominator, UnionGrad, -Iou / denominator);

        // Smallest enclosing box: its width depends on x1 and x2 only, its height on y1 and y2 only.
        EnclosingWidth = T.Max(x2, x2g) - T.Min(x1, x1g);
        EnclosingHeight = T.Max(y2, y2g) - T.Min(y1, y1g);
        EnclosingWidthDx1 = -MinSlope(x1, x1g);
        EnclosingWidthDx2 = MaxSlope(x2, x2g);
        EnclosingHeightDy1 = -MinSlope(y1, y1g);
        EnclosingHeightDy2 = MaxSlope(y2, y2g);

        T two = Num.C<T>(2);
        CentreDx = ((x2 + x1) / two) - ((x1g + x2g) / two);
        CentreDy = ((y2 + y1) / two) - ((y1g + y2g) / two);
    }

    /// <summary>IoU = inter/(union + eps).</summary>
    public T Iou { get; }

    /// <summary>∂IoU/∂(x1, y1, x2, y2).</summary>
    public Grad4<T> IouGrad { get; }

    /// <summary>union = area(pred) + area(gt) − inter, area(pred) = w·h (−w·h when w &lt; 0 and h &lt; 0).</summary>
    public T Union { get; }

    /// <summary>∂union/∂(x1, y1, x2, y2) = ∂area(pred) − ∂inter.</summary>
    public Grad4<T> UnionGrad { get; }

    /// <summary>w = x2 − x1 of the predicted box.</summary>
    public T Width { get; }

    /// <summary>h = y2 − y1 of the predicted box.</summary>
    public T Height { get; }

    /// <summary>w_g = x2g − x1g of the ground-truth box.</summary>
    public T TargetWidth { get; }

    /// <summary>h_g = y2g − y1g of the ground-truth box.</summary>
    public T TargetHeight { get; }

    /// <summary>xc2 − xc1 of the smallest enclosing box.</summary>
    public T EnclosingWidth { get; }

    /// <summary>yc2 − yc1 of the smallest enclosing box.</summary>
    public T EnclosingHeight { get; }

    private T EnclosingWidthDx1 { get; }

    private T EnclosingWidthDx2 { get; }

    private T EnclosingHeightDy1 { get; }

    private T EnclosingHeightDy2 { get; }

    /// <summary>(x1 + x2)/2 − (x1g + x2g)/2, the horizontal offset of the centres.</summary>
    public T CentreDx { get; }

    /// <summary>(y1 + y2)/2 − (y1g + y2g)/2, the vertical offset of the centres.</summary>
    public T CentreDy { get; }

    /// <summary>area_c = (xc2 − xc1)(yc2 − yc1), the enclosing box's area, and its gradient.</summary>
    public T EnclosingArea(out Grad4<T> gradient)
    {
        T cw = EnclosingWidth, ch = EnclosingHeight;
        gradient = new(ch * EnclosingWidthDx1, cw * EnclosingHeightDy1, ch * EnclosingWidthDx2, cw * EnclosingHeightDy2);
        return cw * ch;
    }

    /// <summary>c² = (xc2 − xc1)² + (yc2 − yc1)² + eps, the enclosing box's squared diagonal, and its gradient.</summary>
    public T DiagonalSquared(T eps, out Grad4<T> gradient)
    {
        T cw = EnclosingWidth, ch = EnclosingHeight;
        T two = Num.C<T>(2);
        gradient = new(two * cw * EnclosingWidthDx1, two * ch * EnclosingHeightDy1, two * cw * EnclosingWidthDx2, two * ch * EnclosingHeightDy2);
        return (cw * cw) + (ch * ch) + eps;
    }

    /// <summary>ρ² = Δx² + Δy² between the centres, and its gradient (Δx, Δy, Δx, Δy).</summary>
    public T CentreDistanceSquared(out Grad4<T> gradient)
    {
        gradient = new(CentreDx, CentreDy, CentreDx, CentreDy);
        return (CentreDx * CentreDx) + (CentreDy * CentreDy);
    }

    /// <summary>
    /// The DIoU loss 1 − IoU + ρ²/c² and its gradient −∂IoU + ∂ρ²/c² − (ρ²/c²)·∂c²/c².
    /// </summary>
    public T DistanceIouLoss(T eps, out Grad4<T> gradient)
    {
        T c2 = DiagonalSquared(eps, out Grad4<T> dc2);
        T rho2 = CentreDistanceSquared(out Grad4<T> drho2);
        T penalty = rho2 / c2;
        gradient = drho2.Combine(T.One / c2, dc2, -penalty / c2).Minus(IouGrad);
        return T.One - Iou + penalty;
    }

    /// <summary>∂max(a, b)/∂a as torch's <c>maximum</c> backward has it: 1 if a &gt; b, ½ at a tie, else 0.</summary>
    private static T MaxSlope(T a, T b) => a > b ? T.One : a == b ? Num.C<T>(0.5) : T.Zero;

    /// <summary>∂min(a, b)/∂a as torch's <c>minimum</c> backward has it: 1 if a &lt; b, ½ at a tie, else 0.</summary>
    private static T MinSlope(T a, T b) => a < b ? T.One : a == b ? Num.C<T>(0.5) : T.Zero;
}

/// <summary>The value of one box loss for one pair and its gradient with respect to the predicted box.</summary>
internal interface IBoxTerm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    T Evaluate(in BoxGeometry<T> geometry, out Grad4<T> gradient);
}

/// <summary>The driver shared by the box losses: shapes, the loop over boxes, reductions, double accumulation.</summary>
internal static class BoxLosses
{
    /// <summary>Checks that predictions and targets have the same length, a multiple of 4, and returns the box count.</summary>
    public static int CountBoxes(string name, int predictionLength, int targetLength)
    {
        if (predictionLength != targetLength)
        {
            throw new ArgumentException(
                $"{name}: predictions and targets must have the same length (got {predictionLength} and {targetLength})",
                "targets");
        }

        if (predictionLength % 4 != 0)
        {
            throw new ArgumentException(
                $"{name}: boxes are 4 numbers each (x1, y1, x2, y2), so the length must be a multiple of 4 (got {predictionLength})",
                "predictions");
        }

        return predictionLength / 4;
    }

    /// <summary>
    /// Checks every target box (finite, x1 &lt; x2 and y1 &lt; y2), then evaluates each pair. A pair whose products overflow (or underflow) <typeparamref name="T"/> is evaluated on
    /// its coordinates divided by a power of two s (every box loss is invariant under a common scaling of the
    /// coordinates, up to eps), with the gradient divided by s.
    /// </summary>
    /// <exception cref="ArgumentException">A non-finite, empty or inverted target box, or a float64 pair that stays non-finite after rescaling.</exception>
    public static double Run<T, TTerm>(string name, TTerm term, T eps, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TTerm : struct, IBoxTerm<T>
    {
        int n = predictions.Length / 4;
        if (n == 0)
        {
            return 0;
        }

        for (int i = 0; i < n; i++)
        {
            CheckTarget(name, i, targets.Slice(4 * i, 4));
        }

        T scale = reduction == Reduction.Mean ? T.One / T.CreateTruncating(n) : T.One;
        double sum = 0;
        Span<T> scaled = stackalloc T[8];
        for (int i = 0; i < n; i++)
        {
            int o = 4 * i;
            ReadOnlySpan<T> p = predictions.Slice(o, 4), g = targets.Slice(o, 4);
            var geometry = new BoxGeometry<T>(p, g, eps);
            T value = term.Evaluate(geometry, out Grad4<T> d);
            if (!Finite(value, d))
            {
                T s = CommonScale(p, g);
                for (int k = 0; k < 4; k++)
                {
                    scaled[k] = p[k] / s;
                    scaled[4 + k] = g[k] / s;
                }

                geometry = new BoxGeometry<T>(scaled[..4], scaled[4..], eps);
                value = term.Evaluate(geometry, out d);
                d = d.Times(T.One / s);
                // float32 that still fails is evaluated again in float64 by the caller (Loss.Evaluate).
                if (!Finite(value, d) && typeof(T) == typeof(double))
                {
                    throw new ArgumentException(
                        $"{name}: box {i} ({Format(p)} against target {Format(g)}) cannot be evaluated in {typeof(T).Name}: its sizes differ by too many orders of magnitude; rescale the coordinates",
                        nameof(predictions));
                }
            }

            sum += Num.D(value);
            if (!values.IsEmpty)
            {
                values[i] = value;
            }

            if (!gradient.IsEmpty)
            {
                gradient[o] = d.X1 * scale;
                gradient[o + 1] = d.Y1 * scale;
                gradient[o + 2] = d.X2 * scale;
                gradient[o + 3] = d.Y2 * scale;
            }
        }

        return reduction == Reduction.Mean ? sum / n : sum;
    }

    private static void CheckTarget<T>(string name, int i, ReadOnlySpan<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const string Layout = "boxes are (x1, y1, x2, y2) with x1 < x2 and y1 < y2";
        if (!(T.IsFinite(g[0]) && T.IsFinite(g[1]) && T.IsFinite(g[2]) && T.IsFinite(g[3])))
        {
            throw new ArgumentException($"{name}: target box {i} is {Format(g)}; coordinates must be finite", "targets");
        }

        if (!(g[2] > g[0] && g[3] > g[1]))
        {
            string what = g[2] < g[0] || g[3] < g[1] ? "inverted (x2 < x1 or y2 < y1)" : "empty (zero width or height)";
            throw new ArgumentException($"{name}: target box {i} is {Format(g)}, which is {what}; {Layout}", "targets");
        }
    }

    private static bool Finite<T>(T value, in Grad4<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
        => T.IsFinite(value) && T.IsFinite(d.X1) && T.IsFinite(d.Y1) && T.IsFinite(d.X2) && T.IsFinite(d.Y2);

    /// <summary>A power of two near the largest |coordinate| of the pair (1 when all are 0).</summary>
    private static T CommonScale<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = T.Zero;
        for (int k = 0; k < 4; k++)
        {
            max = T.Max(max, T.Max(T.Abs(p[k]), T.Abs(g[k])));
        }

        return max == T.Zero || !T.IsFinite(max) ? T.One : T.ScaleB(T.One, T.ILogB(max));
    }

    private static string Format<T>(ReadOnlySpan<T> box)
        where T : unmanaged, IFloatingPointIeee754<T>
        => FormattableString.Invariant($"({box[0]}, {box[1]}, {box[2]}, {box[3]})");
}
