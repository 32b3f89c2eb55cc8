using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Verification;

namespace LossLab.Lab.Studies;

/// <summary>
/// A <c>compare</c> run kept in an <see cref="IStudyStorage"/>: created (or joined) from a data set and settings, worked
/// on by any number of <see cref="StudyWorker"/>s, and read back as the same <see cref="CompareResult"/> that
/// <see cref="Compare.Run"/> gives for the same arguments.
/// </summary>
public static class Study
{
    /// <summary>Creates the study <paramref name="name"/> for <paramref name="definition"/>, or joins it when it exists with the same fingerprint.</summary>
    /// <exception cref="StudyException">The study exists with another definition or data (the message names the fields).</exception>
    /// <exception cref="LossLab.Specs.SpecException">The settings do not fit the data.</exception>
    public static StudyInfo CreateOrJoin(IStudyStorage storage, string name, StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(definition);
        return storage.CreateOrJoin(name, definition.Json, definition.Data, definition.Fingerprint, definition.Plan().Trials);
    }

    /// <summary>The definition (settings and data) of a stored study.</summary>
    /// <exception cref="StudyException">No study of that name, or one that cannot be read.</exception>
    public static StudyDefinition Load(IStudyStorage storage, string name)
    {
        ArgumentNullException.ThrowIfNull(storage);
        StudyInfo info = storage.Find(name) ?? throw new StudyException($"no study '{name}' in {storage.Describe}; `losslab study list --storage {storage.Describe}` shows the studies there");
        return StudyDefinition.Load(info.Definition, storage.ReadData(name));
    }

    /// <summary>
    /// The comparison's result from the stored trial results. When every trial is done it equals <see cref="Compare.Run"/>'s
    /// for the same data and settings; otherwise the candidates whose trials are all done are ranked and
    /// <see cref="CompareResult.Cancelled"/> is true.
    /// </summary>
    /// <exception cref="StudyException">No study of that name, or stored results that cannot be read.</exception>
    public static CompareResult Result(IStudyStorage storage, string name)
    {
        StudyDefinition definition = Load(storage, name);
        return Result(definition, storage.Results(name));
    }

    /// <summary>The comparison's result from a definition and the results of the done trials (JSON by index).</summary>
    public static CompareResult Result(StudyDefinition definition, IReadOnlyDictionary<int, string> results)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(results);
        VerificationPlan plan = definition.Plan();
        var slots = new SplitOutcome?[plan.Trials];
        foreach ((int index, string json) in results)
        {
            if (index >= 0 && index < slots.Length)
            {
                slots[index] = SplitOutcomeJson.Deserialize(json);
            }
        }

        bool complete = slots.All(s => s is not null);
        return Compare.Assemble(definition.Settings, plan, slots, cancelled: !complete);
    }

    /// <summary>
    /// The error for a study joined with another definition: it names the fields that differ (or the data), and how to fix
    /// it. Storages throw it from <see cref="IStudyStorage.CreateOrJoin"/>.
    /// </summary>
    public static StudyException Mismatch(string name, string storedDefinition, string givenDefinition, string storage)
    {
        IReadOnlyList<string> differences = StudyDefinition.Differences(storedDefinition, givenDefinition);
        string what = differences.Count > 0 ? string.Join("; ", differences) : "the data";
        return new StudyException($"study '{name}' in {storage} was created with another definition: {what}; rerun with the same arguments and data, or use another study name");
    }

    /// <summary>Convenience: the definition of <paramref name="settings"/> on <paramref name="data"/>, created or joined.</summary>
    public static StudyDefinition CreateOrJoin(IStudyStorage storage, string name, Dataset data, CompareSettings settings)
    {
        StudyDefinition definition = StudyDefinition.Create(data, settings);
        _ = CreateOrJoin(storage, name, definition);
        return definition;
    }
}
