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

    /// <summary>Box regression: 4 targets per row, a box (x1, y1, x2, y2) predicted from the features.</summary>
    Boxes,

    /// <summary>Segmentation: one 0/1 target per pixel, predicted as per-pixel logits.</summary>
    Segmentation,
}

/// <summary>
/// A table of numeric features (row-major, float32) and one target per row. Classification targets are class indices
/// 0 … C − 1 with their labels in <see cref="ClassNames"/>.
/// </summary>
public sealed class Dataset
{
    /// <summary>Creates a data set; the arrays are used as given (not copied).</summary>
    public Dataset(string name, IReadOnlyList<string> featureNames, string targetName, float[] features, float[] targets, TaskKind task, IReadOnlyList<string>? classNames = null, int targetWidth = 1)
    {
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetWidth, 1);
        if (targets.Length % targetWidth != 0 || features.Length != targets.Length / targetWidth * featureNames.Count)
        {
            throw new ArgumentException($"{targets.Length / targetWidth} rows × {featureNames.Count} features need {targets.Length / targetWidth * featureNames.Count} values, got {features.Length}", nameof(features));
        }

        TargetWidth = targetWidth;

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

    /// <summary><see cref="TargetWidth"/> targets per row, row-major (a class index for classification).</summary>
    public float[] Targets { get; }

    /// <summary>Targets per row: 1, 4 for boxes, the pixel count for segmentation.</summary>
    public int TargetWidth { get; }

    /// <summary>The task.</summary>
    public TaskKind Task { get; }

    /// <summary>Class labels in index order (empty for regression).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The number of rows.</summary>
    public int Rows => Targets.Length / TargetWidth;

    /// <summary>The number of features.</summary>
    public int Columns => FeatureNames.Count;

    /// <summary>
    /// What the loader decided about the columns, one sentence each: identifier columns dropped, date columns converted,
    /// a two-valued target read as binary. Empty for data built in code. Carried by <see cref="Subset"/> and the copies.
    /// </summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>
    /// The column (a date, a year, a time stamp) by which the rows are ordered in time, non-decreasing from the first row
    /// to the last; null when none was found. Such data are scored with forward-chaining folds.
    /// </summary>
    public string? TimeColumn { get; init; }

    /// <summary>
    /// A running index column in row order (a whole-number sequence that never decreases, dropped as an identifier), or
    /// null: with residuals correlated along it, the rows are likely ordered in time.
    /// </summary>
    public string? OrderedIndexColumn { get; init; }

    /// <summary>The line of the source file each row came from (rows with missing values may have been dropped); null for data built in code.</summary>
    public IReadOnlyList<int>? SourceLines { get; init; }

    /// <summary>The number of classes (1 when the task is not a classification).</summary>
    public int Classes => Task is TaskKind.Binary or TaskKind.Multiclass ? ClassNames.Count : 1;

    /// <summary>The model outputs the task needs: C for multiclass, the target width otherwise.</summary>
    public int Outputs => Task == TaskKind.Multiclass ? Classes : TargetWidth;

    /// <summary>A copy with other features (same targets).</summary>
    public Dataset WithFeatures(float[] features) => new(Name, FeatureNames, TargetName, features, Targets, Task, ClassNames, TargetWidth) { Notes = Notes, TimeColumn = TimeColumn, OrderedIndexColumn = OrderedIndexColumn };

    /// <summary>A copy with other targets (same features).</summary>
    public Dataset WithTargets(float[] targets) => new(Name, FeatureNames, TargetName, Features, targets, Task, ClassNames, TargetWidth) { Notes = Notes, TimeColumn = TimeColumn, OrderedIndexColumn = OrderedIndexColumn };

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int d = Columns;
        float[] x = new float[indices.Count * d];
        int w = TargetWidth;
        float[] y = new float[indices.Count * w];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(Features, indices[i] * d, x, i * d, d);
            Array.Copy(Targets, indices[i] * w, y, i * w, w);
        }

        return new Dataset(name ?? Name, FeatureNames, TargetName, x, y, Task, ClassNames, w) { Notes = Notes, TimeColumn = TimeColumn, OrderedIndexColumn = OrderedIndexColumn };
    }
}
