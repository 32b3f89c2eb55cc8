using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Solvers;

namespace LossLab.Lab.Advice;

/// <summary>
/// A Breusch–Pagan style test for heteroscedasticity (Koenker's studentised form): the squared residuals rᵢ² are
/// regressed on the fitted values ŷᵢ (with an intercept); LM = n·R² is approximately χ²(1) when the noise variance does
/// not depend on the fit.
/// </summary>
/// <param name="RSquared">R² of the auxiliary regression of r² on ŷ (the squared correlation; 0 when either is constant).</param>
/// <param name="Statistic">The Lagrange-multiplier statistic LM = n·R².</param>
/// <param name="PValue">P(χ²₁ &gt; LM) = erfc(√(LM/2)); small values say the noise scale changes with the fitted value.</param>
public sealed record HeteroscedasticityTest(double RSquared, double Statistic, double PValue);

/// <summary>
/// What <see cref="Diagnostics.Analyze"/> measured. Regression fields are null for classification data and
/// classification fields are null for regression data.
/// </summary>
public sealed record DataDiagnostics
{
    /// <summary>The task of the data set.</summary>
    public required TaskKind Task { get; init; }

    /// <summary>n, the number of rows.</summary>
    public required int Rows { get; init; }

    /// <summary>The number of features.</summary>
    public required int Features { get; init; }

    /// <summary>
    /// Regression: the normalised MAD of the residuals r of the first robust fit (Huber, c = 1.345, MAD scale, by
    /// IRLS), centred at the <b>median</b> of the residuals: s = median|rᵢ − median r| / Φ⁻¹(3/4) ≈ 1.4826·MAD, a
    /// consistent estimate of σ under Gaussian noise. If more than half the residuals equal their median (MAD = 0) it
    /// falls back to √(π/2)·mean|rᵢ − median r| (also consistent at the normal); it is 0 only when every residual equals
    /// the median.
    /// </summary>
    public double? RobustScale { get; init; }

    /// <summary>Regression: the centre used for <see cref="RobustScale"/> and the outlier rule, median(r).</summary>
    public double? ResidualMedian { get; init; }

    /// <summary>
    /// Regression: the share of rows whose modified z-score |rᵢ − median r| / <see cref="RobustScale"/> exceeds 3.5
    /// (Iglewicz and Hoaglin's rule); 0 when the scale is 0.
    /// </summary>
    public double? OutlierShare { get; init; }

    /// <summary>Regression: the number of rows counted in <see cref="OutlierShare"/>.</summary>
    public int? OutlierCount { get; init; }

    /// <summary>
    /// Regression: the skewness of the robust-fit residuals, by the plain moment formula g₁ = m₃/m₂^{3/2} about their
    /// mean (m_k = (1/n)Σ(rᵢ − r̄)^k). Moments are not robust — a few gross outliers dominate them — which is what
    /// makes them useful here as a tail alarm.
    /// </summary>
    public double? Skewness { get; init; }

    /// <summary>
    /// Regression: the excess kurtosis of the robust-fit residuals, plain moments g₂ = m₄/m₂² − 3 (0 for Gaussian noise;
    /// about 3 for Laplace; unbounded for Student t₃, whose fourth moment is infinite).
    /// </summary>
    public double? ExcessKurtosis { get; init; }

    /// <summary>Regression: the Breusch–Pagan style test of r² on the robust fit's fitted values.</summary>
    public HeteroscedasticityTest? Heteroscedasticity { get; init; }

    /// <summary>Regression: whether every target is ≥ 0.</summary>
    public bool? NonNegativeTarget { get; init; }

    /// <summary>Regression: whether the targets look like event counts: non-negative whole numbers, some of them 0.</summary>
    public bool? CountTarget { get; init; }

    /// <summary>Regression: the skewness of the target itself, plain moment formula g₁.</summary>
    public double? TargetSkewness { get; init; }

    /// <summary>
    /// Regression: the population standard deviation of the target, the unit the lab's <c>compare</c> divides a
    /// regression target by when it standardises it (a Huber δ in target units becomes δ / this).
    /// </summary>
    public double? TargetStandardDeviation { get; init; }

    /// <summary>Classification: the number of rows of each class, in class-index order (a class may have none).</summary>
    public IReadOnlyList<int>? ClassCounts { get; init; }

    /// <summary>Classification: the index of the smallest class that has rows (the lowest index on ties).</summary>
    public int? MinorityClass { get; init; }

    /// <summary>Classification: the share of rows in the smallest class that has rows.</summary>
    public double? MinorityShare { get; init; }

    /// <summary>Classification: the largest class count over the smallest non-empty one (1 when balanced).</summary>
    public double? ImbalanceRatio { get; init; }

    /// <summary>Classification: the number of classes without any row (excluded from the shares and the ratio).</summary>
    public int? EmptyClasses { get; init; }
}

/// <summary>
/// Measures what the loss choice depends on (guide L12, L13): for regression, the residuals of a first robust fit —
/// their scale, outliers, tails and heteroscedasticity — and the kind of target; for classification, the class balance.
/// Everything is deterministic (no sampling).
/// </summary>
public static class Diagnostics
{
    /// <summary>The Huber tuning constant of the first fit, in units of the MAD scale (95% Gaussian efficiency).</summary>
    public const double HuberTuning = 1.345;

    /// <summary>The modified z-score above which a residual counts as an outlier (Iglewicz and Hoaglin, 1993).</summary>
    public const double OutlierThreshold = 3.5;

    /// <summary>
    /// Analyzes a data set. Regression: a Huber M-estimate (c = 1.345 in units of the MAD scale, re-estimated at every
    /// IRLS step — <see cref="ExactSolvers.Robust"/>) of the linear model y ≈ Xw + b; its residuals r = y − ŷ give
    /// <see cref="DataDiagnostics.RobustScale"/>, <see cref="DataDiagnostics.OutlierShare"/>, the moment shape statistics
    /// and the Breusch–Pagan test. Classification: class counts, minority share and imbalance ratio.
    /// </summary>
    /// <param name="data">The data set (at least one row).</param>
    /// <returns>The diagnostics; fields that do not apply to the task are null.</returns>
    /// <exception cref="DataException">No rows; the robust fit is rank deficient; a class target is not a class index.</exception>
    public static DataDiagnostics Analyze(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows == 0)
        {
            throw new DataException($"{data.Name}: no rows to analyze");
        }

        return data.Task == TaskKind.Regression ? Regression(data) : Classification(data);
    }

    private static DataDiagnostics Regression(Dataset data)
    {
        int n = data.Rows, d = data.Columns;
        double[] beta = ExactSolvers.Robust(new Huber(HuberTuning), data).Coefficients; // weights, then intercept
        double[] fitted = new double[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double f = beta[d];
            for (int j = 0; j < d; j++)
            {
                f += beta[j] * data.Features[(i * d) + j];
            }

            fitted[i] = f;
            r[i] = data.Targets[i] - f;
        }

        double centre = AdviceMath.Median(r);
        double[] deviation = new double[n];
        for (int i = 0; i < n; i++)
        {
            deviation[i] = r[i] - centre;
        }

        double scale = Irls.MadScale(deviation);
        if (!(scale > 0))
        {
            scale = Math.Sqrt(Math.PI / 2) * deviation.Average(Math.Abs);
        }

        int outliers = scale > 0 ? deviation.Count(v => Math.Abs(v) / scale > OutlierThreshold) : 0;
        (double skewness, double kurtosis, _) = AdviceMath.Moments(r);

        double[] y = data.Targets.Select(v => (double)v).ToArray();
        (double targetSkewness, _, double targetVariance) = AdviceMath.Moments(y);
        bool nonNegative = y.All(v => v >= 0);
        // Event counts: non-negative whole numbers that include zeros. Whole-number measurements far from zero
        // (employment totals, stack loss in percent) are a measurement scale, not counts, and keep the regression rules.
        bool counts = nonNegative && y.All(v => v == Math.Floor(v)) && y.Any(v => v == 0);

        return new DataDiagnostics
        {
            Task = data.Task,
            Rows = n,
            Features = d,
            RobustScale = scale,
            ResidualMedian = centre,
            OutlierShare = (double)outliers / n,
            OutlierCount = outliers,
            Skewness = skewness,
            ExcessKurtosis = kurtosis,
            Heteroscedasticity = BreuschPagan(r, fitted),
            NonNegativeTarget = nonNegative,
            CountTarget = counts,
            TargetSkewness = targetSkewness,
            TargetStandardDeviation = Math.Sqrt(targetVariance),
        };
    }

    /// <summary>Koenker's n·R² from regressing r² on the fitted values; R² of a simple regression is the squared correlation.</summary>
    private static HeteroscedasticityTest BreuschPagan(double[] r, double[] fitted)
    {
        int n = r.Length;
        double meanU = 0, meanF = 0;
        for (int i = 0; i < n; i++)
        {
            meanU += r[i] * r[i];
            meanF += fitted[i];
        }

        meanU /= n;
        meanF /= n;
        double suu = 0, sff = 0, suf = 0;
        for (int i = 0; i < n; i++)
        {
            double u = (r[i] * r[i]) - meanU;
            double f = fitted[i] - meanF;
            suu += u * u;
            sff += f * f;
            suf += u * f;
        }

        // The fitted values are constant up to rounding when the fit is flat (or there are no features).
        double rSquared = suu > 0 && sff > 1e-24 * (1 + (meanF * meanF)) * n ? Math.Clamp(suf * suf / (suu * sff), 0, 1) : 0;
        double lm = n * rSquared;
        return new HeteroscedasticityTest(rSquared, lm, AdviceMath.ChiSquare1Tail(lm));
    }

    private static DataDiagnostics Classification(Dataset data)
    {
        int n = data.Rows;
        int maxIndex = -1;
        foreach (float t in data.Targets)
        {
            if (!(t >= 0) || t != MathF.Floor(t) || t > int.MaxValue / 2)
            {
                throw new DataException($"{data.Name}: {data.Task} targets must be class indices 0, 1, …; found {t}");
            }

            maxIndex = Math.Max(maxIndex, (int)t);
        }

        int classes = Math.Max(Math.Max(data.Classes, data.Task == TaskKind.Binary ? 2 : 0), maxIndex + 1);
        if (data.Task == TaskKind.Binary && classes > 2)
        {
            throw new DataException($"{data.Name}: binary targets must be 0 or 1; found {maxIndex}");
        }

        int[] count = new int[classes];
        foreach (float t in data.Targets)
        {
            count[(int)t]++;
        }

        int minority = -1, largest = 0;
        for (int k = 0; k < classes; k++)
        {
            largest = Math.Max(largest, count[k]);
            if (count[k] > 0 && (minority < 0 || count[k] < count[minority]))
            {
                minority = k;
            }
        }

        return new DataDiagnostics
        {
            Task = data.Task,
            Rows = n,
            Features = data.Columns,
            ClassCounts = count,
            MinorityClass = minority,
            MinorityShare = (double)count[minority] / n,
            ImbalanceRatio = (double)largest / count[minority],
            EmptyClasses = count.Count(c => c == 0),
        };
    }
}
