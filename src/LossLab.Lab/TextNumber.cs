using System.Globalization;

namespace LossLab.Lab;

/// <summary>
/// Numbers for human text (tables, notes): a given number of significant digits like the "G" format, but
/// written out in full between 10⁻⁴ and 10¹⁵ (47300, not 4.73E+04); only outside that range a short lowercase
/// exponent (3.1e-7, 2.5e+20). Invariant culture; NaN and infinities as .NET writes them.
/// </summary>
public static class TextNumber
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The value with <paramref name="digits"/> significant digits, without an exponent where that reads well.</summary>
    /// <param name="value">The number.</param>
    /// <param name="digits">Significant digits, 1 to 15.</param>
    public static string G(double value, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 15);
        if (!double.IsFinite(value))
        {
            return value.ToString(Inv);
        }

        if (value == 0)
        {
            return "0";
        }

        // Round to the significant digits first (the "R" round trip of G), then decide how to write it.
        double rounded = double.Parse(value.ToString("E" + (digits - 1).ToString(Inv), Inv), Inv);
        double magnitude = Math.Abs(rounded);
        if (magnitude < 1e-4 || magnitude >= 1e15)
        {
            return rounded.ToString("0." + new string('#', digits - 1) + "e+0", Inv);
        }

        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        int decimals = Math.Max(0, digits - 1 - exponent);
        string text = rounded.ToString("F" + decimals.ToString(Inv), Inv);
        return decimals > 0 ? text.TrimEnd('0').TrimEnd('.') : text;
    }
}
