using LossLab.Lab.Data;
using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// Seeded straight-line samples for the loss claims: y = 2x + 1 + noise, x ~ N(0, 1), drawn with
/// <see cref="System.Random"/> so a seed fixes them; helpers shared by the L-claims' experiments.
/// </summary>
internal static class LineSamples
{
    /// <summary>The true (slope, intercept), in LossLab's coefficient order.</summary>
    public static readonly double[] Truth = [2, 1];

    /// <summary>A standard Laplace draw scaled to unit variance (scale b = 1/√2).</summary>
    public static double Laplace(Random random)
    {
        double u = random.NextDouble() - 0.5;
        return -Math.Sign(u) * Math.Log(1 - (2 * Math.Abs(u))) / Math.Sqrt(2);
    }

    /// <summary>Draws n points of the line with the given noise (unit variance draws times <paramref name="sigma"/>).</summary>
    public static (double[] X, double[] Y) Draw(Random random, int n, double sigma, Func<Random, double> noise)
    {
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Builtins.Normal(random);
            y[i] = (Truth[0] * x[i]) + Truth[1] + (sigma * noise(random));
        }

        return (x, y);
    }

    /// <summary>A one-feature regression data set.</summary>
    public static Dataset ToDataset(double[] x, double[] y, string name = "line")
        => new(name, ["x"], "y", [.. x.Select(v => (float)v)], [.. y.Select(v => (float)v)], TaskKind.Regression);

    /// <summary>Euclidean distance between two coefficient vectors.</summary>
    public static double Distance(double[] a, double[] b) => Math.Sqrt(a.Select((v, i) => (v - b[i]) * (v - b[i])).Sum());

    /// <summary>Σ|y − (w·x + b)| for a one-feature line (coefficients: slope, intercept).</summary>
    public static double SumAbs(double[] x, double[] y, double slope, double intercept)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += Math.Abs(y[i] - ((slope * x[i]) + intercept));
        }

        return s;
    }

    /// <summary>The per-item loss values at residuals z (prediction z, target 0), from <see cref="LossCatalog"/>.</summary>
    public static double[] Items(string loss, double[] z)
    {
        double[] values = new double[z.Length];
        LossCatalog.Create(loss).EvaluateItems(z, new double[z.Length], values, new double[z.Length]);
        return values;
    }

    /// <summary>The element-wise derivative ∂ℓ/∂ŷ at residuals z, from <see cref="LossCatalog"/>.</summary>
    public static double[] Derivatives(string loss, double[] z)
    {
        double[] g = new double[z.Length];
        LossCatalog.Create(loss).Evaluate(z, new double[z.Length], g, Reduction.None);
        return g;
    }
}
