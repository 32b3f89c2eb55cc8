using System.Text;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>SequentialLR</c>: schedule i runs from milestone i − 1 (schedule 0 from step 0), with its own step
/// counter restarting at 0 there. η(e) = schedules[k].At(e − m_{k−1}), k = number of milestones ≤ e, m_{−1} = 0.
/// </summary>
/// <remarks>
/// Each schedule keeps its own base value. In PyTorch the schedulers share the optimizer's lr, and a later
/// scheduler that rewrites the group's initial lr (OneCycleLR sets it to max_lr/div_factor) changes what the
/// earlier chainable ones compute; LossLab's schedules do not interact. The schedules and milestones are fixed
/// together at construction (no <c>init</c>), so they always match.
/// </remarks>
public sealed record SequentialSchedule : Schedule
{
    private readonly Schedule[] _schedules;
    private readonly long[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="schedules">The schedules in order, at least one.</param>
    /// <param name="milestones">The steps at which the next schedule takes over: one fewer than the schedules,
    /// each &gt; 0 and strictly increasing.</param>
    public SequentialSchedule(IReadOnlyList<Schedule> schedules, IReadOnlyList<long> milestones)
    {
        ArgumentNullException.ThrowIfNull(schedules, "schedulers");
        ArgumentNullException.ThrowIfNull(milestones, nameof(milestones));
        if (schedules.Count == 0)
        {
            throw new ArgumentOutOfRangeException("schedulers", 0, "schedulers must hold at least one schedule");
        }

        for (int i = 0; i < schedules.Count; i++)
        {
            if (schedules[i] is null)
            {
                throw new ArgumentNullException("schedulers", $"schedulers[{i}] is null");
            }
        }

        if (milestones.Count != schedules.Count - 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(milestones), milestones.Count, $"milestones must hold one fewer entry than schedulers ({schedules.Count - 1}, got {milestones.Count})");
        }

        for (int i = 0; i < milestones.Count; i++)
        {
            long previous = i == 0 ? 0 : milestones[i - 1];
            if (milestones[i] <= previous)
            {
                throw new ArgumentOutOfRangeException(nameof(milestones), milestones[i], "milestones must be > 0 and strictly increasing");
            }
        }

        _schedules = [.. schedules];
        _milestones = [.. milestones];
    }

    /// <summary>The schedules in order.</summary>
    public IReadOnlyList<Schedule> Schedules => _schedules.AsReadOnly();

    /// <summary>The steps at which the next schedule takes over.</summary>
    public IReadOnlyList<long> Milestones => _milestones.AsReadOnly();

    /// <inheritdoc/>
    public override double At(long step)
    {
        ScheduleGuard.Step(step);
        int k = 0;
        while (k < _milestones.Length && _milestones[k] <= step)
        {
            k++;
        }

        return _schedules[k].At(k == 0 ? step : step - _milestones[k - 1]);
    }

    /// <summary>Value equality, comparing the schedules and milestones element by element.</summary>
    public bool Equals(SequentialSchedule? other)
        => other is not null && _milestones.AsSpan().SequenceEqual(other._milestones) && _schedules.SequenceEqual(other._schedules);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (Schedule s in _schedules)
        {
            hash.Add(s);
        }

        foreach (long m in _milestones)
        {
            hash.Add(m);
        }

        return hash.ToHashCode();
    }

    /// <summary>Prints the members, with the lists written out.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Schedules = [").AppendJoin(", ", (IEnumerable<Schedule>)_schedules).Append("], Milestones = [")
            .AppendJoin(", ", _milestones).Append(']');
        return true;
    }
}
