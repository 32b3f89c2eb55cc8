namespace LossLab.Functions;

/// <summary>
/// An ill-conditioned bowl f(x, y) = ½(x² + 100y²): Hessian diag(1, 100), condition number 100; minimum 0 at the
/// origin. Gradient (x, 100y). Plain gradient descent zig-zags across the narrow axis; quasi-Newton methods do not.
/// </summary>
public sealed record IllConditionedQuadratic : TestFunction
{
    private static readonly double[] Argmin = [0, 0];

    /// <inheritdoc/>
    public override string Name => "quadratic";

    /// <inheritdoc/>
    public override int Dimension => 2;

    /// <inheritdoc/>
    public override string Formula => "½(x² + 100y²)";

    /// <inheritdoc/>
    public override IReadOnlyList<double> Minimum => Argmin;

    /// <inheritdoc/>
    public override double MinimumValue => 0;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (!gradient.IsEmpty)
        {
            gradient[0] = x[0];
            gradient[1] = 100.0 * x[1];
        }

        return 0.5 * ((x[0] * x[0]) + (100.0 * x[1] * x[1]));
    }
}
