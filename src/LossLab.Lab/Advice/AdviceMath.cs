using System.Globalization;

namespace LossLab.Lab.Advice;

/// <summary>Small numeric helpers of the advisor: medians, moments, erfc, rounding to significant digits.</summary>
internal static class AdviceMath
{
    /// <summary>The median of the values (the mean of the two middle values for an even count); the input is not changed.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        }

        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : 0.5 * (sorted[m - 1] + sorted[m]);
    }

    /// <summary>
    /// Plain (biased) moment shape statistics about the mean: skewness g₁ = m₃/m₂^{3/2} and excess kurtosis
    /// g₂ = m₄/m₂² − 3, with m_k = (1/n)Σ(xᵢ − x̄)^k. Both are 0 when the values do not vary.
    /// </summary>
    public static (double Skewness, double ExcessKurtosis, double Variance) Moments(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= n;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (double v in values)
        {
            double c = v - mean;
            double c2 = c * c;
            m2 += c2;
            m3 += c2 * c;
            m4 += c2 * c2;
        }

        m2 /= n;
        m3 /= n;
        m4 /= n;
        if (!(m2 > 0))
        {
            return (0, 0, 0);
        }

        return (m3 / Math.Pow(m2, 1.5), (m4 / (m2 * m2)) - 3, m2);
    }

    /// <summary>Pearson's correlation of two equally long series; 0 when either does not vary.</summary>
    public static double Correlation(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= n;
        mb /= n;
        double saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            saa += da * da;
            sbb += db * db;
            sab += da * db;
        }

        return saa > 0 && sbb > 0 ? Math.Clamp(sab / Math.Sqrt(saa * sbb), -1, 1) : 0;
    }

    /// <summary>erfc(x), LossLab's one implementation (<see cref="LossLab.Models.SpecialFunctions"/>, also behind GELU).</summary>
    public static double Erfc(double x) => LossLab.Models.SpecialFunctions.Erfc(x);

    /// <summary>The upper tail of χ² with one degree of freedom: P(χ²₁ &gt; x) = P(|Z| &gt; √x) = erfc(√(x/2)).</summary>
    public static double ChiSquare1Tail(double x) => x <= 0 ? 1 : Erfc(Math.Sqrt(x / 2));

    /// <summary>Rounds to <paramref name="digits"/> significant digits (midpoints away from zero).</summary>
    public static double RoundSignificant(double value, int digits = 3)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value;
        }

        int magnitude = (int)Math.Floor(Math.Log10(Math.Abs(value)));
        int decimals = digits - 1 - magnitude;
        if (decimals is >= 0 and <= 15)
        {
            return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        }

        double factor = Math.Pow(10, decimals);
        return Math.Round(value * factor, MidpointRounding.AwayFromZero) / factor;
    }

    /// <summary>A number as it appears in a spec string: 3 significant digits, invariant culture, shortest round-trip text.</summary>
    public static string Spec(double value) => RoundSignificant(value).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number as written, invariant culture, shortest round-trip text.</summary>
    public static string Exact(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A share as a percentage with one decimal, e.g. <c>5.0%</c>.</summary>
    public static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A statistic with 3 significant digits for a sentence.</summary>
    public static string Number(double value) => double.IsPositiveInfinity(value) ? "∞" : TextNumber.G(value, 3);
}
