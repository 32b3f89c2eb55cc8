using System.Globalization;

namespace LossLab.Solvers;

/// <summary>
/// A validated design matrix in column-major order: column 0 is the all-ones intercept column when one is fitted, then
/// the d columns of X. Coefficient j of every solver multiplies column j.
/// </summary>
internal sealed class Design
{
    private Design(double[] columnMajor, int rows, int columns, bool intercept)
    {
        Values = columnMajor;
        Rows = rows;
        Columns = columns;
        Intercept = intercept;
    }

    /// <summary>Column-major values: entry (i, j) at <c>j·Rows + i</c>.</summary>
    public double[] Values { get; }

    public int Rows { get; }

    /// <summary>p: the number of coefficients.</summary>
    public int Columns { get; }

    public bool Intercept { get; }

    public double this[int row, int column] => Values[(column * Rows) + row];

    public static Design From(double[,] x, double[] y, bool intercept)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.GetLength(0);
        int d = x.GetLength(1);
        return Build(n, d, intercept, y, (i, j) => x[i, j], "x");
    }

    public static Design From(double[] x, int rows, int columns, double[] y, bool intercept)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns != x.Length)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"x holds {x.Length} values but rows·columns = {rows}·{columns} = {(long)rows * columns}; pass X row-major"),
                nameof(x));
        }

        return Build(rows, columns, intercept, y, (i, j) => x[(i * columns) + j], "x");
    }

    private static Design Build(int n, int d, bool intercept, double[] y, Func<int, int, double> get, string name)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (n < 1)
        {
            throw new ArgumentException("X has no rows: at least one observation is needed", name);
        }

        if (y.Length != n)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"y has {y.Length} values but X has {n} rows; give one target per row"),
                nameof(y));
        }

        int offset = intercept ? 1 : 0;
        int p = d + offset;
        if (p == 0)
        {
            throw new ArgumentException("nothing to fit: X has no columns and no intercept was asked for", name);
        }

        var values = new double[n * p];
        if (intercept)
        {
            values.AsSpan(0, n).Fill(1.0);
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double v = get(i, j);
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"{name}[{i}, {j}] is {v}; every entry of X must be finite"),
                        name);
                }

                values[((j + offset) * n) + i] = v;
            }

            if (!double.IsFinite(y[i]))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"y[{i}] is {y[i]}; every target must be finite"),
                    nameof(y));
            }
        }

        return new Design(values, n, p, intercept);
    }

    /// <summary>The human name of coefficient <paramref name="j"/>.</summary>
    public string ColumnName(int j)
        => Intercept && j == 0 ? "the intercept" : string.Create(CultureInfo.InvariantCulture, $"column {j - (Intercept ? 1 : 0)} of X");

    /// <summary>r = y − Xβ, each entry accumulated from the row's products in column order.</summary>
    public double[] Residuals(ReadOnlySpan<double> y, ReadOnlySpan<double> beta)
    {
        var r = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            r[i] = y[i];
        }

        for (int j = 0; j < Columns; j++)
        {
            double b = beta[j];
            ReadOnlySpan<double> column = Values.AsSpan(j * Rows, Rows);
            for (int i = 0; i < Rows; i++)
            {
                r[i] -= column[i] * b;
            }
        }

        return r;
    }

    /// <summary>Σ_j |x_ij β_j| + |y_i|: the magnitude against which rounding in r_i is judged.</summary>
    public double RowMagnitude(int i, double y, ReadOnlySpan<double> beta)
    {
        double m = Math.Abs(y);
        for (int j = 0; j < Columns; j++)
        {
            m += Math.Abs(Values[(j * Rows) + i] * beta[j]);
        }

        return m;
    }

    /// <summary>The rows of the design multiplied by √wᵢ (column-major), for weighted least squares.</summary>
    public double[] WeightedValues(ReadOnlySpan<double> sqrtWeights)
    {
        var values = new double[Values.Length];
        for (int j = 0; j < Columns; j++)
        {
            int o = j * Rows;
            for (int i = 0; i < Rows; i++)
            {
                values[o + i] = Values[o + i] * sqrtWeights[i];
            }
        }

        return values;
    }

    /// <summary>Throws the n &lt; p flavour of <see cref="RankDeficientException"/> when there are too few rows.</summary>
    public void RequireEnoughRows()
    {
        if (Rows < Columns)
        {
            string what = Intercept
                ? string.Create(CultureInfo.InvariantCulture, $"the intercept and {Columns - 1} column(s) of X")
                : string.Create(CultureInfo.InvariantCulture, $"{Columns} column(s) of X");
            throw new RankDeficientException(
                string.Create(CultureInfo.InvariantCulture, $"{Rows} observation(s) cannot determine {Columns} coefficients ({what}): need at least as many rows as coefficients (n >= p); add observations or drop columns"),
                Rows,
                Columns,
                []);
        }
    }
}
