namespace LossLab.Schedules;

/// <summary>Validation shared by the schedules: every failure names PyTorch's argument.</summary>
internal static class ScheduleGuard
{
    /// <summary>The step passed to <see cref="Schedule.At(long)"/>: steps are 0-based, so never negative.</summary>
    public static long Step(long step)
        => step >= 0 ? step : throw new ArgumentOutOfRangeException(nameof(step), step, "step must be >= 0 (steps are 0-based)");

    /// <summary>The base value (the optimizer's initial lr): finite and >= 0.</summary>
    public static double Base(double value)
        => value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException("lr", value, "lr (the base value) must be a finite number >= 0");

    public static int AtLeast(int value, int minimum, string name)
        => value >= minimum ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be a whole number >= {minimum}");

    public static double Unit(double value, string name, bool openLow = false, bool openHigh = false)
    {
        bool low = openLow ? value > 0 : value >= 0;
        bool high = openHigh ? value < 1 : value <= 1;
        if (low && high)
        {
            return value;
        }

        string range = (openLow ? "(0" : "[0") + ", 1" + (openHigh ? ")" : "]");
        throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in {range}");
    }

    public static string OneOf(string? value, string name, string first, string second)
        => value == first || value == second
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be '{first}' or '{second}'");
}
