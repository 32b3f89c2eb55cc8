namespace LossLab.Functions;

/// <summary>
/// Beale's function f(x, y) = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²; minimum 0 at (3, 0.5),
/// with flat plateaus and steep ridges towards the corners.
/// </summary>
public sealed record Beale : TestFunction
{
    private static readonly double[] Argmin = [3, 0.5];

    /// <inheritdoc/>
    public override string Name => "beale";

    /// <inheritdoc/>
    public override int Dimension => 2;

    /// <inheritdoc/>
    public override string Formula => "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²";

    /// <inheritdoc/>
    public override IReadOnlyList<double> Minimum => Argmin;

    /// <inheritdoc/>
    public override double MinimumValue => 0;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double u = x[0], v = x[1];
        double v2 = v * v;
        double v3 = v2 * v;
        double a = 1.5 - u + (u * v);
        double b = 2.25 - u + (u * v2);
        double c = 2.625 - u + (u * v3);
        if (!gradient.IsEmpty)
        {
            gradient[0] = (2.0 * a * (v - 1.0)) + (2.0 * b * (v2 - 1.0)) + (2.0 * c * (v3 - 1.0));
            gradient[1] = (2.0 * a * u) + (2.0 * b * (2.0 * u * v)) + (2.0 * c * (3.0 * u * v2));
        }

        return (a * a) + (b * b) + (c * c);
    }
}
