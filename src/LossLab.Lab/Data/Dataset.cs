namespace LossLab.Lab.Data;

/// <summary>The kind of prediction a data set asks for.</summary>
public enum TaskKind
{
    /// <summary>A real-valued target.</summary>
    Regression,

    /// <summary>Two classes, encoded 0 and 1.</summary>
    Binary,

    /// <summary>Three or more classes, encoded 0 … C − 1.</summary>
    Multiclass,
}

/// <summary>
/// A table of numeric features (row-major, float32) and one target per row. Classification targets are class indices
/// 0 … C − 1 with their labels in <see cref="ClassNames"/>.
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a data set; the arrays are used as given (not copied).</summary>
    public Dataset(string name, IReadOnlyList<string> featureNames, string targetName, float[] features, float[] targets, TaskKind task, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (features.Length != targets.Length * featureNames.Count)
        {
            throw new ArgumentException($"{targets.Length} rows × {featureNames.Count} features need {targets.Length * featureNames.Count} values, got {features.Length}", nameof(features));
        }

        Name = name;
        FeatureNames = featureNames;
        TargetName = targetName;
        Features = features;
        Targets = targets;
        Task = task;
        ClassNames = classNames ?? [];
    }

    /// <summary>Where it came from (a file path or <c>builtin:NAME</c>).</summary>
    public string Name { get; }

    /// <summary>The feature columns.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The target column.</summary>
    public string TargetName { get; }

    /// <summary>Rows × features, row-major.</summary>
    public float[] Features { get; }

    /// <summary>One target per row (class index for classification).</summary>
    public float[] Targets { get; }

    /// <summary>The task.</summary>
    public TaskKind Task { get; }

    /// <summary>Class labels in index order (empty for regression).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of rows.</summary>
    public int Rows => Targets.Length;

    /// <summary>The number of features.</summary>
    public int Columns => FeatureNames.Count;

    /// <summary>The number of classes (1 for regression).</summary>
    public int Classes => Task == TaskKind.Regression ? 1 : ClassNames.Count;

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int d = Columns;
        float[] x = new float[indices.Count * d];
        float[] y = new float[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(Features, indices[i] * d, x, i * d, d);
            y[i] = Targets[indices[i]];
        }

        return new Dataset(name ?? Name, FeatureNames, TargetName, x, y, Task, ClassNames);
    }
}
