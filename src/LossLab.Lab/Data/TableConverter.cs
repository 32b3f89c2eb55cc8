using System.Globalization;

namespace LossLab.Lab.Data;

/// <summary>Turns a raw CSV table into a numeric <see cref="Dataset"/>, with an error naming the line and column of any bad cell.</summary>
public static class TableConverter
{
    private static readonly System.Text.RegularExpressions.Regex DecimalComma = new(@"^[-+]?\d+,\d+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly HashSet<string> MissingMarkers = new(StringComparer.OrdinalIgnoreCase) { "", "na", "nan", "null", "none", "?" };

    /// <summary>Converts the table.</summary>
    /// <param name="table">The raw table.</param>
    /// <param name="target">The target column.</param>
    /// <param name="features">The feature columns; null for every column but the target, less identifier columns (<see cref="ColumnRoles"/>; each dropped column gets a note in <see cref="Dataset.Notes"/>).</param>
    /// <param name="task">The task; null to infer it (a target of words, or of exactly two distinct numbers in any coding — 0/1, 1/2 — makes a classification, as do 3–10 codes 0 … K − 1 in a column named like classes, e.g. species or type; numbers with some words in between are a regression target with bad cells).</param>
    /// <param name="dropMissing">Drop rows with a missing value instead of failing.</param>
    /// <exception cref="DataException">An unknown column, a bad or missing cell, too few rows, or a constant target.</exception>
    public static Dataset ToDataset(RawTable table, string target, IReadOnlyList<string>? features = null, TaskKind? task = null, bool dropMissing = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        int targetIndex = IndexOf(table, target, "--target");
        int[] featureIndices = features is null
            ? Enumerable.Range(0, table.Columns.Count).Where(i => i != targetIndex).ToArray()
            : features.Select(f => IndexOf(table, f, "--features")).ToArray();
        if (featureIndices.Contains(targetIndex))
        {
            throw new DataException($"--features: the target column '{target}' cannot also be a feature");
        }

        if (featureIndices.Length == 0)
        {
            throw new DataException($"{table.Source}: no feature columns besides the target '{target}'");
        }

        var keep = new List<int>(table.Rows.Count);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            int? missing = FirstMissing(table.Rows[r], featureIndices, targetIndex);
            if (missing is int column)
            {
                if (!dropMissing)
                {
                    throw new DataException(
                        $"{table.Source}: line {table.Lines[r]}, column {column + 1} ('{table.Columns[column]}'): missing value; fill it in or pass --drop-missing to drop such rows");
                }

                continue;
            }

            keep.Add(r);
        }

        if (keep.Count < 2)
        {
            throw new DataException($"{table.Source}: {keep.Count} usable row(s); at least two are needed to fit anything");
        }

        // A feature column with no number in it is categorical: one-hot, with the first category (in sorted order)
        // as the reference level (k − 1 columns, so an intercept model stays full rank). A column that mixes numbers
        // and words is numeric with bad cells, reported below.
        // Column roles (ColumnRoles): with the features left to LossLab, identifier columns are dropped, ISO dates become
        // decimal years, and a date or year column that never decreases marks the rows as ordered in time.
        var columns = new List<(int Source, string Name, string? Level)>();
        var notes = new List<string>();
        var dates = new Dictionary<int, string>();
        if (keep.Count < table.Rows.Count)
        {
            notes.Add($"{table.Rows.Count - keep.Count} of {table.Rows.Count} rows dropped for missing values (--drop-missing)");
        }

        string? timeColumn = null, orderedIndex = null;
        foreach (int c in featureIndices)
        {
            bool numeric = keep.Any(r => CsvLoader.IsNumber(table.Rows[r][c]));
            ColumnRole role = features is null ? ColumnRoles.Recognise(table.Columns[c], keep.Select(r => table.Rows[r][c]).ToArray(), numeric) : ColumnRole.Feature;
            if (role == ColumnRole.Identifier && numeric && TargetCorrelation(table, keep, c, targetIndex) is double rho && Math.Abs(rho) >= 0.3)
            {
                // A rank or a running number that tracks the target is information, not a label of the row.
                notes.Add($"column '{table.Columns[c]}' holds a different whole number in every row like an identifier, but it correlates with the target (r = {rho.ToString("0.00", CultureInfo.InvariantCulture)}): kept as a feature");
                role = ColumnRole.Feature;
            }

            if (role == ColumnRole.Identifier)
            {
                bool ordered = numeric && ColumnRoles.NonDecreasing(keep.Select(r => double.Parse(table.Rows[r][c], CultureInfo.InvariantCulture)).ToArray());
                orderedIndex ??= ordered ? table.Columns[c] : null;
                notes.Add(numeric
                    ? $"column '{table.Columns[c]}' holds a different whole number in every row ({(ordered ? "a running index in row order" : "an identifier")}): dropped as a feature; name it in --features to keep it"
                    : $"column '{table.Columns[c]}' holds a different word in every row (an identifier): dropped instead of one-hot encoding {keep.Count} levels; name it in --features to keep it");
                continue;
            }

            if (role is ColumnRole.Date or ColumnRole.Year)
            {
                string? format = role == ColumnRole.Date ? ColumnRoles.DateFormat(keep.Select(r => table.Rows[r][c]).ToArray()) : null;
                double[] when = keep.Select(r => format is not null ? ColumnRoles.ToYears(table.Rows[r][c], format)!.Value : double.Parse(table.Rows[r][c], CultureInfo.InvariantCulture)).ToArray();
                bool ordered = ColumnRoles.NonDecreasing(when);
                if (format is not null)
                {
                    dates[c] = format;
                    notes.Add($"column '{table.Columns[c]}' holds dates ({format}): converted to decimal years (a trend feature)");
                }

                if (ordered && timeColumn is null)
                {
                    timeColumn = table.Columns[c];
                    notes.Add($"the rows are ordered in time by '{table.Columns[c]}' (it never decreases from the first row to the last)");
                }
                else if (!ordered && format is not null)
                {
                    notes.Add($"column '{table.Columns[c]}' holds dates but the rows are not in date order: sort the file by it to verify with forward-chaining folds (--folds time); shuffled folds are used");
                }
            }

            if (numeric || dates.ContainsKey(c))
            {
                columns.Add((c, table.Columns[c], null));
                continue;
            }

            int decimalComma = keep.FindIndex(r => DecimalComma.IsMatch(table.Rows[r][c]));
            if (decimalComma >= 0)
            {
                int row = keep[decimalComma];
                throw new DataException(
                    $"{table.Source}: line {table.Lines[row]}, column {c + 1} ('{table.Columns[c]}'): '{table.Rows[row][c]}' looks like a number with a decimal comma; LossLab reads '.' as the decimal point — convert the file (e.g. 1,5 → 1.5)");
            }

            string[] levels = keep.Select(r => table.Rows[r][c]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            if (levels.Length < 2)
            {
                continue;
            }

            columns.AddRange(levels.Skip(1).Select(level => (c, $"{table.Columns[c]}={level}", (string?)level)));
        }

        if (columns.Count == 0)
        {
            string dropped = notes.Count > 0 ? " (" + string.Join("; ", notes.Where(n => n.Contains("dropped", StringComparison.Ordinal))) + ")" : string.Empty;
            throw new DataException($"{table.Source}: no usable feature columns (categorical columns with a single level carry no information){dropped}; name the columns to use in --features");
        }

        // Every cell is parsed once to double and kept (xd, yd: what the exact solvers fit); the float32 copy is its rounding.
        int d = columns.Count;
        double[] xd = new double[keep.Count * d];
        for (int i = 0; i < keep.Count; i++)
        {
            int r = keep[i];
            for (int j = 0; j < d; j++)
            {
                (int source, _, string? level) = columns[j];
                xd[(i * d) + j] = level is not null ? (table.Rows[r][source] == level ? 1 : 0)
                    : dates.TryGetValue(source, out string? dateFormat) ? ColumnRoles.ToYears(table.Rows[r][source], dateFormat)!.Value
                    : Number(table, r, source, "feature");
            }
        }

        float[] x = Array.ConvertAll(xd, v => (float)v);

        TaskKind kind = task ?? Infer(table, keep, targetIndex);
        double[] yd = new double[keep.Count];
        string[] classNames = [];
        if (kind == TaskKind.Regression)
        {
            for (int i = 0; i < keep.Count; i++)
            {
                yd[i] = Number(table, keep[i], targetIndex, "target");
            }

            if (yd.All(v => v == yd[0]))
            {
                throw new DataException($"{table.Source}: the target '{target}' is constant ({yd[0].ToString(CultureInfo.InvariantCulture)} in every row): there is nothing to learn");
            }
        }
        else
        {
            int comma = keep.FindIndex(r => DecimalComma.IsMatch(table.Rows[r][targetIndex]));
            if (comma >= 0 && task is null)
            {
                int row = keep[comma];
                throw new DataException(
                    $"{table.Source}: line {table.Lines[row]}, column {targetIndex + 1} ('{target}'): '{table.Rows[row][targetIndex]}' looks like a number with a decimal comma; LossLab reads '.' as the decimal point — convert the file, or pass --task if these are labels");
            }

            string[] labels = keep.Select(r => table.Rows[r][targetIndex]).ToArray();
            classNames = OrderLabels(labels.Distinct(StringComparer.Ordinal));
            if (classNames.Length < 2)
            {
                throw new DataException($"{table.Source}: the target '{target}' has a single class ('{classNames[0]}'): a classifier needs at least two");
            }

            if (classNames.Length > 50 && classNames.Length * 2 > labels.Length)
            {
                throw new DataException(
                    $"{table.Source}: the target '{target}' looks like an identifier, not a class label: {classNames.Length:N0} distinct values in {labels.Length:N0} rows"
                    + (kind == TaskKind.Multiclass && task is not null ? " (--task multiclass)" : string.Empty)
                    + "; choose another --target, or --task regression if it is a number");
            }

            if (kind == TaskKind.Binary && classNames.Length != 2)
            {
                throw new DataException($"--task binary: the target '{target}' has {classNames.Length} classes; use --task multiclass");
            }

            var index = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
            for (int i = 0; i < labels.Length; i++)
            {
                yd[i] = index[labels[i]];
            }
        }

        if (task is null && kind == TaskKind.Binary && !(classNames[0] == "0" && classNames[1] == "1"))
        {
            notes.Add($"the target '{target}' takes two values ({classNames[0]}, {classNames[1]}): read as binary with '{classNames[1]}' as the positive class (pass --task regression to treat it as a number)");
        }

        float[] y = Array.ConvertAll(yd, v => (float)v);
        return new Dataset(table.Source, columns.Select(c => c.Name).ToArray(), target, x, y, kind, classNames)
        {
            Notes = notes, TimeColumn = timeColumn, OrderedIndexColumn = orderedIndex, SourceLines = [.. keep.Select(r => table.Lines[r])], FeaturesDouble = xd, TargetsDouble = yd,
        };
    }

    /// <summary>Pearson's correlation of a numeric column with a numeric target over the kept rows, or null when either is not all numbers.</summary>
    private static double? TargetCorrelation(RawTable table, List<int> rows, int column, int target)
    {
        double[] a = new double[rows.Count], b = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (!double.TryParse(table.Rows[rows[i]][column], NumberStyles.Float, CultureInfo.InvariantCulture, out a[i])
                || !double.TryParse(table.Rows[rows[i]][target], NumberStyles.Float, CultureInfo.InvariantCulture, out b[i]))
            {
                return null;
            }
        }

        return LossLab.Lab.Advice.AdviceMath.Correlation(a, b);
    }

    private static int IndexOf(RawTable table, string column, string option)
    {
        for (int i = 0; i < table.Columns.Count; i++)
        {
            if (table.Columns[i] == column)
            {
                return i;
            }
        }

        throw new DataException($"{option} {column}: no such column in {table.Source}; columns are: {string.Join(", ", table.Columns)}");
    }

    private static int? FirstMissing(string[] row, int[] features, int target)
    {
        foreach (int c in features.Append(target))
        {
            if (MissingMarkers.Contains(row[c]))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The cell as a double (also within float32's range, for the float32 copy), or a <see cref="DataException"/> naming it.</summary>
    private static double Number(RawTable table, int row, int column, string role)
    {
        string cell = table.Rows[row][column];
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            string hint = role == "feature" ? "this column holds numbers, so every cell must be one (a column of words only is one-hot encoded)" : "a regression target must be numeric (use --task binary or multiclass for labels)";
            throw new DataException($"{table.Source}: line {table.Lines[row]}, column {column + 1} ('{table.Columns[column]}'): '{Shorten(cell)}' is not a number; {hint}");
        }

        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
        {
            throw new DataException($"{table.Source}: line {table.Lines[row]}, column {column + 1} ('{table.Columns[column]}'): '{Shorten(cell)}' is not a finite float32 number");
        }

        return value;
    }

    private static TaskKind Infer(RawTable table, List<int> rows, int target)
    {
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        bool numeric = true, anyNumeric = false;
        foreach (int r in rows)
        {
            string cell = table.Rows[r][target];
            bool isNumber = CsvLoader.IsNumber(cell);
            numeric &= isNumber;
            anyNumeric |= isNumber;
            if (distinct.Count <= 10)
            {
                distinct.Add(cell);
            }
        }

        if (!numeric)
        {
            // Words mixed into a numeric column are bad cells, not class labels: treat it as regression so the
            // first bad cell is reported with its line and column (--task binary|multiclass says otherwise).
            return anyNumeric ? TaskKind.Regression : distinct.Count == 2 ? TaskKind.Binary : TaskKind.Multiclass;
        }

        // Exactly two distinct numbers (0/1, 1/2, −1/+1, …) are two classes, whatever their coding.
        double[] values = [.. distinct.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Distinct().Order()];
        if (values.Length == 2)
        {
            return TaskKind.Binary;
        }

        // 3 to 10 class codes 0 … K − 1 (or 1 … K) in a column named like classes (species, type, class, …) are labels;
        // without such a name a few whole numbers stay a number (an ordinal scale, a count).
        bool codes = values.Length is >= 3 and <= 10 && values.All(v => v == Math.Floor(v)) && values[0] is 0 or 1 && values[^1] - values[0] == values.Length - 1;
        return codes && ColumnRoles.IsClassName(table.Columns[target]) ? TaskKind.Multiclass : TaskKind.Regression;
    }

    private static string[] OrderLabels(IEnumerable<string> labels)
    {
        string[] all = labels.ToArray();
        return all.All(CsvLoader.IsNumber)
            ? all.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray()
            : all.OrderBy(l => l, StringComparer.Ordinal).ToArray();
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
