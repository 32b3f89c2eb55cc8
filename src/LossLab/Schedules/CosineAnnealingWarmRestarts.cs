using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>CosineAnnealingWarmRestarts</c> (SGDR): cosine annealing that restarts at the base.
/// η(e) = η_min + (base − η_min)·(1 + cos(π·T_cur/T_i))/2, where T_cur counts the steps since the last restart and
/// the periods are T_0, T_0·T_mult, T_0·T_mult², … (restarts at T_0, T_0(1 + T_mult), …).
/// </summary>
/// <remarks>
/// T_cur is found by whole-number arithmetic (PyTorch's stepping does the same; its <c>step(epoch)</c> form uses a
/// floating-point logarithm instead).
/// </remarks>
public sealed record CosineAnnealingWarmRestarts : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="t0">The first period T_0 &gt;= 1.</param>
    /// <param name="tMult">The growth T_mult &gt;= 1 of the period at each restart (default 1).</param>
    /// <param name="etaMin">The minimum η_min, finite and &gt;= 0 (default 0).</param>
    public CosineAnnealingWarmRestarts(double baseValue, int t0, int tMult = 1, double etaMin = 0)
    {
        BaseValue = baseValue;
        T0 = t0;
        TMult = tMult;
        EtaMin = etaMin;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The first period T_0 (<c>t_0</c>), &gt;= 1.</summary>
    public int T0 { get; init => field = ScheduleGuard.AtLeast(value, 1, "t_0"); }

    /// <summary>The growth T_mult (<c>t_mult</c>) of the period at each restart, &gt;= 1.</summary>
    public int TMult { get; init => field = ScheduleGuard.AtLeast(value, 1, "t_mult"); }

    /// <summary>The minimum η_min (<c>eta_min</c>), &gt;= 0.</summary>
    public double EtaMin { get; init => field = Guard.NonNegative(value, "eta_min"); }

    /// <inheritdoc/>
    public override double At(long step)
    {
        long tCur = ScheduleGuard.Step(step);
        long period = T0;
        if (TMult == 1)
        {
            tCur %= period;
        }
        else
        {
            while (tCur >= period)
            {
                tCur -= period;
                period = period > long.MaxValue / TMult ? long.MaxValue : period * TMult;
            }
        }

        return EtaMin + ((BaseValue - EtaMin) * (1 + Math.Cos(Math.PI * tCur / period)) / 2);
    }
}
