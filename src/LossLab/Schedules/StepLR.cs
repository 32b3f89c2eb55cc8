using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>StepLR</c>: decay by γ every <c>step_size</c> steps.
/// η(e) = base·γ^⌊e/step_size⌋.
/// </summary>
/// <remarks>
/// PyTorch multiplies the previous lr by γ at each multiple of step_size (its chainable form); this is its closed form,
/// equal to it within rounding (a few ulps after many decays).
/// </remarks>
public sealed record StepLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="stepSize">The period of the decay, &gt;= 1.</param>
    /// <param name="gamma">The multiplicative decay γ &gt;= 0 (default 0.1).</param>
    public StepLR(double baseValue, int stepSize, double gamma = 0.1)
    {
        BaseValue = baseValue;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The period of the decay (<c>step_size</c>), &gt;= 1.</summary>
    public int StepSize { get; init => field = ScheduleGuard.AtLeast(value, 1, "step_size"); }

    /// <summary>The multiplicative decay γ &gt;= 0.</summary>
    public double Gamma { get; init => field = Guard.NonNegative(value, "gamma"); }

    /// <inheritdoc/>
    public override double At(long step) => BaseValue * Math.Pow(Gamma, ScheduleGuard.Step(step) / StepSize);
}
