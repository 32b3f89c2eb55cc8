using System.Runtime.CompilerServices;

namespace LossLab.Schedules;

/// <summary>
/// The running state of <see cref="ReduceLROnPlateau"/>: the one stateful schedule. <see cref="At(long)"/> returns the
/// current lr whatever the step; <see cref="Report(double)"/> feeds the metric measured after an update (PyTorch's
/// <c>scheduler.step(metrics)</c>) and may lower the lr for the following updates.
/// </summary>
/// <remarks>
/// Because it changes, its equality is by reference (two states are equal only if they are the same object), unlike
/// the value equality of the other schedules. A <c>with</c> expression copies it into an independent state with the
/// same counters. Not thread-safe.
/// </remarks>
public sealed record PlateauState : Schedule
{
    internal PlateauState(ReduceLROnPlateau settings)
    {
        Settings = settings;
        LearningRate = settings.BaseValue;
        Best = settings.Mode == "min" ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>The hyper-parameters.</summary>
    public ReduceLROnPlateau Settings { get; }

    /// <summary>The current lr.</summary>
    public double LearningRate { get; private set; }

    /// <summary>The best metric so far (+∞ in min mode, −∞ in max mode before any report).</summary>
    public double Best { get; private set; }

    /// <summary>Reports since the last improvement (PyTorch's <c>num_bad_epochs</c>).</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Reports left in the cooldown (PyTorch's <c>cooldown_counter</c>).</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>The number of metrics reported (PyTorch's <c>last_epoch</c>).</summary>
    public long Reports { get; private set; }

    /// <summary>The current lr; the step is not used (it must be &gt;= 0).</summary>
    public override double At(long step)
    {
        ScheduleGuard.Step(step);
        return LearningRate;
    }

    /// <summary>Feeds a metric measured after an update, exactly as PyTorch's <c>step(metrics)</c>.</summary>
    /// <param name="metric">The metric; NaN never counts as an improvement.</param>
    public void Report(double metric)
    {
        ReduceLROnPlateau s = Settings;
        Reports++;
        if (s.IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else
        {
            NumBadEpochs++;
        }

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0;
        }

        if (NumBadEpochs > s.Patience)
        {
            double old = LearningRate;
            double reduced = Math.Max(old * s.Factor, s.MinLr);
            if (old - reduced > s.Eps)
            {
                LearningRate = reduced;
            }

            CooldownCounter = s.Cooldown;
            NumBadEpochs = 0;
        }
    }

    /// <summary>Reference equality: a state equals only itself.</summary>
    public bool Equals(PlateauState? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RuntimeHelpers.GetHashCode(this);
}
