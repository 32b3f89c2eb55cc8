using LossLab.Lab.Statistics;

namespace LossLab.Lab.Advice.Checks;

/// <summary>Leverage and influence of the rows on a least-squares fit, judged with the robust fit's residuals.</summary>
/// <param name="Hat">Hat values hᵢᵢ of the least-squares design (with intercept).</param>
/// <param name="Cooks">Cook's distances Dᵢ of the least-squares fit.</param>
/// <param name="Cut">The leverage cut 2p/n (p coefficients with the intercept).</param>
/// <param name="HighLeverageRows">Data rows (1-based) with hᵢᵢ &gt; the cut.</param>
/// <param name="BadLeverageRows">Rows with hat value above 3p/n whose robust standardised residual |rᵢ/s| exceeds 2.5: points far out in x that disagree with the bulk.</param>
/// <param name="InfluentialRows">Rows with Cook's distance above 4/n and above 0.5·max(1, …) — Dᵢ &gt; max(4/n, 0.5).</param>
/// <param name="MaxLeverage">The largest hᵢᵢ.</param>
/// <param name="MaxCooks">The largest Dᵢ.</param>
/// <param name="MaxCooksRow">Its row (1-based).</param>
/// <param name="RobustDistances">Stahel–Donoho outlyingness of every row in feature space (robust to masking by a cluster of leverage points).</param>
/// <param name="DistanceCut">The cut √χ²_{d, 0.975} beyond which a row is a leverage point by its robust distance.</param>
public sealed record LeverageResult(double[] Hat, double[] Cooks, double Cut, int[] HighLeverageRows, int[] BadLeverageRows, int[] InfluentialRows, double MaxLeverage, double MaxCooks, int MaxCooksRow, double[] RobustDistances, double DistanceCut);

/// <summary>
/// Leverage check after Rousseeuw and van Zomeren (1990): a row is a <b>high-leverage</b> point of least squares when
/// its hat value exceeds 2p/n (Belsley, Kuh and Welsch); a <b>bad leverage</b> point is far out in feature space — hat
/// value above 3p/n, or a robust distance (Stahel–Donoho outlyingness: the largest |aᵀx − med(aᵀX)| / MAD(aᵀX) over the
/// coordinate axes and directions through pairs of rows) above √χ²_{d, 0.975} — and an outlier of the high-breakdown
/// fit, |rᵢ/s| &gt; 2.5 with r and s from the MM fit. Hat values alone are masked when several leverage points cluster
/// (as in the Hawkins–Bradu–Kass data); the robust distance is not. Least squares, Huber and L1 are all pulled by bad
/// leverage points (their influence is unbounded in x); only a high-breakdown fit ignores them.
/// </summary>
public static class LeverageCheck
{
    /// <summary>The robust standardised residual beyond which a high-leverage row is bad, for small data.</summary>
    public const double ResidualCut = 2.5;

    /// <summary>
    /// The residual cut for n rows: max(2.5, Φ⁻¹(1 − 0.025/n)), so that Gaussian noise alone flags about one row in
    /// 40 data sets whatever n (2.5 up to n ≈ 4, 3.48 at n = 100, 4.56 at n = 100,000).
    /// </summary>
    public static double ResidualCutFor(int rows) => Math.Max(ResidualCut, Distributions.NormalQuantile(1 - (0.025 / Math.Max(1, rows))));

    /// <summary>Measures leverage and influence.</summary>
    /// <param name="x">Features, row-major (no intercept column).</param>
    /// <param name="rows">n.</param>
    /// <param name="columns">The number of features.</param>
    /// <param name="y">Targets.</param>
    /// <param name="robustStandardized">rᵢ/s from the robust fit (NaN where the scale is 0).</param>
    public static LeverageResult Analyze(double[] x, int rows, int columns, double[] y, ReadOnlySpan<double> robustStandardized)
    {
        double[] hat = RegressionDiagnostics.Leverage(x, rows, columns);
        double[] cooks = RegressionDiagnostics.CooksDistance(x, rows, columns, y);
        double[] distance = Outlyingness(x, rows, columns);
        double distanceCut = Math.Sqrt(ChiSquareQuantile(0.975, columns));
        double residualCut = ResidualCutFor(rows);
        int p = columns + 1;
        double cut = 2.0 * p / rows;
        var high = new List<int>();
        var bad = new List<int>();
        var influential = new List<int>();
        double influenceCut = Math.Max(4.0 / rows, 0.5);
        int maxRow = 0;
        for (int i = 0; i < rows; i++)
        {
            if (hat[i] > cut)
            {
                high.Add(i + 1);
            }

            if ((hat[i] > 1.5 * cut || distance[i] > distanceCut) && Math.Abs(robustStandardized[i]) > residualCut)
            {
                bad.Add(i + 1);
            }

            if (double.IsFinite(cooks[i]) && cooks[i] > influenceCut)
            {
                influential.Add(i + 1);
            }

            if (!(cooks[maxRow] >= cooks[i]))
            {
                maxRow = i;
            }
        }

        return new LeverageResult(hat, cooks, cut, [.. high], [.. bad], [.. influential], hat.Max(), cooks[maxRow], maxRow + 1, distance, distanceCut);
    }

    /// <summary>
    /// The Stahel–Donoho outlyingness of every row: max over directions a of |aᵀxᵢ − med(aᵀX)| / MAD(aᵀX) (MAD normalised
    /// to σ at the normal), over the d coordinate axes and 250 directions through pairs of random rows (seeded). The
    /// medians and MADs come from at most 5,000 rows; directions whose MAD is 0 (a mostly constant projection) are
    /// skipped. For Gaussian features it approaches the Mahalanobis distance.
    /// </summary>
    public static double[] Outlyingness(double[] x, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(x);
        var random = new Random(20);
        var directions = new List<double[]>();
        for (int j = 0; j < columns; j++)
        {
            double[] axis = new double[columns];
            axis[j] = 1;
            directions.Add(axis);
        }

        for (int k = 0; k < 250 && rows > 1 && columns > 1; k++)
        {
            int a = random.Next(rows), b = random.Next(rows);
            double[] direction = new double[columns];
            double norm = 0;
            for (int j = 0; j < columns; j++)
            {
                direction[j] = x[(a * columns) + j] - x[(b * columns) + j];
                norm += direction[j] * direction[j];
            }

            if (norm > 0)
            {
                directions.Add(direction);
            }
        }

        int[] sample = rows <= 5000 ? [.. Enumerable.Range(0, rows)] : [.. Enumerable.Range(0, 5000).Select(_ => random.Next(rows))];
        double[] result = new double[rows];
        double[] projection = new double[sample.Length];
        foreach (double[] direction in directions)
        {
            for (int i = 0; i < sample.Length; i++)
            {
                projection[i] = Dot(x, sample[i], columns, direction);
            }

            double median = AdviceMath.Median(projection);
            for (int i = 0; i < projection.Length; i++)
            {
                projection[i] = Math.Abs(projection[i] - median);
            }

            double mad = 1.4826 * AdviceMath.Median(projection);
            if (!(mad > 1e-12 * (1 + Math.Abs(median))))
            {
                continue;
            }

            for (int i = 0; i < rows; i++)
            {
                result[i] = Math.Max(result[i], Math.Abs(Dot(x, i, columns, direction) - median) / mad);
            }
        }

        return result;
    }

    private static double Dot(double[] x, int row, int columns, double[] direction)
    {
        double sum = 0;
        for (int j = 0; j < columns; j++)
        {
            sum += x[(row * columns) + j] * direction[j];
        }

        return sum;
    }

    /// <summary>The p-quantile of χ² with <paramref name="df"/> degrees of freedom, by bisection on its upper tail.</summary>
    public static double ChiSquareQuantile(double p, double df)
    {
        double low = 0, high = Math.Max(1, df);
        while (Distributions.ChiSquareUpperTail(high, df) > 1 - p)
        {
            high *= 2;
        }

        for (int k = 0; k < 200 && high - low > 1e-12 * high; k++)
        {
            double mid = 0.5 * (low + high);
            if (Distributions.ChiSquareUpperTail(mid, df) > 1 - p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return 0.5 * (low + high);
    }
}

/// <summary>The heteroscedasticity check's result.</summary>
/// <param name="BreuschPagan">Koenker's studentised Breusch–Pagan test of r² on the regressors.</param>
/// <param name="White">White's test (r² on the regressors, their squares and cross products), or null when it would need too many columns.</param>
/// <param name="Strongest">The regressor whose values correlate most with r² (the variance grows or shrinks along it).</param>
/// <param name="StrongestCorrelation">That correlation.</param>
/// <param name="Rows">The rows tested.</param>
public sealed record VarianceResult(TestResult BreuschPagan, TestResult? White, string Strongest, double StrongestCorrelation, int Rows)
{
    /// <summary>
    /// Whether either test rejects constant variance at p &lt; 0.01 with an effect that matters: the auxiliary R² = LM/n
    /// at least 0.02 (on large data a tiny change of the noise scale is significant and harmless).
    /// </summary>
    public bool Heteroscedastic => Rejects(BreuschPagan) || (White is TestResult w && Rejects(w));

    private bool Rejects(TestResult t) => t.PValue < VarianceCheck.Alpha && t.Statistic / Math.Max(1, Rows) >= VarianceCheck.MinimumRSquared;
}

/// <summary>
/// Heteroscedasticity check: the residuals of the robust fit tested on the <b>regressors</b> (not only the fitted
/// values) by Koenker's Breusch–Pagan test and by White's test where it fits; the regressor most correlated with r² is
/// named. Unequal variance is a property of the noise, not a set of outliers: it calls for a model of the variance
/// (gaussian_nll), weights, or a log target.
/// </summary>
public static class VarianceCheck
{
    /// <summary>The level below which constant variance is rejected.</summary>
    public const double Alpha = 0.01;

    /// <summary>The auxiliary regression's R² from which unequal variance counts as a finding.</summary>
    public const double MinimumRSquared = 0.02;

    /// <summary>Runs the tests.</summary>
    public static VarianceResult Analyze(double[] residuals, double[] x, int rows, int columns, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(residuals);
        ArgumentNullException.ThrowIfNull(names);
        TestResult bp = RegressionDiagnostics.BreuschPagan(residuals, x, rows, columns);
        TestResult? white = RegressionDiagnostics.WhiteIsAdvisable(rows, columns) ? RegressionDiagnostics.White(residuals, x, rows, columns) : null;
        double[] u = [.. residuals.Select(r => r * r)];
        string strongest = names.Count > 0 ? names[0] : "";
        double best = 0;
        for (int j = 0; j < columns; j++)
        {
            double[] column = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                column[i] = x[(i * columns) + j];
            }

            double c = AdviceMath.Correlation(column, u);
            if (Math.Abs(c) > Math.Abs(best))
            {
                (best, strongest) = (c, names[j]);
            }
        }

        return new VarianceResult(bp, white, strongest, best, rows);
    }
}

/// <summary>The time-order check's result.</summary>
/// <param name="TimeColumn">The column that orders the rows in time, or null.</param>
/// <param name="DurbinWatson">The Durbin–Watson statistic of the robust residuals in row order (2 = no autocorrelation).</param>
/// <param name="Autocorrelation">The lag-1 autocorrelation ρ̂ of the residuals.</param>
/// <param name="PValue">Two-sided p of ρ̂√n against N(0, 1) (an approximate test of independence).</param>
public sealed record TimeOrderResult(string? TimeColumn, double DurbinWatson, double Autocorrelation, double PValue)
{
    /// <summary>Whether neighbouring rows' residuals are clearly correlated (ρ̂ &gt; 0.2 with p &lt; 0.01).</summary>
    public bool Autocorrelated => Autocorrelation > 0.2 && PValue < 0.01;
}

/// <summary>
/// Time-order check: a date or year column that never decreases marks the rows as ordered in time (then the folds
/// must chain forward: shuffled folds would train on the future); independently, residuals correlated with their
/// neighbours in row order (Durbin–Watson) warn that the row order carries information.
/// </summary>
public static class TimeOrderCheck
{
    /// <summary>Runs the check.</summary>
    public static TimeOrderResult Analyze(string? timeColumn, double[] residuals)
    {
        double dw = RegressionDiagnostics.DurbinWatson(residuals);
        LagOneTest lag = RegressionDiagnostics.LagOneAutocorrelation(residuals);
        return new TimeOrderResult(timeColumn, dw, lag.Autocorrelation, lag.PValue);
    }
}
