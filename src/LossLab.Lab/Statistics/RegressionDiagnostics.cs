using System.Globalization;
using LossLab.Models;
using LossLab.Solvers;

namespace LossLab.Lab.Statistics;

/// <summary>The result of a test with a χ² (or other) reference distribution.</summary>
/// <param name="Name">The test's name, e.g. <c>Breusch-Pagan (Koenker)</c>.</param>
/// <param name="Statistic">The test statistic.</param>
/// <param name="DegreesOfFreedom">The degrees of freedom of its reference distribution.</param>
/// <param name="PValue">The p-value, at least 1e-300 (smaller values mean p &lt; 1e-300).</param>
public sealed record TestResult(string Name, double Statistic, double DegreesOfFreedom, double PValue);

/// <summary>The lag-one autocorrelation of a series with its approximate test of independence.</summary>
/// <param name="Autocorrelation">ρ̂₁ = Σ_{t≥1}(e_t − ē)(e_{t−1} − ē) / Σ_t(e_t − ē)² (0 when the series is constant).</param>
/// <param name="ZStatistic">z = ρ̂₁·√n, approximately N(0, 1) under independence.</param>
/// <param name="PValue">Approximate two-sided p = P(|Z| &gt; |z|) = erfc(|z|/√2), at least 1e-300.</param>
/// <param name="Count">n, the length of the series.</param>
public sealed record LagOneTest(double Autocorrelation, double ZStatistic, double PValue, int Count);

/// <summary>
/// Diagnostics of an ordinary least-squares fit y ≈ β₀ + Xβ: hat values, Cook's distances, the Breusch–Pagan (Koenker)
/// and White tests of heteroscedasticity, the Durbin–Watson statistic and the lag-one autocorrelation of residuals.
/// </summary>
/// <remarks>
/// X is given row-major without an intercept column (x_ij = <c>x[i·columns + j]</c>); the intercept is always added.
/// Designs are factored by LossLab's Householder QR with column pivoting (<see cref="LeastSquares"/>, rank tolerance
/// max(n, p)·2⁻⁵² on the column-equilibrated design); columns found to be linear combinations of others are dropped,
/// so a rank-deficient design is handled as the span of its columns (p below is then the rank). Every entry must be finite.
/// </remarks>
public static class RegressionDiagnostics
{
    /// <summary>
    /// The hat values hᵢᵢ = [A(AᵀA)⁻¹Aᵀ]ᵢᵢ = Σ_k Q_ik² of A = [1 | X], Q the n×p orthonormal factor of the independent
    /// columns of A (0 ≤ hᵢᵢ ≤ 1, Σᵢhᵢᵢ = p = rank A).
    /// </summary>
    /// <param name="x">X, rows·columns values, row-major.</param>
    /// <param name="rows">n ≥ 1.</param>
    /// <param name="columns">d ≥ 0 (0: the intercept alone, hᵢᵢ = 1/n).</param>
    /// <returns>hᵢᵢ for each row; agrees with statsmodels' OLSInfluence.hat_matrix_diag within about 10⁻¹³ relative on the goldens.</returns>
    /// <exception cref="ArgumentException">Shapes disagree, an entry is not finite, or n &lt; p.</exception>
    public static double[] Leverage(double[] x, int rows, int columns)
    {
        Subspace span = Subspace.Of(WithIntercept(x, rows, columns), rows, 1 + columns);
        return span.Leverage();
    }

    /// <summary>
    /// Cook's distances of the least-squares fit of y on [1 | X]: Dᵢ = rᵢ²hᵢᵢ / (p·s²·(1 − hᵢᵢ)²), with r = y − ŷ,
    /// hᵢᵢ the hat values, p the rank of the design and s² = RSS/(n − p).
    /// </summary>
    /// <param name="x">X, rows·columns values, row-major.</param>
    /// <param name="rows">n &gt; p.</param>
    /// <param name="columns">d ≥ 0.</param>
    /// <param name="y">The n targets (finite).</param>
    /// <returns>
    /// Dᵢ per row. A row with hᵢᵢ = 1 (1 − hᵢᵢ &lt; 10⁻¹²: it alone determines a coefficient, and its residual is 0) gets
    /// +∞ (flag it as influential); when RSS = 0 every Dᵢ is 0. Agrees with statsmodels' cooks_distance[0] within about
    /// 10⁻¹⁰ relative on the goldens (statsmodels divides by the number of columns; p is the rank here, the same for a
    /// full-rank design).
    /// </returns>
    /// <exception cref="ArgumentException">Shapes disagree, an entry is not finite, or n ≤ p.</exception>
    public static double[] CooksDistance(double[] x, int rows, int columns, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        RequireLength(y.Length, rows, nameof(y));
        RequireFinite(y, nameof(y));
        Subspace span = Subspace.Of(WithIntercept(x, rows, columns), rows, 1 + columns);
        int p = span.Rank;
        if (rows <= p)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Cook's distance needs more rows ({rows}) than the rank of the design ({p})"), nameof(rows));
        }

        double[] h = span.Leverage();
        double[] r = span.Residuals(y);
        double rss = 0;
        foreach (double v in r)
        {
            rss += v * v;
        }

        double s2 = rss / (rows - p);
        var d = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double oneMinus = 1 - h[i];
            d[i] = oneMinus < 1e-12 ? double.PositiveInfinity
                : s2 == 0 ? 0
                : r[i] * r[i] * h[i] / (p * s2 * oneMinus * oneMinus);
        }

        return d;
    }

    /// <summary>
    /// The Breusch–Pagan test in Koenker's studentised form: regress eᵢ² on [1 | X] by least squares; LM = n·R² (R² centred)
    /// is χ² with p − 1 degrees of freedom under homoscedasticity (p = rank of [1 | X], so d for a full-rank X).
    /// </summary>
    /// <param name="residuals">The n residuals e of the fitted model (finite).</param>
    /// <param name="x">X, rows·columns values, row-major: the variables the variance may depend on.</param>
    /// <param name="rows">n.</param>
    /// <param name="columns">d ≥ 1.</param>
    /// <returns>
    /// Name "Breusch-Pagan (Koenker)", LM, p − 1 and P(χ²_{p−1} &gt; LM). When the eᵢ² are all equal, LM = 0 and p = 1.
    /// Matches statsmodels het_breuschpagan(robust=True) (whose degrees of freedom assume full rank).
    /// </returns>
    /// <exception cref="ArgumentException">Shapes disagree, an entry is not finite, d &lt; 1 or n &lt; d + 1.</exception>
    public static TestResult BreuschPagan(double[] residuals, double[] x, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        return AuxiliaryTest("Breusch-Pagan (Koenker)", residuals, WithIntercept(x, rows, columns), rows, 1 + columns);
    }

    /// <summary>
    /// White's test: regress eᵢ² on [1, x_j, x_j·x_l (j ≤ l)] (the products of all pairs of columns of [1 | X], in
    /// statsmodels' order); LM = n·R² is χ² with P − 1 degrees of freedom, P the rank of that auxiliary design, so
    /// duplicate or collinear products (a 0/1 column squares to itself) are dropped, as statsmodels het_white does.
    /// </summary>
    /// <param name="residuals">The n residuals e of the fitted model (finite).</param>
    /// <param name="x">X, rows·columns values, row-major.</param>
    /// <param name="rows">n &gt; 1 + d(d + 3)/2, the number of auxiliary columns.</param>
    /// <param name="columns">d ≥ 1.</param>
    /// <returns>Name "White", LM, P − 1 and P(χ²_{P−1} &gt; LM); LM = 0 and p = 1 when the eᵢ² are all equal.</returns>
    /// <remarks>
    /// The auxiliary design has 1 + d(d + 3)/2 columns, so it grows quadratically; with few rows per column the test
    /// has little power and the fit is unstable. <see cref="WhiteIsAdvisable"/> states the rule used by LossLab's
    /// diagnostics (d(d + 3)/2 &lt; n/5); otherwise report <see cref="BreuschPagan"/> alone.
    /// </remarks>
    /// <exception cref="ArgumentException">Shapes disagree, an entry is not finite, d &lt; 1, or n ≤ 1 + d(d + 3)/2.</exception>
    public static TestResult White(double[] residuals, double[] x, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        double[] a = WithIntercept(x, rows, columns);
        int q = columns + 1;
        long products = (long)q * (q + 1) / 2;
        if (rows <= products)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"White's auxiliary regression has {products} columns for {columns} features; it needs more rows than that, got {rows} (use BreuschPagan)"), nameof(rows));
        }

        var aux = new double[rows * products];
        int c = 0;
        for (int j = 0; j < q; j++)
        {
            for (int l = j; l < q; l++, c++)
            {
                for (int i = 0; i < rows; i++)
                {
                    aux[(c * rows) + i] = a[(j * rows) + i] * a[(l * rows) + i];
                }
            }
        }

        return AuxiliaryTest("White", residuals, aux, rows, (int)products);
    }

    /// <summary>Whether White's test is advisable for n rows and d features: d(d + 3)/2 &lt; n/5 (at least five rows per auxiliary regressor).</summary>
    /// <param name="rows">n.</param>
    /// <param name="columns">d.</param>
    /// <returns>True when 5·d(d + 3)/2 &lt; n.</returns>
    public static bool WhiteIsAdvisable(int rows, int columns) => columns >= 1 && 5L * columns * (columns + 3) / 2.0 < rows;

    /// <summary>The Durbin–Watson statistic DW = Σ_{t≥1}(e_t − e_{t−1})² / Σ_t e_t² (≈ 2(1 − ρ̂₁); 2 means no lag-one autocorrelation).</summary>
    /// <param name="residuals">The residuals in time order (n ≥ 2, finite).</param>
    /// <returns>DW in [0, 4]; 2 when every residual is 0 (no evidence of autocorrelation). Matches statsmodels durbin_watson.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 residuals or one not finite.</exception>
    public static double DurbinWatson(ReadOnlySpan<double> residuals)
    {
        RequireSeries(residuals);
        double num = 0, den = residuals[0] * residuals[0];
        for (int t = 1; t < residuals.Length; t++)
        {
            double diff = residuals[t] - residuals[t - 1];
            num += diff * diff;
            den += residuals[t] * residuals[t];
        }

        return den == 0 ? 2 : num / den;
    }

    /// <summary>
    /// The lag-one autocorrelation ρ̂₁ = Σ_{t≥1}(e_t − ē)(e_{t−1} − ē)/Σ(e_t − ē)² (statsmodels acf) with an approximate
    /// test: under independence ρ̂₁·√n is approximately N(0, 1) (Bartlett), so p = erfc(|ρ̂₁|√n/√2). The approximation
    /// ignores the O(1/n) bias of ρ̂₁ and the effect of fitted regressors; read p as indicative for n below about 50.
    /// </summary>
    /// <param name="residuals">The series in time order (n ≥ 2, finite).</param>
    /// <returns>ρ̂₁, z, the two-sided p (at least 1e-300) and n; ρ̂₁ = 0 and p = 1 for a constant series.</returns>
    /// <exception cref="ArgumentException">Fewer than 2 values or one not finite.</exception>
    public static LagOneTest LagOneAutocorrelation(ReadOnlySpan<double> residuals)
    {
        RequireSeries(residuals);
        int n = residuals.Length;
        double mean = 0;
        foreach (double e in residuals)
        {
            mean += e;
        }

        mean /= n;
        double den = 0, num = 0;
        for (int t = 0; t < n; t++)
        {
            double c = residuals[t] - mean;
            den += c * c;
            if (t > 0)
            {
                num += c * (residuals[t - 1] - mean);
            }
        }

        double rho = den == 0 ? 0 : num / den;
        double z = rho * Math.Sqrt(n);
        double p = Distributions.Floor(Math.Min(1, SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2))));
        return new LagOneTest(rho, z, p, n);
    }

    /// <summary>n·R² of e² regressed on the (column-major) auxiliary design, χ² with rank − 1 degrees of freedom.</summary>
    private static TestResult AuxiliaryTest(string name, double[] residuals, double[] design, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        RequireLength(residuals.Length, rows, nameof(residuals));
        RequireFinite(residuals, nameof(residuals));
        var e2 = new double[rows];
        double mean = 0;
        for (int i = 0; i < rows; i++)
        {
            e2[i] = residuals[i] * residuals[i];
            mean += e2[i];
        }

        mean /= rows;
        double tss = 0;
        foreach (double v in e2)
        {
            tss += (v - mean) * (v - mean);
        }

        Subspace span = Subspace.Of(design, rows, columns);
        double df = span.Rank - 1;
        if (tss == 0)
        {
            return new TestResult(name, 0, df, 1);
        }

        double rss = 0;
        foreach (double r in span.Residuals(e2))
        {
            rss += r * r;
        }

        double r2 = Math.Clamp(1 - (rss / tss), 0, 1);
        double lm = rows * r2;
        double p = df > 0 ? Distributions.Floor(Distributions.ChiSquareUpperTail(lm, df)) : 1;
        return new TestResult(name, lm, df, p);
    }

    /// <summary>[1 | X] column-major, validated.</summary>
    private static double[] WithIntercept(double[] x, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if ((long)rows * columns != x.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"x holds {x.Length} values but rows·columns = {rows}·{columns}; pass X row-major"), nameof(x));
        }

        if (rows < columns + 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{rows} rows cannot determine the intercept and {columns} coefficients (n >= p needed)"), nameof(rows));
        }

        var a = new double[rows * (columns + 1)];
        a.AsSpan(0, rows).Fill(1);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                double v = x[(i * columns) + j];
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"x[{i}, {j}] is {v}; every entry of X must be finite"), nameof(x));
                }

                a[((j + 1) * rows) + i] = v;
            }
        }

        return a;
    }

    private static void RequireLength(int length, int rows, string name)
    {
        if (length != rows)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} has {length} values but X has {rows} rows"), name);
        }
    }

    private static void RequireFinite(double[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}[{i}] is {values[i]}; every value must be finite"), name);
            }
        }
    }

    private static void RequireSeries(ReadOnlySpan<double> residuals)
    {
        if (residuals.Length < 2)
        {
            throw new ArgumentException("at least 2 residuals are needed", nameof(residuals));
        }

        foreach (double e in residuals)
        {
            if (!double.IsFinite(e))
            {
                throw new ArgumentException("every residual must be finite", nameof(residuals));
            }
        }
    }

    /// <summary>
    /// The column space of a design: its rank and independent columns from <see cref="PivotedQr"/>, least-squares
    /// residuals through <see cref="PivotedQr.Solve"/> on the independent columns (with iterative refinement), and an
    /// explicit orthonormal basis Q (Householder, on the equilibrated independent columns) for the hat values.
    /// </summary>
    private sealed class Subspace
    {
        private readonly double[] _columns;
        private readonly int _n;
        private readonly PivotedQr _qr;

        private Subspace(double[] independent, int n, int rank)
        {
            _columns = independent;
            _n = n;
            Rank = rank;
            _qr = new PivotedQr(independent, n, rank, null);
        }

        public int Rank { get; }

        public static Subspace Of(double[] design, int n, int p)
        {
            var full = new PivotedQr(design, n, p, null);
            if (full.Rank == p)
            {
                return new Subspace(design, n, p);
            }

            var dependent = new HashSet<int>(full.DependentColumns());
            int[] keep = Enumerable.Range(0, p).Where(j => !dependent.Contains(j)).ToArray();
            var independent = new double[n * keep.Length];
            for (int k = 0; k < keep.Length; k++)
            {
                Array.Copy(design, keep[k] * n, independent, k * n, n);
            }

            return new Subspace(independent, n, keep.Length);
        }

        /// <summary>y − A·β̂ with β̂ the least-squares coefficients on the independent columns.</summary>
        public double[] Residuals(double[] y)
        {
            double[] beta = _qr.Solve(y);
            var r = (double[])y.Clone();
            for (int j = 0; j < Rank; j++)
            {
                for (int i = 0; i < _n; i++)
                {
                    r[i] -= _columns[(j * _n) + i] * beta[j];
                }
            }

            return r;
        }

        /// <summary>Σ_k Q_ik² per row, Q = H₀H₁…H_{p−1}[I; 0] from an unpivoted Householder QR of the equilibrated columns.</summary>
        public double[] Leverage()
        {
            int n = _n, p = Rank;
            var a = new double[n * p];
            for (int j = 0; j < p; j++)
            {
                ReadOnlySpan<double> column = _columns.AsSpan(j * n, n);
                double norm = PivotedQr.Norm2(column);
                double s = norm > 0 ? 1 / norm : 1;
                for (int i = 0; i < n; i++)
                {
                    a[(j * n) + i] = column[i] * s;
                }
            }

            var tau = new double[p];
            for (int k = 0; k < p; k++)
            {
                Span<double> v = a.AsSpan((k * n) + k, n - k);
                double alpha = v[0];
                double xnorm = PivotedQr.Norm2(v[1..]);
                if (xnorm == 0)
                {
                    continue;
                }

                double beta = -Math.CopySign(Math.Sqrt((alpha * alpha) + (xnorm * xnorm)), alpha);
                tau[k] = (beta - alpha) / beta;
                double scale = 1 / (alpha - beta);
                for (int i = 1; i < v.Length; i++)
                {
                    v[i] *= scale;
                }

                v[0] = beta;
                for (int j = k + 1; j < p; j++)
                {
                    ApplyReflector(v, tau[k], a.AsSpan((j * n) + k, n - k));
                }
            }

            // Q's first p columns: apply H_{p−1}, …, H_0 to the unit vectors
            var q = new double[n * p];
            for (int j = 0; j < p; j++)
            {
                q[(j * n) + j] = 1;
            }

            for (int k = p - 1; k >= 0; k--)
            {
                if (tau[k] == 0)
                {
                    continue;
                }

                ReadOnlySpan<double> v = a.AsSpan((k * n) + k, n - k);
                for (int j = k; j < p; j++)
                {
                    ApplyReflector(v, tau[k], q.AsSpan((j * n) + k, n - k));
                }
            }

            var h = new double[n];
            for (int j = 0; j < p; j++)
            {
                for (int i = 0; i < n; i++)
                {
                    double v = q[(j * n) + i];
                    h[i] += v * v;
                }
            }

            return h;
        }

        /// <summary>target ← (I − τ·v·vᵀ)·target with v[0] taken as 1.</summary>
        private static void ApplyReflector(ReadOnlySpan<double> v, double tau, Span<double> target)
        {
            double w = target[0];
            for (int i = 1; i < target.Length; i++)
            {
                w += v[i] * target[i];
            }

            w *= tau;
            target[0] -= w;
            for (int i = 1; i < target.Length; i++)
            {
                target[i] -= w * v[i];
            }
        }
    }
}
