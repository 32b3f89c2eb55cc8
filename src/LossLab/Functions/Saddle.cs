namespace LossLab.Functions;

/// <summary>
/// The saddle f(x, y) = x² − y²: a stationary point at the origin that is no minimum; unbounded below along y,
/// so <see cref="Minimum"/> is empty and <see cref="MinimumValue"/> is −∞. Gradient (2x, −2y).
/// </summary>
public sealed record Saddle : TestFunction
{
    /// <inheritdoc/>
    public override string Name => "saddle";

    /// <inheritdoc/>
    public override int Dimension => 2;

    /// <inheritdoc/>
    public override string Formula => "x² − y²";

    /// <inheritdoc/>
    public override IReadOnlyList<double> Minimum => [];

    /// <inheritdoc/>
    public override double MinimumValue => double.NegativeInfinity;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (!gradient.IsEmpty)
        {
            gradient[0] = 2.0 * x[0];
            gradient[1] = -2.0 * x[1];
        }

        return (x[0] * x[0]) - (x[1] * x[1]);
    }
}
