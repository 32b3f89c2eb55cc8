using System.Globalization;

namespace LossLab.Lab.Data;

/// <summary>Turns a raw CSV table into a numeric <see cref="Dataset"/>, with an error naming the line and column of any bad cell.</summary>
public static class TableConverter
{
    /// <summary>
    /// Whether a cell is a number written with a decimal comma, [+-]digits,digits (digits as .NET's \d: any Unicode decimal
    /// digit; one trailing newline allowed, as a regular expression's $ allows). Checked by hand so that loading a table
    /// constructs no regular expression (start-up time of every command that reads a CSV).
    /// </summary>
    internal static bool IsDecimalComma(string cell)
    {
        ReadOnlySpan<char> s = cell.EndsWith('\n') ? cell.AsSpan(0, cell.Length - 1) : cell;
        int i = s.Length > 0 && s[0] is '-' or '+' ? 1 : 0;
        int start = i;
        while (i < s.Length && char.IsDigit(s[i]))
        {
            i++;
        }

        if (i == start || i >= s.Length || s[i] != ',')
        {
            return false;
        }

        int fraction = ++i;
        while (i < s.Length && char.IsDigit(s[i]))
        {
            i++;
        }

        return i > fraction && i == s.Length;
    }

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

        // The first missing cell of each row, in the column order features then target (the columns are sparse in
        // missing cells, so this visits only those).
        int rowCount = table.RowCount;
        int[] usedColumns = [.. featureIndices, targetIndex];
        var missingAt = new Dictionary<int, int>();
        for (int k = usedColumns.Length - 1; k >= 0; k--)
        {
            foreach (int r in table.Column(usedColumns[k]).MissingRows())
            {
                missingAt[r] = usedColumns[k];
            }
        }

        if (missingAt.Count > 0 && !dropMissing)
        {
            int row = missingAt.Keys.Min();
            int column = missingAt[row];
            throw new DataException(
                $"{table.Source}: line {table.Lines[row]}, column {column + 1} ('{table.Columns[column]}'): missing value; fill it in or pass --drop-missing to drop such rows");
        }

        int[] keep = new int[rowCount - missingAt.Count];
        for (int r = 0, i = 0; r < rowCount; r++)
        {
            if (missingAt.Count == 0 || !missingAt.ContainsKey(r))
            {
                keep[i++] = r;
            }
        }

        if (keep.Length < 2)
        {
            throw new DataException($"{table.Source}: {keep.Length} usable row(s); at least two are needed to fit anything");
        }

        // A feature column with no number in it is categorical: one-hot, with the first category (in sorted order)
        // as the reference level (k − 1 columns, so an intercept model stays full rank). A column that mixes numbers
        // and words is numeric with bad cells, reported below.
        // Column roles (ColumnRoles): with the features left to LossLab, identifier columns are dropped, ISO dates become
        // decimal years, and a date or year column that never decreases marks the rows as ordered in time.
        var columns = new List<(int Source, string Name, string? Level)>();
        var notes = new List<string>();
        var dates = new Dictionary<int, string>();
        if (keep.Length < rowCount)
        {
            notes.Add($"{rowCount - keep.Length} of {rowCount} rows dropped for missing values (--drop-missing)");
        }

        string? timeColumn = null, orderedIndex = null;
        foreach (int c in featureIndices)
        {
            CsvColumn cells = table.Column(c);
            bool numeric = cells.AllPlain || keep.Any(cells.IsNumber);

            // A column of plain numbers that are not all whole can only be a feature: no copy of it is made to decide.
            bool plainFeature = features is not null || (cells.AllPlain && cells.HasNonWhole());
            double[]? values = numeric && !plainFeature ? KeptNumbers(cells, keep) : null;
            ColumnRole role = plainFeature ? ColumnRole.Feature
                : values is not null ? ColumnRoles.RecogniseNumbers(table.Columns[c], values, () => UniqueText(cells, keep, values))
                : ColumnRoles.Recognise(table.Columns[c], KeptText(cells, keep), numeric);
            if (role == ColumnRole.Identifier && numeric && TargetCorrelation(table, keep, c, targetIndex) is double rho && Math.Abs(rho) >= 0.3)
            {
                // A rank or a running number that tracks the target is information, not a label of the row.
                notes.Add($"column '{table.Columns[c]}' holds a different whole number in every row like an identifier, but it correlates with the target (r = {rho.ToString("0.00", CultureInfo.InvariantCulture)}): kept as a feature");
                role = ColumnRole.Feature;
            }

            if (role == ColumnRole.Identifier)
            {
                bool ordered = values is not null && ColumnRoles.NonDecreasing(values);
                orderedIndex ??= ordered ? table.Columns[c] : null;
                notes.Add(numeric
                    ? $"column '{table.Columns[c]}' holds a different whole number in every row ({(ordered ? "a running index in row order" : "an identifier")}): dropped as a feature; name it in --features to keep it"
                    : $"column '{table.Columns[c]}' holds a different word in every row (an identifier): dropped instead of one-hot encoding {keep.Length} levels; name it in --features to keep it");
                continue;
            }

            if (role is ColumnRole.Date or ColumnRole.Year)
            {
                string? format = role == ColumnRole.Date ? ColumnRoles.DateFormat(KeptText(cells, keep)) : null;
                double[] when = format is not null ? keep.Select(r => ColumnRoles.ToYears(cells.Text(r), format)!.Value).ToArray() : values!;
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

            int decimalComma = Array.FindIndex(keep, r => IsDecimalComma(cells.Text(r)));
            if (decimalComma >= 0)
            {
                int row = keep[decimalComma];
                throw new DataException(
                    $"{table.Source}: line {table.Lines[row]}, column {c + 1} ('{table.Columns[c]}'): '{cells.Text(row)}' looks like a number with a decimal comma; LossLab reads '.' as the decimal point — convert the file (e.g. 1,5 → 1.5)");
            }

            string[] levels = keep.Select(cells.Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
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
        // The columns are filled one at a time; the first bad cell in row order (then column order) is reported.
        int d = columns.Count;
        int n = keep.Length;
        double[] xd = GC.AllocateUninitializedArray<double>(n * d);
        (int Row, int Column, string Role)? firstBad = null;
        for (int j = 0; j < d; j++)
        {
            (int source, _, string? level) = columns[j];
            CsvColumn cells = table.Column(source);
            if (level is not null)
            {
                for (int i = 0; i < n; i++)
                {
                    xd[(i * d) + j] = cells.Text(keep[i]) == level ? 1 : 0;
                }
            }
            else if (dates.TryGetValue(source, out string? dateFormat))
            {
                for (int i = 0; i < n; i++)
                {
                    xd[(i * d) + j] = ColumnRoles.ToYears(cells.Text(keep[i]), dateFormat)!.Value;
                }
            }
            else if (cells.AllPlain && n == rowCount)
            {
                // Every row kept and every cell a plain number: straight from the column's blocks.
                for (int b = 0, i = 0; b < cells.Blocks; b++)
                {
                    foreach (double value in cells.Block(b))
                    {
                        xd[(i++ * d) + j] = value;
                    }
                }
            }
            else
            {
                int bound = firstBad?.Row ?? n;
                for (int i = 0; i < n; i++)
                {
                    if (cells.TryPlainNumber(keep[i], out double value) || IsFloat32(TryNumber(cells, keep[i]), out value))
                    {
                        xd[(i * d) + j] = value;
                    }
                    else
                    {
                        if (i < bound)
                        {
                            firstBad = (i, source, "feature");
                        }

                        break;
                    }
                }
            }
        }

        if (firstBad is { } bad)
        {
            Number(table, keep[bad.Row], bad.Column, bad.Role);
        }

        float[] x = ToFloat(xd);

        TaskKind kind = task ?? Infer(table, keep, targetIndex);
        double[] yd = new double[n];
        string[] classNames = [];
        CsvColumn targetCells = table.Column(targetIndex);
        if (kind == TaskKind.Regression && targetCells.AllPlain && n == rowCount)
        {
            for (int b = 0; b < targetCells.Blocks; b++)
            {
                targetCells.Block(b).CopyTo(yd.AsSpan(b * CsvColumn.BlockRows));
            }
        }

        if (kind == TaskKind.Regression)
        {
            for (int i = 0; i < n && !(targetCells.AllPlain && n == rowCount); i++)
            {
                yd[i] = targetCells.TryPlainNumber(keep[i], out double value) ? value : Number(table, keep[i], targetIndex, "target");
            }

            if (yd.All(v => v == yd[0]))
            {
                throw new DataException($"{table.Source}: the target '{target}' is constant ({yd[0].ToString(CultureInfo.InvariantCulture)} in every row): there is nothing to learn");
            }
        }
        else
        {
            int comma = Array.FindIndex(keep, r => !targetCells.TryPlainNumber(r, out _) && IsDecimalComma(targetCells.Text(r)));
            if (comma >= 0 && task is null)
            {
                int row = keep[comma];
                throw new DataException(
                    $"{table.Source}: line {table.Lines[row]}, column {targetIndex + 1} ('{target}'): '{targetCells.Text(row)}' looks like a number with a decimal comma; LossLab reads '.' as the decimal point — convert the file, or pass --task if these are labels");
            }

            string[] labels = keep.Select(targetCells.Text).ToArray();
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

        float[] y = ToFloat(yd);
        int[] sourceLines = new int[n];
        for (int i = 0; i < n; i++)
        {
            sourceLines[i] = table.Lines[keep[i]];
        }

        return new Dataset(table.Source, columns.Select(c => c.Name).ToArray(), target, x, y, kind, classNames)
        {
            Notes = notes, TimeColumn = timeColumn, OrderedIndexColumn = orderedIndex, SourceLines = sourceLines, FeaturesDouble = xd, TargetsDouble = yd,
        };
    }

    /// <summary>The float32 rounding of each value.</summary>
    private static float[] ToFloat(double[] values)
    {
        float[] result = GC.AllocateUninitializedArray<float>(values.Length);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(values, result);
        return result;
    }

    /// <summary>The kept cells of a numeric column as numbers (a cell that is not a number reads as NaN; it is reported later).</summary>
    private static double[] KeptNumbers(CsvColumn cells, int[] keep)
    {
        double[] values = new double[keep.Length];
        if (cells.AllPlain && keep.Length == cells.Count)
        {
            for (int b = 0; b < cells.Blocks; b++)
            {
                cells.Block(b).CopyTo(values.AsSpan(b * CsvColumn.BlockRows));
            }

            return values;
        }

        for (int i = 0; i < keep.Length; i++)
        {
            values[i] = cells.TryPlainNumber(keep[i], out double v) ? v : TryNumber(cells, keep[i]) ?? double.NaN;
        }

        return values;
    }

    private static double? TryNumber(CsvColumn cells, int row) => cells.Number(row);

    /// <summary>Whether a parsed cell is a finite number within float32's range.</summary>
    private static bool IsFloat32(double? number, out double value)
    {
        value = number ?? double.NaN;
        return double.IsFinite(value) && Math.Abs(value) <= float.MaxValue;
    }

    private static string[] KeptText(CsvColumn cells, int[] keep) => Array.ConvertAll(keep, cells.Text);

    /// <summary>Whether the kept cells are all different: as numbers when every one is a plain number, else as written.</summary>
    private static bool UniqueText(CsvColumn cells, int[] keep, double[] values)
    {
        if (!keep.All(r => cells.TryPlainNumber(r, out _)))
        {
            var seen = new HashSet<string>(keep.Length, StringComparer.Ordinal);
            return keep.All(r => seen.Add(cells.Text(r)));
        }

        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Pearson's correlation of a numeric column with a numeric target over the kept rows, or null when either is not all numbers.</summary>
    private static double? TargetCorrelation(RawTable table, int[] rows, int column, int target)
    {
        double[] a = new double[rows.Length], b = new double[rows.Length];
        CsvColumn x = table.Column(column), y = table.Column(target);
        for (int i = 0; i < rows.Length; i++)
        {
            if (x.Number(rows[i]) is not double u || y.Number(rows[i]) is not double v)
            {
                return null;
            }

            a[i] = u;
            b[i] = v;
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

    /// <summary>The cell as a double (also within float32's range, for the float32 copy), or a <see cref="DataException"/> naming it.</summary>
    private static double Number(RawTable table, int row, int column, string role)
    {
        string cell = table.Cell(row, column);
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

    private static TaskKind Infer(RawTable table, int[] rows, int target)
    {
        CsvColumn cells = table.Column(target);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var distinctNumbers = new HashSet<double>();
        bool numeric = true, anyNumeric = false;
        if (cells.AllPlain && rows.Length == cells.Count)
        {
            // Only whether there are 2, 3–10 or more distinct numbers matters: stop at the 11th.
            for (int b = 0; b < cells.Blocks && distinctNumbers.Count <= 10; b++)
            {
                foreach (double v in cells.Block(b))
                {
                    if (distinctNumbers.Add(v) && distinctNumbers.Count > 10)
                    {
                        break;
                    }
                }
            }

            rows = [];
            anyNumeric = true;
        }

        foreach (int r in rows)
        {
            if (cells.TryPlainNumber(r, out double plain))
            {
                anyNumeric = true;
                if (distinctNumbers.Count <= 10)
                {
                    distinctNumbers.Add(plain);
                }

                continue;
            }

            string cell = cells.Text(r);
            bool isNumber = double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value);
            numeric &= isNumber;
            anyNumeric |= isNumber;
            if (isNumber && distinctNumbers.Count <= 10)
            {
                distinctNumbers.Add(value);
            }

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
        double[] values = [.. distinctNumbers.Order()];
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
