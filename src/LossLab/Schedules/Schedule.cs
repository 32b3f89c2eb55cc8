namespace LossLab.Schedules;

/// <summary>
/// A learning-rate (or momentum) schedule: a value of the step. <c>At(0)</c> is the value used for the first update,
/// <c>At(k)</c> the value after k scheduler steps — PyTorch's <c>lr_scheduler</c> closed forms, with one scheduler
/// step per optimizer step. A plain number converts to a constant schedule.
/// </summary>
public abstract record Schedule
{
    /// <summary>The value at step <paramref name="step"/> (0-based).</summary>
    public abstract double At(long step);

    /// <summary>A constant schedule.</summary>
    public static implicit operator Schedule(double constant) => new ConstantSchedule(constant);

    /// <summary>A constant schedule (the named form of the implicit conversion).</summary>
    public static Schedule FromDouble(double constant) => new ConstantSchedule(constant);
}

/// <summary>The same value at every step: η(t) = η.</summary>
/// <param name="Value">The constant value.</param>
public sealed record ConstantSchedule(double Value) : Schedule
{
    /// <inheritdoc/>
    public override double At(long step) => Value;
}
