using LossLab.Specs;

namespace LossLab.Schedules;

/// <summary>A schedule catalog entry: what a user needs to choose a schedule, and the factory that builds it.</summary>
/// <param name="Name">The spec name (snake_case).</param>
/// <param name="Title">A human title, with PyTorch's class.</param>
/// <param name="Parameters">The parameters with PyTorch's defaults (<c>required</c> where PyTorch has none).</param>
/// <param name="Formula">The value at step e, in plain mathematical notation.</param>
/// <param name="WhenToUse">One paragraph of advice.</param>
/// <param name="Factory">Builds the schedule from typed spec arguments and the base value (the optimizer's lr).</param>
public sealed record ScheduleInfo(
    string Name,
    string Title,
    IReadOnlyList<SpecParameter> Parameters,
    string Formula,
    string WhenToUse,
    Func<SpecArguments, double, Schedule> Factory);
