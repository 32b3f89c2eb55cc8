using System.Globalization;
using LossLab.Lab.Data;

namespace LossLab.Lab.Training;

/// <summary>Mean, standard deviation, minimum and maximum of one column over the rows used, accumulated row by row.</summary>
/// <param name="Name">The column.</param>
/// <param name="Mean">The mean.</param>
/// <param name="StandardDeviation">The sample standard deviation √(Σ(x − x̄)²/(n − 1)) (Welford's update, in double).</param>
/// <param name="Min">The smallest value.</param>
/// <param name="Max">The largest value.</param>
public sealed record ColumnStatistics(string Name, double Mean, double StandardDeviation, double Min, double Max);

/// <summary>The result of a streamed least-squares fit (<c>fit --stream</c>).</summary>
public sealed class StreamedLeastSquares
{
    /// <summary>The file name, for messages.</summary>
    public required string Source { get; init; }

    /// <summary>The feature columns, in coefficient order.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>The target column.</summary>
    public required string TargetName { get; init; }

    /// <summary>The rows fitted.</summary>
    public required long Rows { get; init; }

    /// <summary>Rows dropped for a missing value (<c>--drop-missing</c>).</summary>
    public required long DroppedRows { get; init; }

    /// <summary>Weights, then the intercept (LossLab's trace order).</summary>
    public required double[] Coefficients { get; init; }

    /// <summary>
    /// Train metrics: mse, rmse and r2 always; with a second pass over a file also mae, max_error, mean_bias and
    /// pinball_0.5 (median_ae needs every residual at once and is not computed).
    /// </summary>
    public required SortedDictionary<string, double> Metrics { get; init; }

    /// <summary>The statistics of each feature column, then the target.</summary>
    public required IReadOnlyList<ColumnStatistics> Columns { get; init; }

    /// <summary>Passes over the data: 2 for a file (the second refines the solution and scores it), 1 for a pipe.</summary>
    public required int Passes { get; init; }

    /// <summary>The most rows held in memory at once (at most the chunk size).</summary>
    public required int MaxRowsHeld { get; init; }
}

/// <summary>
/// Exact least squares over a CSV file in chunks of rows, in memory independent of the row count (<c>fit --stream</c>).
/// The design A = [1 | X − s] (s: the first row's values, a shift that keeps the intercept column from dominating and
/// changes no slope) and the shifted target b = y − s_y are reduced chunk by chunk by Householder reflections to the
/// (p + 1) × (p + 1) triangle R of [A | b] (a TSQR: the new rows are annihilated against the current R, so no Gram
/// matrix AᵀA is ever formed and the condition number is not squared). Rᵦ·c = (Qᵀb) gives the coefficients by back
/// substitution and R's last diagonal the residual norm. A file is read a second time for one step of iterative refinement
/// by the corrected semi-normal equations, RᵀR·δ = Aᵀ(b − Ac), c ← c + δ, and for the residual metrics; a pipe is read once.
/// Memory: one chunk of <see cref="ChunkRows"/> rows × (p + 2) doubles and the triangle.
/// </summary>
public static class StreamingFit
{
    /// <summary>Rows per chunk (2¹⁴; 1.5 MB for 10 columns).</summary>
    public const int ChunkRows = 1 << 14;

    /// <summary>Fits a CSV file (or <c>-</c> for standard input, or a pipe) by streamed least squares.</summary>
    /// <exception cref="DataException">A missing or non-numeric cell, an unknown column, too few rows, or collinear columns.</exception>
    public static StreamedLeastSquares LeastSquares(string path, string target, IReadOnlyList<string>? features, bool dropMissing = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        TextReader first = CsvLoader.OpenText(path, out string source, out bool seekable);
        Func<TextReader>? reopen = seekable ? () => CsvLoader.OpenText(path, out _, out _) : null;
        return LeastSquares(first, reopen, source, target, features, dropMissing, ChunkRows, cancellation);
    }

    /// <summary>
    /// Fits CSV text read from <paramref name="reader"/> (disposed here); <paramref name="reopen"/> opens the same text
    /// again for the refinement pass, or is null (one pass).
    /// </summary>
    internal static StreamedLeastSquares LeastSquares(TextReader reader, Func<TextReader>? reopen, string source, string target, IReadOnlyList<string>? features, bool dropMissing, int chunkRows, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        Pass1 one;
        using (reader)
        {
            one = FirstPass(reader, source, target, features, dropMissing, chunkRows, cancellation);
        }

        int d = one.Features.Length, p = d + 1;
        if (one.Rows < p + 1)
        {
            throw new DataException($"{source}: {one.Rows} usable row(s) for {p} coefficients; least squares needs more rows than coefficients");
        }

        double[] c = Solve(one.R, p, one.Rows, source, one.Names);
        var metrics = new SortedDictionary<string, double>();
        double tss = one.Stats[d].M2;
        int passes = 1;
        if (reopen is not null)
        {
            // Corrected semi-normal equations: one step of refinement from the residuals of the first solution.
            using TextReader again = reopen();
            (double[] g, Residuals res) = SecondPass(again, source, one, c, cancellation);
            double[] delta = SolveNormal(one.R, p, g);
            for (int j = 0; j < p; j++)
            {
                c[j] += delta[j];
            }

            // The residual sum moves linearly with the refinement: Σᵢ(Aδ)ᵢ = n·δ₀ + Σ_j δ_j·n·(x̄_j − s_j), so mean_bias is
            // that of the refined coefficients; mae and max_error are those of the first solution (they differ by at most max|Aδ|).
            long n = one.Rows;
            double shiftOfSum = delta[0];
            for (int j = 0; j < d; j++)
            {
                shiftOfSum += delta[j + 1] * (one.Stats[j].Mean - one.Shift[j]);
            }

            metrics["mae"] = res.AbsoluteSum / n;
            metrics["max_error"] = res.Max;
            metrics["mean_bias"] = (res.Sum / n) + shiftOfSum;
            metrics["pinball_0.5"] = 0.5 * res.AbsoluteSum / n;
            passes = 2;
        }

        double rss = one.R[(p * (p + 1)) + p] * one.R[(p * (p + 1)) + p];
        metrics["mse"] = rss / one.Rows;
        metrics["rmse"] = Math.Sqrt(rss / one.Rows);
        metrics["r2"] = tss > 0 ? 1 - (rss / tss) : double.NaN;
        metrics["loss"] = rss / one.Rows;

        // Back from the shifted columns: y ≈ s_y + c₀ + Σ c_j (x_j − s_j).
        double intercept = one.Shift[d] + c[0];
        double[] weights = new double[d];
        for (int j = 0; j < d; j++)
        {
            weights[j] = c[j + 1];
            intercept -= c[j + 1] * one.Shift[j];
        }

        return new StreamedLeastSquares
        {
            Source = source,
            FeatureNames = one.Names[..d],
            TargetName = target,
            Rows = one.Rows,
            DroppedRows = one.Dropped,
            Coefficients = [.. weights, intercept],
            Metrics = metrics,
            Columns = [.. one.Stats.Select((s, j) => new ColumnStatistics(one.Names[j], s.Mean, s.Count > 1 ? Math.Sqrt(s.M2 / (s.Count - 1)) : double.NaN, s.Min, s.Max))],
            Passes = passes,
            MaxRowsHeld = one.MaxHeld,
        };
    }

    /// <summary>
    /// Least squares of rows already in memory by the same chunked QR and refinement step (what <c>closed_form</c> uses for
    /// a large data set: memory of one chunk instead of two copies of the design): coefficients intercept first.
    /// </summary>
    /// <param name="x">n × d features, row-major.</param>
    /// <param name="rows">n.</param>
    /// <param name="d">Features per row.</param>
    /// <param name="y">The n targets.</param>
    /// <param name="source">The data's name, for messages.</param>
    /// <param name="names">The feature names, for messages.</param>
    /// <exception cref="DataException">Too few rows, or collinear columns.</exception>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static double[] LeastSquaresInMemory(double[] x, int rows, int d, double[] y, string source, IReadOnlyList<string> names)
    {
        int p = d + 1;
        if (rows < p + 1)
        {
            throw new DataException($"{source}: {rows} row(s) for {p} coefficients; least squares needs more rows than coefficients");
        }

        var sums = new Accumulator(d, ChunkRows, statistics: false);
        double[] values = new double[d + 1];
        for (int i = 0; i < rows; i++)
        {
            x.AsSpan(i * d, d).CopyTo(values);
            values[d] = y[i];
            sums.Add(values);
        }

        sums.Flush();
        double[] c = Solve(sums.R, p, rows, source, [.. names]);
        double[] s = sums.Shift;
        double[] g = new double[p];
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<double> row = x.AsSpan(i * d, d);
            double fitted = c[0];
            for (int j = 0; j < d; j++)
            {
                fitted += c[j + 1] * (row[j] - s[j]);
            }

            double residual = y[i] - s[d] - fitted;
            g[0] += residual;
            for (int j = 0; j < d; j++)
            {
                g[j + 1] += (row[j] - s[j]) * residual;
            }
        }

        double[] delta = SolveNormal(sums.R, p, g);
        double intercept = s[d] + c[0] + delta[0];
        double[] result = new double[p];
        for (int j = 0; j < d; j++)
        {
            result[j + 1] = c[j + 1] + delta[j + 1];
            intercept -= result[j + 1] * s[j];
        }

        result[0] = intercept;
        return result;
    }

    private sealed class Welford
    {
        public long Count;
        public double Mean;
        public double M2;
        public double Min = double.PositiveInfinity;
        public double Max = double.NegativeInfinity;

        public void Add(double v)
        {
            Count++;
            double delta = v - Mean;
            Mean += delta / Count;
            M2 += delta * (v - Mean);
            Min = Math.Min(Min, v);
            Max = Math.Max(Max, v);
        }
    }

    private sealed record Pass1(string[] Names, int[] Features, int Target, double[] Shift, double[] R, long Rows, long Dropped, Welford[] Stats, int MaxHeld, bool DropMissing, string[] Columns);

    private record struct Residuals(double Sum, double AbsoluteSum, double Max);

    /// <summary>Reads the header and every row: statistics, and the chunks reduced into R (row-major (p + 1) × (p + 1)).</summary>
    private static Pass1 FirstPass(TextReader reader, string source, string target, IReadOnlyList<string>? features, bool dropMissing, int chunkRows, CancellationToken cancellation)
    {
        string[]? columns = null;
        int[] used = [];
        int targetIndex = -1;
        int d = 0;
        Accumulator? sums = null;
        long dropped = 0;
        double[] values = [];
        using var csv = new CsvRows(reader, source, cancellation);
        foreach (CsvRows.Row row in csv)
        {
            if (columns is null)
            {
                string[] first = row.Strings();
                bool headerless = first.All(CsvLoader.IsNumber);
                columns = headerless
                    ? [.. Enumerable.Range(1, first.Length).Select(i => "column" + i.ToString(CultureInfo.InvariantCulture))]
                    : CsvLoader.CheckHeader(first, source, row.Line);
                targetIndex = IndexOf(columns, target, "--target", source);
                int[] featureIndices = features is null
                    ? [.. Enumerable.Range(0, columns.Length).Where(i => i != targetIndex)]
                    : [.. features.Select(f => IndexOf(columns, f, "--features", source))];
                if (featureIndices.Contains(targetIndex))
                {
                    throw new DataException($"--features: the target column '{target}' cannot also be a feature");
                }

                if (featureIndices.Length == 0)
                {
                    throw new DataException($"{source}: no feature columns besides the target '{target}'");
                }

                used = [.. featureIndices, targetIndex];
                d = featureIndices.Length;
                sums = new Accumulator(d, chunkRows);
                values = new double[d + 1];
                if (!headerless)
                {
                    continue;
                }
            }

            CsvLoader.CheckWidth(row, columns.Length, source);
            if (!ReadRow(row, used, columns, source, values, dropMissing))
            {
                dropped++;
                continue;
            }

            sums!.Add(values);
        }

        if (columns is null)
        {
            throw new DataException($"{source}: the file is empty; give a CSV with a header and at least two rows");
        }

        sums!.Flush();
        string[] names = [.. used.Select(i => columns[i])];
        return new Pass1(names, used[..d], targetIndex, sums.Shift, sums.R, sums.Rows, dropped, sums.Stats, sums.MaxHeld, dropMissing, columns);
    }

    /// <summary>
    /// The running reduction: rows (features, then the target) are shifted by the first row's values, statistics updated,
    /// and buffered; every full chunk is annihilated into the triangle R of [1 | X − s | y − s_y].
    /// </summary>
    private sealed class Accumulator(int d, int chunkRows, bool statistics = true)
    {
        private readonly int _q = d + 2;
        private readonly double[][] _chunk = [.. Enumerable.Range(0, d + 2).Select(_ => new double[chunkRows])];
        private int _held;

        public double[] R { get; } = new double[(d + 2) * (d + 2)];

        public double[] Shift { get; private set; } = [];

        public Welford[] Stats { get; } = [.. Enumerable.Range(0, d + 1).Select(_ => new Welford())];

        public long Rows { get; private set; }

        public int MaxHeld { get; private set; }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Add(ReadOnlySpan<double> values)
        {
            if (Rows == 0)
            {
                Shift = values.ToArray();
            }

            Rows++;
            _chunk[0][_held] = 1;
            for (int k = 0; k <= d; k++)
            {
                if (statistics)
                {
                    Stats[k].Add(values[k]);
                }

                _chunk[k + 1][_held] = values[k] - Shift[k];
            }

            if (++_held == chunkRows)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (_held > 0)
            {
                Reduce(R, _q, _chunk, _held);
                MaxHeld = Math.Max(MaxHeld, _held);
                _held = 0;
            }
        }
    }

    /// <summary>The used cells of a row as numbers (features, then the target); false for a row with a missing cell under --drop-missing.</summary>
    private static bool ReadRow(CsvRows.Row row, int[] used, string[] columns, string source, double[] values, bool dropMissing)
    {
        for (int k = 0; k < used.Length; k++)
        {
            int c = used[k];
            if (row.TryPlainNumber(c, out double value, out string? text) && Math.Abs(value) <= float.MaxValue)
            {
                values[k] = value;
                continue;
            }

            text ??= value.ToString("R", CultureInfo.InvariantCulture);
            if (CsvColumn.IsMissingMarker(text))
            {
                if (dropMissing)
                {
                    return false;
                }

                throw new DataException($"{source}: line {row.Line}, column {c + 1} ('{columns[c]}'): missing value; fill it in or pass --drop-missing to drop such rows");
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            {
                throw new DataException($"{source}: line {row.Line}, column {c + 1} ('{columns[c]}'): '{Shorten(text)}' is not a number; --stream reads numeric columns only (a column of words is one-hot encoded when the file is loaded whole: leave out --stream)");
            }

            if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            {
                throw new DataException($"{source}: line {row.Line}, column {c + 1} ('{columns[c]}'): '{Shorten(text)}' is not a finite float32 number");
            }

            values[k] = value;
        }

        return true;
    }

    /// <summary>
    /// Annihilates <paramref name="count"/> chunk rows against the triangle: for each column k a Householder reflection of
    /// (R_kk; chunk[·, k]) zeroes the chunk's column k, applied to the columns after it (R row k and the chunk).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void Reduce(double[] r, int q, double[][] chunk, int count)
    {
        for (int k = 0; k < q; k++)
        {
            Span<double> v = chunk[k].AsSpan(0, count);
            double alpha = r[(k * q) + k];
            double scale = Math.Abs(alpha);
            foreach (double x in v)
            {
                scale = Math.Max(scale, Math.Abs(x));
            }

            if (scale == 0)
            {
                continue;
            }

            double sum = (alpha / scale) * (alpha / scale);
            foreach (double x in v)
            {
                sum += (x / scale) * (x / scale);
            }

            double norm = scale * Math.Sqrt(sum);
            double beta = alpha > 0 ? -norm : norm;
            double v0 = alpha - beta;
            if (v0 == 0)
            {
                continue; // the chunk's column is already zero
            }

            // H = I − τ·u·uᵀ with u = (1; v / v0), τ = (β − α)/β.
            double tau = (beta - alpha) / beta;
            double inv = 1 / v0;
            for (int i = 0; i < v.Length; i++)
            {
                v[i] *= inv;
            }

            r[(k * q) + k] = beta;
            for (int l = k + 1; l < q; l++)
            {
                Span<double> col = chunk[l].AsSpan(0, count);
                double w = r[(k * q) + l] + System.Numerics.Tensors.TensorPrimitives.Dot<double>(v, col);
                double tw = tau * w;
                r[(k * q) + l] -= tw;
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<double>(v, -tw, col, col);
            }
        }
    }

    /// <summary>Back substitution R₁·c = z on the leading p × p triangle, with z = R's column p (Qᵀb); collinear columns are an error.</summary>
    private static double[] Solve(double[] r, int p, long rows, string source, string[] names)
    {
        int q = p + 1;
        double largest = 0;
        for (int k = 0; k < p; k++)
        {
            largest = Math.Max(largest, Math.Abs(r[(k * q) + k]) / ColumnNorm(r, q, k));
        }

        double tolerance = Math.Max(rows, p) * Math.Pow(2, -52); // max(n, p)·2⁻⁵², as the in-memory QR
        for (int k = 0; k < p; k++)
        {
            double norm = ColumnNorm(r, q, k);
            if (norm == 0 || Math.Abs(r[(k * q) + k]) / norm <= tolerance * largest)
            {
                string name = k == 0 ? "the intercept" : $"column '{names[k - 1]}'";
                throw new DataException($"{source}: the design matrix is rank deficient: {name} is constant or a linear combination of the columns before it; leave it out of --features");
            }
        }

        double[] c = new double[p];
        for (int k = p - 1; k >= 0; k--)
        {
            double s = r[(k * q) + p];
            for (int l = k + 1; l < p; l++)
            {
                s -= r[(k * q) + l] * c[l];
            }

            c[k] = s / r[(k * q) + k];
        }

        return c;
    }

    /// <summary>‖A e_k‖ = ‖R e_k‖ (the column's norm in the data, kept by the orthogonal reduction).</summary>
    private static double ColumnNorm(double[] r, int q, int k)
    {
        double s = 0;
        for (int i = 0; i <= k; i++)
        {
            s += r[(i * q) + k] * r[(i * q) + k];
        }

        return Math.Sqrt(s);
    }

    /// <summary>Solves RᵀR·δ = g on the leading p × p triangle (forward, then back substitution).</summary>
    private static double[] SolveNormal(double[] r, int p, double[] g)
    {
        int q = p + 1;
        double[] z = new double[p];
        for (int k = 0; k < p; k++)
        {
            double s = g[k];
            for (int i = 0; i < k; i++)
            {
                s -= r[(i * q) + k] * z[i];
            }

            z[k] = s / r[(k * q) + k];
        }

        double[] delta = new double[p];
        for (int k = p - 1; k >= 0; k--)
        {
            double s = z[k];
            for (int l = k + 1; l < p; l++)
            {
                s -= r[(k * q) + l] * delta[l];
            }

            delta[k] = s / r[(k * q) + k];
        }

        return delta;
    }

    /// <summary>The second pass: g = Aᵀ(b − Ac) for the refinement, and the residual sums of the metrics (from c).</summary>
    private static (double[] G, Residuals Residuals) SecondPass(TextReader reader, string source, Pass1 one, double[] c, CancellationToken cancellation)
    {
        int d = one.Features.Length, p = d + 1;
        double[] g = new double[p];
        double[] values = new double[d + 1];
        int[] used = [.. one.Features, one.Target];
        double sum = 0, absSum = 0, max = 0;
        bool header = true;
        using var csv = new CsvRows(reader, source, cancellation);
        foreach (CsvRows.Row row in csv)
        {
            if (header)
            {
                header = false;
                if (!row.Strings().All(CsvLoader.IsNumber))
                {
                    continue;
                }
            }

            CsvLoader.CheckWidth(row, one.Columns.Length, source);
            if (!ReadRow(row, used, one.Columns, source, values, one.DropMissing))
            {
                continue;
            }

            double fitted = c[0];
            for (int j = 0; j < d; j++)
            {
                fitted += c[j + 1] * (values[j] - one.Shift[j]);
            }

            double residual = values[d] - one.Shift[d] - fitted;
            g[0] += residual;
            for (int j = 0; j < d; j++)
            {
                g[j + 1] += (values[j] - one.Shift[j]) * residual;
            }

            sum -= residual;
            absSum += Math.Abs(residual);
            max = Math.Max(max, Math.Abs(residual));
        }

        return (g, new Residuals(sum, absSum, max));
    }

    private static int IndexOf(string[] columns, string column, string option, string source)
    {
        int i = Array.IndexOf(columns, column);
        return i >= 0 ? i : throw new DataException($"{option} {column}: no such column in {source}; columns are: {string.Join(", ", columns)}");
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
