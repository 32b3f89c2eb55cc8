using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>PolynomialLR</c>: polynomial decay to 0 over <c>total_iters</c> steps, then 0.
/// η(e) = base·(1 − min(T, e)/T)^power.
/// </summary>
/// <remarks>PyTorch's chainable form multiplies the previous lr by a ratio each step; equal within rounding.</remarks>
public sealed record PolynomialLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="totalIters">The number of decaying steps, &gt;= 1 (default 5).</param>
    /// <param name="power">The power of the polynomial, &gt;= 0 (default 1: linear).</param>
    public PolynomialLR(double baseValue, int totalIters = 5, double power = 1.0)
    {
        BaseValue = baseValue;
        TotalIters = totalIters;
        Power = power;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The number of decaying steps (<c>total_iters</c>), &gt;= 1; also the length used when chaining.</summary>
    public int TotalIters { get; init => field = ScheduleGuard.AtLeast(value, 1, "total_iters"); }

    /// <summary>The power of the polynomial, &gt;= 0.</summary>
    public double Power { get; init => field = Guard.NonNegative(value, "power"); }

    /// <inheritdoc/>
    public override double At(long step)
        => BaseValue * Math.Pow(1.0 - ((double)Math.Min(TotalIters, ScheduleGuard.Step(step)) / TotalIters), Power);
}
