namespace LossLab.Numerics;

/// <summary>Hyper-parameter validation: every failure is an <see cref="ArgumentOutOfRangeException"/> naming the parameter.</summary>
internal static class Guard
{
    public static double Positive(double value, string name)
        => value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number > 0");

    public static double NonNegative(double value, string name)
        => value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number >= 0");

    public static double Finite(double value, string name)
        => double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number");

    public static double OpenUnit(double value, string name)
        => value > 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in the open interval (0, 1)");

    public static double OpenInterval(double value, double low, double high, string name)
        => value > low && value < high ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in the open interval ({low}, {high})");

    public static double ClosedUnit(double value, string name)
        => value >= 0 && value <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1]");

    public static IReadOnlyList<double>? NonNegativeList(IReadOnlyList<double>? values, string name)
    {
        if (values is null)
        {
            return null;
        }

        if (values.Count == 0)
        {
            throw new ArgumentOutOfRangeException(name, "[]", $"{name} must not be empty");
        }

        foreach (double v in values)
        {
            if (!(v >= 0) || !double.IsFinite(v))
            {
                throw new ArgumentOutOfRangeException(name, v, $"every entry of {name} must be a finite number >= 0");
            }
        }

        return values.ToArray();
    }
}
