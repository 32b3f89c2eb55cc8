namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>LinearLR</c>: the factor moves linearly from <c>start_factor</c> to <c>end_factor</c> over
/// <c>total_iters</c> steps, then stays. η(e) = base·(start + (end − start)·min(T, e)/T).
/// </summary>
/// <remarks>
/// PyTorch's chainable form multiplies the previous lr by a ratio each step (equal within rounding); it divides by
/// start_factor·T there, so start_factor must be &gt; 0 (PyTorch 2 checks it; 1.13 fails on the second step).
/// </remarks>
public sealed record LinearLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="startFactor">The factor at step 0, in (0, 1] (default 1/3).</param>
    /// <param name="endFactor">The factor from step total_iters on, in [0, 1] (default 1).</param>
    /// <param name="totalIters">The length of the ramp, &gt;= 1 (default 5).</param>
    public LinearLR(double baseValue, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5)
    {
        BaseValue = baseValue;
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The factor at step 0, in (0, 1].</summary>
    public double StartFactor { get; init => field = ScheduleGuard.Unit(value, "start_factor", openLow: true); }

    /// <summary>The factor from step <see cref="TotalIters"/> on, in [0, 1].</summary>
    public double EndFactor { get; init => field = ScheduleGuard.Unit(value, "end_factor"); }

    /// <summary>The length of the ramp (<c>total_iters</c>), &gt;= 1; also the length used when chaining.</summary>
    public int TotalIters { get; init => field = ScheduleGuard.AtLeast(value, 1, "total_iters"); }

    /// <inheritdoc/>
    public override double At(long step)
        => BaseValue * (StartFactor + ((EndFactor - StartFactor) * Math.Min(TotalIters, ScheduleGuard.Step(step)) / TotalIters));
}
