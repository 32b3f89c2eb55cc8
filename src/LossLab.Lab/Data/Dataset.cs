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
/// 0 … C − 1 with their labels in <see cref="ClassNames"/>. Data read from text also keep their double values
/// (<see cref="FeaturesDouble"/>, <see cref="TargetsDouble"/>) for the exact solvers.
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

    /// <summary>
    /// The features in double precision as read (the decimal text parsed straight to double, before the float32 rounding of
    /// <see cref="Features"/>), rows × features, row-major; null when the data were built in float32 only. The exact
    /// solvers (<c>closed_form</c>, <c>irls</c>, <c>mm</c>, <c>coordinate_descent</c>) fit these values, so a file's
    /// digits reach the QR intact (float32 keeps only about 7 significant digits, which costs NIST's Longley problem, with
    /// κ ≈ 5·10⁹ on the raw scale, all but 4–5 digits of its coefficients). Carried by <see cref="Subset"/> and
    /// <see cref="WithTargets"/>; <see cref="WithFeatures"/> drops them (the new float features replace them).
    /// </summary>
    /// <exception cref="ArgumentException">The length differs from <see cref="Features"/>.</exception>
    public double[]? FeaturesDouble
    {
        get => _featuresDouble;
        init => _featuresDouble = value is null || value.Length == Features.Length
            ? value
            : throw new ArgumentException($"{value.Length} double feature values for {Features.Length} float32 ones", nameof(value));
    }

    /// <summary>
    /// The targets in double precision as read (see <see cref="FeaturesDouble"/>); null when the data were built in float32
    /// only. Carried by <see cref="Subset"/> and <see cref="WithFeatures"/>; <see cref="WithTargets"/> drops them.
    /// </summary>
    /// <exception cref="ArgumentException">The length differs from <see cref="Targets"/>.</exception>
    public double[]? TargetsDouble
    {
        get => _targetsDouble;
        init => _targetsDouble = value is null || value.Length == Targets.Length
            ? value
            : throw new ArgumentException($"{value.Length} double target values for {Targets.Length} float32 ones", nameof(value));
    }

    private readonly double[]? _featuresDouble;
    private readonly double[]? _targetsDouble;

    /// <summary>The features in double: <see cref="FeaturesDouble"/> when the data have it, otherwise <see cref="Features"/> widened (a new array either way).</summary>
    public double[] DoubleFeatures() => FeaturesDouble is { } x ? (double[])x.Clone() : Array.ConvertAll(Features, v => (double)v);

    /// <summary>The targets in double: <see cref="TargetsDouble"/> when the data have it, otherwise <see cref="Targets"/> widened (a new array either way).</summary>
    public double[] DoubleTargets() => TargetsDouble is { } y ? (double[])y.Clone() : Array.ConvertAll(Targets, v => (double)v);

    /// <summary>A copy with other features (same targets, and the same double targets; the double features are dropped).</summary>
    public Dataset WithFeatures(float[] features) => new(Name, FeatureNames, TargetName, features, Targets, Task, ClassNames, TargetWidth) { Notes = Notes, TimeColumn = TimeColumn, OrderedIndexColumn = OrderedIndexColumn, TargetsDouble = TargetsDouble };

    /// <summary>A copy with other targets (same features, and the same double features; the double targets are dropped).</summary>
    public Dataset WithTargets(float[] targets) => new(Name, FeatureNames, TargetName, Features, targets, Task, ClassNames, TargetWidth) { Notes = Notes, TimeColumn = TimeColumn, OrderedIndexColumn = OrderedIndexColumn, FeaturesDouble = FeaturesDouble };

    /// <summary>The rows at <paramref name="indices"/>, in that order (with their double values when the data have them).</summary>
    public Dataset Subset(IReadOnlyList<int> indices, string? name = null) => SubsetOf(indices, withDoubles: true, name);

    /// <summary>
    /// The rows at <paramref name="indices"/>, in that order; with their double values only when
    /// <paramref name="withDoubles"/> and the data have them (a float32-only copy for training, which never reads the
    /// doubles, is less than half the size).
    /// </summary>
    internal Dataset SubsetOf(IReadOnlyList<int> indices, bool withDoubles, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int d = Columns;
        float[] x = new float[indices.Count * d];
        int w = TargetWidth;
        float[] y = new float[indices.Count * w];
        double[]? xd = FeaturesDouble is null || !withDoubles ? null : new double[x.Length];
        double[]? yd = TargetsDouble is null || !withDoubles ? null : new double[y.Length];
        for (int i = 0; i < indices.Count; i++)
        {
            Array.Copy(Features, indices[i] * d, x, i * d, d);
            Array.Copy(Targets, indices[i] * w, y, i * w, w);
            if (xd is not null)
            {
                Array.Copy(FeaturesDouble!, indices[i] * d, xd, i * d, d);
            }

            if (yd is not null)
            {
                Array.Copy(TargetsDouble!, indices[i] * w, yd, i * w, w);
            }
        }

        return new Dataset(name ?? Name, FeatureNames, TargetName, x, y, Task, ClassNames, w) { Notes = Notes, TimeColumn = TimeColumn, OrderedIndexColumn = OrderedIndexColumn, FeaturesDouble = xd, TargetsDouble = yd };
    }
}
