using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c>: half a cosine from the base down to η_min over T_max steps.
/// η(e) = η_min + (base − η_min)·(1 + cos(π·e/T_max))/2.
/// </summary>
/// <remarks>
/// There is no restart: after T_max the cosine continues, so the value rises back to the base at 2·T_max and
/// repeats with period 2·T_max — PyTorch does exactly the same. PyTorch computes it recursively from the previous lr
/// (η_t = η_min + (η_{t−1} − η_min)·(1 + cos(πt/T))/(1 + cos(π(t−1)/T)), with an additive step where the denominator
/// vanishes); with the lr set only by the scheduler that equals this closed form within rounding (measured
/// ≤ 1e-14 relative over 60 steps). The recursive form differs when something else also changes the lr.
/// For restarts use <see cref="CosineAnnealingWarmRestarts"/>; to stop at η_min chain a constant after it.
/// </remarks>
public sealed record CosineAnnealingLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="tMax">The half period T_max &gt;= 1: the step at which η_min is reached.</param>
    /// <param name="etaMin">The minimum η_min, finite and &gt;= 0 (default 0).</param>
    public CosineAnnealingLR(double baseValue, int tMax, double etaMin = 0)
    {
        BaseValue = baseValue;
        TMax = tMax;
        EtaMin = etaMin;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The half period T_max (<c>t_max</c>), &gt;= 1; also the length used when chaining.</summary>
    public int TMax { get; init => field = ScheduleGuard.AtLeast(value, 1, "t_max"); }

    /// <summary>The minimum η_min (<c>eta_min</c>), &gt;= 0.</summary>
    public double EtaMin { get; init => field = Guard.NonNegative(value, "eta_min"); }

    /// <inheritdoc/>
    public override double At(long step)
        => EtaMin + ((BaseValue - EtaMin) * (1 + Math.Cos(Math.PI * ScheduleGuard.Step(step) / TMax)) / 2);
}
