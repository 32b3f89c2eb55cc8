namespace LossLab.Functions;

/// <summary>
/// Rosenbrock's banana valley f(x, y) = (1 − x)² + 100(y − x²)²; minimum 0 at (1, 1), reached along a narrow
/// curved valley. Gradient (−2(1 − x) − 400x(y − x²), 200(y − x²)).
/// </summary>
public sealed record Rosenbrock : TestFunction
{
    private static readonly double[] Argmin = [1, 1];

    /// <inheritdoc/>
    public override string Name => "rosenbrock";

    /// <inheritdoc/>
    public override int Dimension => 2;

    /// <inheritdoc/>
    public override string Formula => "(1 − x)² + 100(y − x²)²";

    /// <inheritdoc/>
    public override IReadOnlyList<double> Minimum => Argmin;

    /// <inheritdoc/>
    public override double MinimumValue => 0;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double a = 1.0 - x[0];
        double b = x[1] - (x[0] * x[0]);
        if (!gradient.IsEmpty)
        {
            gradient[0] = (-2.0 * a) - (400.0 * x[0] * b);
            gradient[1] = 200.0 * b;
        }

        return (a * a) + (100.0 * b * b);
    }
}
