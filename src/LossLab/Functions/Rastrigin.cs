namespace LossLab.Functions;

/// <summary>
/// Rastrigin's function in two variables with A = 10: f(x) = 2A + Σᵢ (xᵢ² − A·cos 2πxᵢ); minimum 0 at the origin,
/// surrounded by a regular lattice of local minima near the integer points. Gradient 2xᵢ + 2πA·sin 2πxᵢ.
/// </summary>
public sealed record Rastrigin : TestFunction
{
    /// <summary>The amplitude A of the cosine term.</summary>
    public const double A = 10;

    private static readonly double[] Argmin = [0, 0];

    /// <inheritdoc/>
    public override string Name => "rastrigin";

    /// <inheritdoc/>
    public override int Dimension => 2;

    /// <inheritdoc/>
    public override string Formula => "2A + Σ (xᵢ² − A·cos 2πxᵢ), A = 10";

    /// <inheritdoc/>
    public override IReadOnlyList<double> Minimum => Argmin;

    /// <inheritdoc/>
    public override double MinimumValue => 0;

    /// <inheritdoc/>
    protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
    {
        double f = A * x.Length;
        for (int i = 0; i < x.Length; i++)
        {
            double angle = Math.Tau * x[i];
            f += (x[i] * x[i]) - (A * Math.Cos(angle));
            if (!gradient.IsEmpty)
            {
                gradient[i] = (2.0 * x[i]) + (Math.Tau * A * Math.Sin(angle));
            }
        }

        return f;
    }
}
