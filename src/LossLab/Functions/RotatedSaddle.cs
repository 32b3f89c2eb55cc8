namespace LossLab.Functions;

/// <summary>
/// The saddle x² − y² turned by 45°: with u = (x + y)/√2 and v = (x − y)/√2, u² − v² = 2xy, so f(x, y) = 2xy.
/// The same stationary point at the origin, but its directions of escape lie on the diagonals instead of the axes,
/// which is what separates per-coordinate methods (Adam, RMSprop, Adagrad scale each axis on its own) from plain
/// gradient descent. Unbounded below along x = −y: <see cref="Minimum"/> is empty, <see cref="MinimumValue"/> is −∞.
/// Gradient (2y, 2x).
/// </summary>
public sealed record RotatedSaddle : TestFunction
{
    /// <inheritdoc/>
    public override string Name => "rotated_saddle";

    /// <inheritdoc/>
    public override int Dimension => 2;

    /// <inheritdoc/>
    public override string Formula => "2xy (x² − y² turned by 45°)";

    /// <inheritdoc/>
    public override IReadOnlyList<double> Minimum => [];

    /// <inheritdoc/>
    public override double MinimumValue => double.NegativeInfinity;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (!gradient.IsEmpty)
        {
            gradient[0] = 2.0 * x[1];
            gradient[1] = 2.0 * x[0];
        }

        return 2.0 * x[0] * x[1];
    }
}
