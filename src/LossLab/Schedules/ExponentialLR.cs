using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>ExponentialLR</c>: decay by γ every step. η(e) = base·γ^e.
/// </summary>
/// <remarks>
/// PyTorch multiplies the previous lr by γ at each step (its chainable form); this is its closed form, equal to it
/// within rounding (about one ulp per step).
/// </remarks>
public sealed record ExponentialLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="gamma">The multiplicative decay γ &gt;= 0 per step.</param>
    public ExponentialLR(double baseValue, double gamma)
    {
        BaseValue = baseValue;
        Gamma = gamma;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The multiplicative decay γ &gt;= 0 per step.</summary>
    public double Gamma { get; init => field = Guard.NonNegative(value, "gamma"); }

    /// <inheritdoc/>
    public override double At(long step) => BaseValue * Math.Pow(Gamma, ScheduleGuard.Step(step));
}
