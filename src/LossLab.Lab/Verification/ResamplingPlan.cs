namespace LossLab.Lab.Verification;

/// <summary>How the rows are split into training and test parts.</summary>
public enum FoldScheme
{
    /// <summary>Repeated K-fold cross-validation: a new shuffle of the rows for every repeat (stratified by class for classification).</summary>
    Shuffled,

    /// <summary>
    /// Forward chaining for rows ordered in time: the rows are cut into K + 1 consecutive blocks, and split k trains on
    /// blocks 0 … k − 1 and tests on block k, so no model ever sees the future of the rows it is scored on.
    /// </summary>
    Time,
}

/// <summary>One training/test split of a resampling plan.</summary>
/// <param name="Index">The split's position in the plan (repeat-major).</param>
/// <param name="Repeat">The repeat (0 for time splits).</param>
/// <param name="Fold">The fold within the repeat.</param>
/// <param name="Train">Row indices of the training part, ascending.</param>
/// <param name="Test">Row indices of the test part, ascending.</param>
public sealed record Split(int Index, int Repeat, int Fold, int[] Train, int[] Test);

/// <summary>
/// The resampling plan of a verification: repeated K-fold cross-validation (default 5 folds × 4 repeats, a new fold
/// assignment per repeat) or forward-chaining time splits. The same plan (same seed) gives the same splits; every
/// candidate of a verification is scored on the same splits, so the scores are paired.
/// </summary>
public sealed record ResamplingPlan
{
    /// <summary>K, the folds per repeat (or the number of time splits), at least 2.</summary>
    public int Folds { get; init; } = 5;

    /// <summary>R, the repeats of the K-fold assignment (ignored for time splits), at least 1.</summary>
    public int Repeats { get; init; } = 4;

    /// <summary>Shuffled or time-ordered folds.</summary>
    public FoldScheme Scheme { get; init; } = FoldScheme.Shuffled;

    /// <summary>The base seed of the shuffles; repeat r shuffles with a seed derived from (Seed, r).</summary>
    public int Seed { get; init; }

    /// <summary>The fewest rows a block of forward-chaining splits may have (the first training part is one block).</summary>
    public const int MinimumTimeBlock = 4;

    /// <summary>
    /// The number of forward-chaining splits n rows allow when the plan was not asked for but chosen because the rows
    /// are ordered in time: at most <paramref name="wanted"/>, with blocks of at least <see cref="MinimumTimeBlock"/>
    /// rows; fewer than 2 means the data are too short for time splits.
    /// </summary>
    public static int TimeFoldsFor(int rows, int wanted) => Math.Min(wanted, (rows / MinimumTimeBlock) - 1);

    /// <summary>The number of splits the plan makes: K·R, or K for time splits.</summary>
    public int SplitCount => Scheme == FoldScheme.Time ? Folds : Folds * Repeats;

    /// <summary>One line for people: what the plan does.</summary>
    public string Describe() => Scheme == FoldScheme.Time
        ? $"{Folds} forward-chaining time splits (train on the earlier rows, test on the next block)"
        : Repeats == 1 ? $"{Folds}-fold cross-validation" : $"{Folds}-fold cross-validation repeated {Repeats} times, a new shuffle per repeat";

    /// <summary>Makes the splits.</summary>
    /// <param name="rows">n, the number of rows.</param>
    /// <param name="strata">
    /// Optional class of every row: each fold then gets each class in proportion (stratified K-fold). Ignored for time
    /// splits.
    /// </param>
    /// <returns>The splits in order (repeat-major).</returns>
    /// <exception cref="ArgumentException">Too few rows for the plan, or bad settings.</exception>
    public IReadOnlyList<Split> Create(int rows, IReadOnlyList<int>? strata = null)
    {
        if (Folds < 2 || Repeats < 1)
        {
            throw new ArgumentException($"a resampling plan needs at least 2 folds and 1 repeat (got {Folds} folds, {Repeats} repeats)");
        }

        if (Scheme == FoldScheme.Time)
        {
            return TimeSplits(rows);
        }

        if (rows < Folds * 2)
        {
            throw new ArgumentException($"{Folds}-fold cross-validation needs at least {Folds * 2} rows (got {rows}); use fewer folds");
        }

        if (strata is not null && strata.Count != rows)
        {
            throw new ArgumentException($"strata: {strata.Count} labels for {rows} rows", nameof(strata));
        }

        var splits = new List<Split>(SplitCount);
        int[] fold = new int[rows];
        for (int r = 0; r < Repeats; r++)
        {
            var random = new Random(unchecked((Seed * 1_000_003) + (r * 7919) + 17));
            int[] order = Enumerable.Range(0, rows).ToArray();
            random.Shuffle(order);
            if (strata is not null)
            {
                // Deal the shuffled rows class by class, round robin over the folds: every fold gets ⌊n_c/K⌋ or ⌈n_c/K⌉ rows of class c.
                order = [.. order.OrderBy(i => strata[i])];
            }

            for (int p = 0; p < rows; p++)
            {
                fold[order[p]] = p % Folds;
            }

            for (int k = 0; k < Folds; k++)
            {
                int[] test = [.. Enumerable.Range(0, rows).Where(i => fold[i] == k)];
                int[] train = [.. Enumerable.Range(0, rows).Where(i => fold[i] != k)];
                splits.Add(new Split(splits.Count, r, k, train, test));
            }
        }

        return splits;
    }

    private List<Split> TimeSplits(int rows)
    {
        int blocks = Folds + 1;
        if (rows < blocks * MinimumTimeBlock)
        {
            throw new ArgumentException($"{Folds} forward-chaining splits need at least {blocks * MinimumTimeBlock} rows ({MinimumTimeBlock} per block; got {rows}); use at most {Math.Max(1, (rows / MinimumTimeBlock) - 1)} splits");
        }

        int Edge(int b) => (int)((long)b * rows / blocks);
        var splits = new List<Split>(Folds);
        for (int k = 1; k <= Folds; k++)
        {
            int[] train = [.. Enumerable.Range(0, Edge(k))];
            int[] test = [.. Enumerable.Range(Edge(k), Edge(k + 1) - Edge(k))];
            splits.Add(new Split(k - 1, 0, k - 1, train, test));
        }

        return splits;
    }

    /// <summary>
    /// The inner split of a training part for tuning (the learning rate, a decision threshold): for shuffled plans a
    /// seeded random share of the training rows (stratified when strata are given), for time plans its most recent rows.
    /// A training part larger than <paramref name="maxRows"/> is first cut to that many rows (a seeded sample, or the
    /// most recent rows), so tuning on large data stays cheap; the scored test part is never touched.
    /// </summary>
    /// <param name="train">The training part's rows, ascending.</param>
    /// <param name="share">The share of the (cut) training part that validates, in (0, 1).</param>
    /// <param name="maxRows">The largest number of rows tuning uses.</param>
    /// <param name="seed">The seed of the shuffle.</param>
    /// <param name="strata">Optional class of every row of the data set.</param>
    /// <returns>Rows to train on and rows to validate on (both ascending, disjoint, inside <paramref name="train"/>).</returns>
    public (int[] Train, int[] Validation) Inner(int[] train, double share, int maxRows, int seed, IReadOnlyList<int>? strata = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (Scheme == FoldScheme.Time)
        {
            int[] recent = train.Length > maxRows ? train[^maxRows..] : train;
            int cut = Math.Clamp((int)Math.Round(recent.Length * (1 - share)), 1, recent.Length - 1);
            return (recent[..cut], recent[cut..]);
        }

        int[] order = (int[])train.Clone();
        new Random(unchecked((seed * 31) + 101)).Shuffle(order);
        if (order.Length > maxRows)
        {
            order = order[..maxRows];
        }

        int validation = Math.Clamp((int)Math.Round(order.Length * share), 1, order.Length - 1);
        if (strata is null)
        {
            return ([.. order[validation..].Order()], [.. order[..validation].Order()]);
        }

        // Stratified: every ⌈1/share⌉-th row of each class (in shuffled order) validates.
        var inVal = new HashSet<int>();
        foreach (IGrouping<int, int> group in order.GroupBy(i => strata[i]))
        {
            int[] rows = [.. group];
            int take = Math.Max(rows.Length > 1 ? 1 : 0, (int)Math.Round(rows.Length * share));
            inVal.UnionWith(rows.Take(take));
        }

        int[] val = [.. order.Where(inVal.Contains).Order()];
        int[] fit = [.. order.Where(i => !inVal.Contains(i)).Order()];
        return fit.Length > 0 && val.Length > 0 ? (fit, val) : ([.. order[validation..].Order()], [.. order[..validation].Order()]);
    }
}
