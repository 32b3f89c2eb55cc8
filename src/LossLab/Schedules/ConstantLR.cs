namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>ConstantLR</c>: a reduced value for the first <c>total_iters</c> steps, then the base.
/// η(e) = base·factor for e &lt; total_iters, else base.
/// </summary>
/// <remarks>
/// PyTorch's chainable form multiplies by 1/factor at step total_iters (so it fails for factor = 0, and with
/// total_iters = 0 it keeps base·factor for ever); LossLab uses the closed form and requires total_iters &gt;= 1.
/// </remarks>
public sealed record ConstantLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="factor">The factor in [0, 1] applied during the first total_iters steps (default 1/3).</param>
    /// <param name="totalIters">The number of reduced steps, &gt;= 1 (default 5).</param>
    public ConstantLR(double baseValue, double factor = 1.0 / 3, int totalIters = 5)
    {
        BaseValue = baseValue;
        Factor = factor;
        TotalIters = totalIters;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The factor in [0, 1] applied during the first <see cref="TotalIters"/> steps.</summary>
    public double Factor { get; init => field = ScheduleGuard.Unit(value, "factor"); }

    /// <summary>The number of reduced steps (<c>total_iters</c>), &gt;= 1; also the length used when chaining.</summary>
    public int TotalIters { get; init => field = ScheduleGuard.AtLeast(value, 1, "total_iters"); }

    /// <inheritdoc/>
    public override double At(long step) => ScheduleGuard.Step(step) < TotalIters ? BaseValue * Factor : BaseValue;
}
