using System.Text;
using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>MultiStepLR</c>: decay by γ at each milestone.
/// η(e) = base·γ^(number of milestones ≤ e).
/// </summary>
/// <remarks>
/// As in PyTorch (which keeps the milestones in a <c>Counter</c>), the order does not matter and a milestone given
/// twice decays twice (γ² at once); a milestone 0 already applies to the first step.
/// </remarks>
public sealed record MultiStepLR : Schedule
{
    private readonly int[] _milestones = [];

    /// <summary>Creates the schedule.</summary>
    /// <param name="baseValue">The base value (the optimizer's initial lr), finite and &gt;= 0.</param>
    /// <param name="milestones">The steps (&gt;= 0) at which to decay, in any order, repeats counted.</param>
    /// <param name="gamma">The multiplicative decay γ &gt;= 0 (default 0.1).</param>
    public MultiStepLR(double baseValue, IReadOnlyList<int> milestones, double gamma = 0.1)
    {
        BaseValue = baseValue;
        Milestones = milestones;
        Gamma = gamma;
    }

    /// <summary>The base value (the optimizer's initial lr).</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary>The milestones, sorted (repeats kept).</summary>
    public IReadOnlyList<int> Milestones
    {
        get => _milestones.AsReadOnly();
        init
        {
            ArgumentNullException.ThrowIfNull(value, "milestones");
            int[] sorted = [.. value];
            foreach (int m in sorted)
            {
                if (m < 0)
                {
                    throw new ArgumentOutOfRangeException("milestones", m, "every milestone must be >= 0");
                }
            }

            Array.Sort(sorted);
            _milestones = sorted;
        }
    }

    /// <summary>The multiplicative decay γ &gt;= 0.</summary>
    public double Gamma { get; init => field = Guard.NonNegative(value, "gamma"); }

    /// <inheritdoc/>
    public override double At(long step) => BaseValue * Math.Pow(Gamma, Passed(ScheduleGuard.Step(step)));

    /// <summary>Value equality, comparing the milestones element by element.</summary>
    public bool Equals(MultiStepLR? other)
        => other is not null && BaseValue.Equals(other.BaseValue) && Gamma.Equals(other.Gamma) && _milestones.AsSpan().SequenceEqual(other._milestones);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(BaseValue);
        hash.Add(Gamma);
        foreach (int m in _milestones)
        {
            hash.Add(m);
        }

        return hash.ToHashCode();
    }

    /// <summary>Prints the members, with the lists written out.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("BaseValue = ").Append(BaseValue)
            .Append(", Milestones = [").AppendJoin(", ", _milestones).Append(']')
            .Append(", Gamma = ").Append(Gamma);
        return true;
    }

    /// <summary>The number of milestones ≤ step (bisect_right).</summary>
    private int Passed(long step)
    {
        int lo = 0;
        int hi = _milestones.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_milestones[mid] <= step)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
