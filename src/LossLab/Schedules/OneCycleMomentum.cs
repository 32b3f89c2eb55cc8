namespace LossLab.Schedules;

/// <summary>
/// The momentum (or Adam's β₁) that <see cref="OneCycleLR"/> cycles inversely to its learning rate:
/// max_momentum → base_momentum → max_momentum (three phases: max → base → max → max), with the same phases and
/// annealing as the lr, holding the last value from total_steps on. Obtain it from <see cref="OneCycleLR.Momentum"/>.
/// </summary>
public sealed record OneCycleMomentum : Schedule
{
    private readonly OneCycleLR _cycle;

    internal OneCycleMomentum(OneCycleLR cycle) => _cycle = cycle;

    /// <summary>The momentum at the peak learning rate.</summary>
    public double BaseMomentum => _cycle.BaseMomentum;

    /// <summary>The momentum at the start and the end of the cycle.</summary>
    public double MaxMomentum => _cycle.MaxMomentum;

    /// <inheritdoc/>
    public override double At(long step) => _cycle.MomentumAt(step);
}
