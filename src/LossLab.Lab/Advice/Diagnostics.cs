using LossLab.Lab.Advice.Checks;
using LossLab.Lab.Data;
using LossLab.Lab.Statistics;
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

    /// <summary>Regression: the kind of target (<see cref="TargetShape"/>): continuous, counts, ordinal, zero_heavy or positive_skewed.</summary>
    public TargetKind? TargetKind { get; init; }

    /// <summary>Regression: why the target is of that kind, with the numbers.</summary>
    public string? TargetKindReason { get; init; }

    /// <summary>Regression: the share of targets equal to 0.</summary>
    public double? ZeroShare { get; init; }

    /// <summary>Regression: the target's variance over its mean (1 for Poisson counts; above 1 is over-dispersion), when the mean is positive.</summary>
    public double? Dispersion { get; init; }

    /// <summary>Regression: the number of distinct target values.</summary>
    public int? DistinctTargets { get; init; }

    /// <summary>Regression: the robust fit behind the residual statistics: <c>mm</c> (MM-estimate, bisquare, 50% breakdown, 95% efficiency), or <c>huber</c> when MM could not be computed.</summary>
    public string? RobustFit { get; init; }

    /// <summary>Regression: the largest hat value of the least-squares design.</summary>
    public double? MaxLeverage { get; init; }

    /// <summary>Regression: the high-leverage cut 2p/n.</summary>
    public double? LeverageCut { get; init; }

    /// <summary>Regression: data rows (1-based, after dropped rows) whose hat value exceeds 2p/n (the first 100).</summary>
    public IReadOnlyList<int>? HighLeverageRows { get; init; }

    /// <summary>Regression: how many rows have a hat value above 2p/n.</summary>
    public int? HighLeverageCount { get; init; }

    /// <summary>Regression: the residuals y − ŷ of the robust fit, one per row (not written to JSON).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double[]? RobustResiduals { get; init; }

    /// <summary>Regression: high-leverage rows that are also robust outliers (|r/s| &gt; 2.5 from the MM fit): bad leverage points.</summary>
    public IReadOnlyList<int>? BadLeverageRows { get; init; }

    /// <summary>Regression: rows with Cook's distance above max(4/n, 0.5).</summary>
    public IReadOnlyList<int>? InfluentialRows { get; init; }

    /// <summary>Regression: the largest Cook's distance of the least-squares fit.</summary>
    public double? MaxCooksDistance { get; init; }

    /// <summary>Regression: its data row (1-based).</summary>
    public int? MaxCooksRow { get; init; }

    /// <summary>Regression: White's test of the robust residuals (squares and cross products of the regressors), null when the auxiliary regression would be too wide.</summary>
    public TestResult? WhiteTest { get; init; }

    /// <summary>Regression: the regressor whose values correlate most with the squared residuals.</summary>
    public string? VarianceRegressor { get; init; }

    /// <summary>Regression: the column that orders the rows in time, or null.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>Regression: the Durbin–Watson statistic of the robust residuals in row order.</summary>
    public double? DurbinWatson { get; init; }

    /// <summary>Regression: the lag-1 autocorrelation of the robust residuals in row order.</summary>
    public double? ResidualAutocorrelation { get; init; }

    /// <summary>Regression: its approximate two-sided p-value (ρ̂√n against N(0, 1)).</summary>
    public double? AutocorrelationPValue { get; init; }

    /// <summary>Rows per coefficient of a linear model, n / (features + 1 for regression and binary, or (features + 1)·(C − 1) for C classes).</summary>
    public double RowsPerCoefficient { get; init; }

    /// <summary>What the loader did with the columns (identifiers dropped, dates converted, a two-valued target read as binary).</summary>
    public IReadOnlyList<string> ColumnNotes { get; init; } = [];

    /// <summary>Every finding of every check, with its evidence; the advisor decides from these.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

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
/// Everything is deterministic (large data are sampled with fixed seeds).
/// </summary>
public static class Diagnostics
{
    /// <summary>The Huber tuning constant of the first fit, in units of the MAD scale (95% Gaussian efficiency).</summary>
    public const double HuberTuning = 1.345;

    /// <summary>The modified z-score above which a residual counts as an outlier (Iglewicz and Hoaglin, 1993).</summary>
    public const double OutlierThreshold = 3.5;

    /// <summary>
    /// Analyzes a data set as a short list of checks, each of which adds findings with their evidence. Regression:
    /// <see cref="TargetShape"/> (counts, ordinal, zero-heavy, positive skewed, continuous); an MM fit (high breakdown, 95%
    /// efficiency — <see cref="MmEstimator"/>) whose residuals give the robust scale, the shape statistics and the outliers;
    /// <see cref="LeverageCheck"/> (hat values, Cook's distance, bad leverage rows); <see cref="VarianceCheck"/>
    /// (Breusch–Pagan on the regressors, White); <see cref="TimeOrderCheck"/> (a time column, Durbin–Watson); the size
    /// (rows per coefficient) and the loader's column notes. Classification: class counts, minority share, imbalance ratio.
    /// </summary>
    /// <param name="data">The data set (at least one row).</param>
    /// <param name="targetKind">The kind of a regression target when the user knows it (<c>--target-kind</c>), or null to recognise it.</param>
    /// <returns>The diagnostics; fields that do not apply to the task are null.</returns>
    /// <exception cref="DataException">No rows; the features are linearly dependent; a class target is not a class index.</exception>
    public static DataDiagnostics Analyze(Dataset data, TargetKind? targetKind = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rows == 0)
        {
            throw new DataException($"{data.Name}: no rows to analyze");
        }

        return data.Task == TaskKind.Regression ? Regression(data, targetKind) : Classification(data);
    }

    /// <summary>Rows the MM fit uses at most (a seeded sample of larger data; residuals are then computed for every row).</summary>
    public const int RobustFitRows = 5_000;

    /// <summary>Rows the variance tests use at most (a seeded sample of larger data).</summary>
    public const int VarianceTestRows = 50_000;

    private static DataDiagnostics Regression(Dataset data, TargetKind? forced)
    {
        int n = data.Rows;
        double[] y = [.. data.Targets.Select(v => (double)v)];
        var findings = new List<Finding>();

        // 1. The target's shape decides which losses are candidates at all.
        TargetShapeResult shape = TargetShape.Analyze(y, data.TargetName, forced);
        findings.Add(new Finding("target_shape", TargetShape.Code(shape.Kind), $"target '{data.TargetName}': {shape.Reason}"));

        // Constant and collinear columns carry nothing a linear fit can use: the diagnostic fits leave them out.
        (double[] x, int d, string[] names, string[] left) = IndependentColumns(data);
        if (left.Length > 0)
        {
            findings.Add(new Finding("columns", "collinear",
                $"column(s) {string.Join(", ", left.Select(c => $"'{c}'"))} are constant or exact linear combinations of the others: the diagnostic fits leave them out (the verification keeps them; drop them from the file, or give --features)",
                Warning: true));
        }

        if (d == 0)
        {
            throw new DataException($"{data.Name}: every feature column is constant; there is nothing to regress on");
        }

        int most = Math.Max(1, ((n - 2) / 2) - 1); // the MM fit's subsamples and Cook's distance need n well above p
        if (d > most)
        {
            findings.Add(new Finding("size", "too_wide",
                $"{d} independent feature columns for {n} rows: residual diagnostics need several rows per coefficient, so the diagnostic fits use the first {most} columns only ({string.Join(", ", names.Take(Math.Min(most, 8)))}{(most > 8 ? ", …" : string.Empty)}); the verification uses them all",
                Warning: true));
            x = Rows(x, d, most);
            names = names[..most];
            d = most;
        }

        // 2. A high-breakdown fit (MM) gives residuals that bad points cannot hide in.
        (double[] beta, double scale, string robustName) = RobustFitOf(x, n, d, y, findings);
        double[] fitted = new double[n], r = new double[n], z = new double[n];
        for (int i = 0; i < n; i++)
        {
            double f = Linear(beta, x, i, d);
            fitted[i] = f;
            r[i] = y[i] - f;
            z[i] = scale > 0 ? r[i] / scale : double.NaN;
        }

        double centre = AdviceMath.Median(r);
        double spread = Math.Sqrt(shape.Variance);
        bool noiseFree = !(scale > 0) || (spread > 0 && scale <= 1e-6 * spread);

        // A skewed positive target is judged on its log scale, where its long tail is ordinary.
        double[]? logY = null, logBeta = null, logResiduals = null;
        double logScale = 0;
        if (shape.Kind == TargetKind.PositiveSkewed)
        {
            logY = [.. y.Select(v => Math.Log(v))];
            (logBeta, logScale, _) = RobustFitOf(x, n, d, logY, []);
            logResiduals = new double[n];
            for (int i = 0; i < n; i++)
            {
                logResiduals[i] = logY[i] - Linear(logBeta, x, i, d);
            }
        }

        // 3. Leverage and influence (least squares) judged by the robust residuals.
        double[] zLeverage = logResiduals is null ? z : [.. logResiduals.Select(v => logScale > 0 ? v / logScale : double.NaN)];
        LeverageResult leverage = LeverageCheck.Analyze(x, n, d, y, zLeverage);
        double pull = leverage.BadLeverageRows.Length > 0 && !noiseFree
            ? logY is null ? HuberPull(x, n, d, y, beta, scale) : HuberPull(x, n, d, logY, logBeta!, logScale)
            : 0;
        if (leverage.BadLeverageRows.Length > 0 && !noiseFree && pull > HarmfulPull && logY is not null)
        {
            findings.Add(new Finding("leverage", "leverage_outliers",
                $"{leverage.BadLeverageRows.Length} row(s) far out in x whose log-target disagrees with the bulk (data rows {Rows(leverage.BadLeverageRows, data)}; |robust residual| > {AdviceMath.Number(LeverageCheck.ResidualCutFor(n))} robust SDs on the log scale, pulling a Huber fit of log y {AdviceMath.Number(pull)} robust SDs): no loss bounds their pull on a log-link model either — inspect those rows, or model log y with a high-breakdown fit (losslab fit --solver mm on log y)",
                Warning: true));
        }
        else if (leverage.BadLeverageRows.Length > 0 && !noiseFree && pull > HarmfulPull)
        {
            findings.Add(new Finding("leverage", "bad_leverage",
                $"{leverage.BadLeverageRows.Length} bad leverage point(s) (far out in x: hat value > 3p/n = {AdviceMath.Number(1.5 * leverage.Cut)} or robust distance > {AdviceMath.Number(leverage.DistanceCut)}; and |robust residual| > {AdviceMath.Number(LeverageCheck.ResidualCutFor(n))} robust SDs{(logY is null ? string.Empty : " on the log scale")}): data rows {Rows(leverage.BadLeverageRows, data)}; they pull a Huber fit {AdviceMath.Number(pull)} robust SDs away from the high-breakdown fit on average — least squares, Huber and L1 alike; fit with a high-breakdown estimator (losslab fit --solver mm) and inspect or remove those rows",
                Warning: true));
        }
        else if (leverage.BadLeverageRows.Length > 0 && !noiseFree)
        {
            findings.Add(new Finding("leverage", "leverage_outliers",
                $"{leverage.BadLeverageRows.Length} row(s) with high leverage and a large robust residual (data rows {Rows(leverage.BadLeverageRows, data)}), but a Huber fit stays within {AdviceMath.Number(pull)} robust SDs of the high-breakdown fit on average: a robust loss is enough"));
        }

        if (leverage.InfluentialRows.Length > 0)
        {
            findings.Add(new Finding("leverage", "influential",
                $"{leverage.InfluentialRows.Length} influential row(s) on least squares (Cook's distance > max(4/n, 0.5)); the largest is {AdviceMath.Number(leverage.MaxCooks)} at data row {leverage.MaxCooksRow} (hat value {AdviceMath.Number(leverage.Hat[leverage.MaxCooksRow - 1])})",
                Warning: leverage.MaxCooks > 1));
        }

        // 4. Unequal variance, tested on the regressors.
        int[] sample = Sample(n, VarianceTestRows, 7);
        VarianceResult variance = VarianceCheck.Analyze([.. sample.Select(i => r[i])], Rows(x, d, sample), sample.Length, d, names);
        if (variance.Heteroscedastic && !noiseFree)
        {
            findings.Add(new Finding("variance", "heteroscedastic",
                $"the noise variance changes with the regressors (Breusch–Pagan on X: LM = {AdviceMath.Number(variance.BreuschPagan.Statistic)}, df {AdviceMath.Number(variance.BreuschPagan.DegreesOfFreedom)}, p = {P(variance.BreuschPagan.PValue)}{(variance.White is TestResult w ? $"; White: p = {P(w.PValue)}" : string.Empty)}), most along '{variance.Strongest}' (correlation with r² {AdviceMath.Number(variance.StrongestCorrelation)}): this is unequal variance, not outliers — model the variance (gaussian_nll), weight the rows, or use a log target"));
        }

        // 5. Outliers: gross errors against the local noise scale, where the target's shape allows the question.
        int outliers = 0;
        double outlierShare = 0;
        (double skewness, double kurtosis, _) = AdviceMath.Moments(r);
        if (!noiseFree && shape.Kind is TargetKind.Continuous or TargetKind.Ordinal or TargetKind.PositiveSkewed)
        {
            double[] local = LocalScale(x, n, d, r, scale, variance.Heteroscedastic);
            var bad = new HashSet<int>(leverage.BadLeverageRows.Select(row => row - 1));
            double[] residualsForRule = r;
            double[] localForRule = local;
            if (logResiduals is not null)
            {
                // Gross errors of a skewed positive target are judged on the log scale, where its long tail is ordinary.
                residualsForRule = logResiduals;
                localForRule = [.. Enumerable.Repeat(logScale, n)];
            }

            for (int i = 0; i < n; i++)
            {
                if (!bad.Contains(i) && localForRule[i] > 0 && Math.Abs(residualsForRule[i]) / localForRule[i] > OutlierThreshold)
                {
                    outliers++;
                }
            }

            if (variance.Heteroscedastic && shape.Kind != TargetKind.PositiveSkewed)
            {
                // A scale mixture has heavy tails by itself: judge the tails of the residuals standardised by the local scale.
                (skewness, kurtosis, _) = AdviceMath.Moments([.. r.Select((v, i) => v / local[i])]);
            }

            outlierShare = (double)outliers / n;
            string where = shape.Kind == TargetKind.PositiveSkewed ? "on the log scale of the target" : variance.Heteroscedastic ? "against the local noise scale (the variance changes along the regressors)" : "from the robust fit";
            findings.Add(new Finding("outliers", outlierShare >= Advisor.HuberOutlierShare ? "outliers" : "clean",
                $"{AdviceMath.Percent(outlierShare)} of rows ({outliers}) are more than {AdviceMath.Number(OutlierThreshold)} robust SDs {where}{(bad.Count > 0 ? ", not counting the bad leverage points" : string.Empty)} ({robustName} fit, robust scale {AdviceMath.Number(scale)}, residual excess kurtosis {AdviceMath.Number(kurtosis)})"));
        }
        else if (!noiseFree)
        {
            findings.Add(new Finding("outliers", "not_assessed",
                $"gross errors are not assessed for {TargetShape.Code(shape.Kind).Replace('_', ' ')} targets: their zeros and long right tail are the shape of the target, not errors"));
        }

        // 6. Time order.
        TimeOrderResult time = TimeOrderCheck.Analyze(data.TimeColumn, r);
        if (time.TimeColumn is not null)
        {
            findings.Add(new Finding("time_order", "time_ordered",
                $"the rows are ordered in time by '{time.TimeColumn}': the verification trains on the past and tests on the future (forward-chaining folds; --folds shuffled to shuffle anyway), as shuffled folds would leak the future", Warning: true));
        }
        else if (time.Autocorrelated)
        {
            findings.Add(new Finding("time_order", "autocorrelated",
                $"residuals of neighbouring rows are correlated (Durbin–Watson {AdviceMath.Number(time.DurbinWatson)}, lag-1 autocorrelation {AdviceMath.Number(time.Autocorrelation)}, p = {P(time.PValue)}): if the rows are in time order, verify with --folds time", Warning: true));
        }

        AddSizeFinding(findings, n, data.Columns + 1);
        AddColumnFindings(findings, data);

        return new DataDiagnostics
        {
            Task = data.Task,
            Rows = n,
            Features = data.Columns,
            RobustScale = scale,
            ResidualMedian = centre,
            OutlierShare = outlierShare,
            OutlierCount = outliers,
            Skewness = skewness,
            ExcessKurtosis = kurtosis,
            Heteroscedasticity = new HeteroscedasticityTest(variance.BreuschPagan.Statistic / sample.Length, variance.BreuschPagan.Statistic, variance.BreuschPagan.PValue),
            NonNegativeTarget = shape.NonNegative,
            CountTarget = shape.Kind == TargetKind.Counts,
            TargetSkewness = shape.Skewness,
            TargetStandardDeviation = spread,
            TargetKind = shape.Kind,
            TargetKindReason = shape.Reason,
            ZeroShare = shape.ZeroShare,
            Dispersion = shape.Dispersion,
            DistinctTargets = shape.Distinct,
            RobustFit = robustName,
            MaxLeverage = leverage.MaxLeverage,
            LeverageCut = leverage.Cut,
            HighLeverageRows = [.. leverage.HighLeverageRows.Take(100)],
            HighLeverageCount = leverage.HighLeverageRows.Length,
            BadLeverageRows = noiseFree ? [] : [.. leverage.BadLeverageRows.Take(100)],
            InfluentialRows = [.. leverage.InfluentialRows.Take(100)],
            RobustResiduals = r,
            MaxCooksDistance = leverage.MaxCooks,
            MaxCooksRow = leverage.MaxCooksRow,
            WhiteTest = variance.White,
            VarianceRegressor = variance.Strongest,
            TimeColumn = time.TimeColumn,
            DurbinWatson = time.DurbinWatson,
            ResidualAutocorrelation = time.Autocorrelation,
            AutocorrelationPValue = time.PValue,
            RowsPerCoefficient = (double)n / (data.Columns + 1),
            ColumnNotes = data.Notes,
            Findings = findings,
        };
    }

    /// <summary>b₀ + Σⱼ bⱼ₊₁·x_ij for row i of row-major x with d columns (coefficients intercept first).</summary>
    private static double Linear(IReadOnlyList<double> beta, double[] x, int i, int d)
    {
        double f = beta[0];
        for (int j = 0; j < d; j++)
        {
            f += beta[j + 1] * x[(i * d) + j];
        }

        return f;
    }

    /// <summary>
    /// The feature columns a linear fit can use, by Gram–Schmidt on the centred columns: a column whose spread is 0, or
    /// whose part orthogonal to the columns kept before it is below 1e-5 of its norm (float32 data carry about 7 digits), is left out (constant, duplicated,
    /// or an exact linear combination). Returns the kept columns row-major with their names, and the names left out.
    /// </summary>
    private static (double[] X, int Columns, string[] Names, string[] Left) IndependentColumns(Dataset data)
    {
        int n = data.Rows, d = data.Columns;
        var basis = new List<double[]>();
        var kept = new List<int>();
        var left = new List<string>();
        for (int j = 0; j < d; j++)
        {
            double[] v = new double[n];
            double mean = 0;
            for (int i = 0; i < n; i++)
            {
                v[i] = data.Features[(i * d) + j];
                mean += v[i];
            }

            mean /= n;
            double norm0 = 0;
            for (int i = 0; i < n; i++)
            {
                v[i] -= mean;
                norm0 += v[i] * v[i];
            }

            norm0 = Math.Sqrt(norm0);
            if (!(norm0 > 1e-12 * (1 + Math.Abs(mean)) * Math.Sqrt(n)))
            {
                left.Add(data.FeatureNames[j]);
                continue;
            }

            for (int pass = 0; pass < 2; pass++)
            {
                foreach (double[] q in basis)
                {
                    double dot = 0;
                    for (int i = 0; i < n; i++)
                    {
                        dot += q[i] * v[i];
                    }

                    for (int i = 0; i < n; i++)
                    {
                        v[i] -= dot * q[i];
                    }
                }
            }

            double norm = Math.Sqrt(v.Sum(t => t * t));
            if (!(norm > 1e-5 * norm0))
            {
                left.Add(data.FeatureNames[j]);
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                v[i] /= norm;
            }

            basis.Add(v);
            kept.Add(j);
        }

        if (kept.Count == d)
        {
            return ([.. data.Features.Select(t => (double)t)], d, [.. data.FeatureNames], []);
        }

        double[] x = new double[n * kept.Count];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < kept.Count; k++)
            {
                x[(i * kept.Count) + k] = data.Features[(i * d) + kept[k]];
            }
        }

        return (x, kept.Count, [.. kept.Select(j => data.FeatureNames[j])], [.. left]);
    }

    /// <summary>
    /// How far bad leverage points pull a Huber fit: the mean over rows of |ŷ_Huber − ŷ_MM| / s, with both fits on the
    /// same rows. Above <see cref="HarmfulPull"/> robust SDs the high-breakdown fit is recommended.
    /// </summary>
    private static double HuberPull(double[] x, int n, int d, double[] y, double[] mm, double scale)
    {
        int[] rows = Sample(n, RobustFitRows, 11);
        double[] xs = Rows(x, d, rows);
        double[] ys = [.. rows.Select(i => y[i])];
        double[] huber;
        try
        {
            huber = [.. Irls.Fit(xs, rows.Length, d, ys, intercept: true, RobustNorm.Huber(HuberTuning)).Coefficients];
        }
        catch (ArgumentException)
        {
            return 0;
        }

        double sum = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            double delta = huber[0] - mm[0];
            for (int j = 0; j < d; j++)
            {
                delta += (huber[j + 1] - mm[j + 1]) * xs[(i * d) + j];
            }

            sum += Math.Abs(delta);
        }

        return sum / rows.Length / scale;
    }

    /// <summary>The mean pull, in robust SDs, from which bad leverage points count as harmful.</summary>
    public const double HarmfulPull = 0.5;

    /// <summary>
    /// The MM fit (intercept first) and its scale on at most <see cref="RobustFitRows"/> rows; Huber IRLS when the MM fit
    /// cannot be computed (too few rows for its subsamples, or every subsample singular).
    /// </summary>
    private static (double[] Beta, double Scale, string Name) RobustFitOf(double[] x, int n, int d, double[] y, List<Finding> findings)
    {
        int[] rows = Sample(n, RobustFitRows, 11);
        double[] xs = Rows(x, d, rows);
        double[] ys = [.. rows.Select(i => y[i])];
        try
        {
            if (rows.Length > 2 * (d + 1))
            {
                MmFit mm = MmEstimator.Fit(xs, rows.Length, d, ys, intercept: true, new MmOptions { Seed = 1 });
                return ([.. mm.Coefficients], mm.Scale, "mm");
            }
        }
        catch (ArgumentException)
        {
            // falls through to Huber
        }

        try
        {
            RobustFit huber = Irls.Fit(xs, rows.Length, d, ys, intercept: true, RobustNorm.Huber(HuberTuning));
            double[] beta = [.. huber.Coefficients];
            double[] res = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                res[i] = ys[i] - Linear(beta, xs, i, d);
            }

            findings.Add(new Finding("outliers", "huber_fallback", $"too few rows for a high-breakdown fit with {d + 1} coefficients: residuals from a Huber fit, which bad leverage points can still pull"));
            double centre = AdviceMath.Median(res);
            double s = Irls.MadScale([.. res.Select(v => v - centre)]);
            return (beta, s, "huber");
        }
        catch (RankDeficientException ex)
        {
            throw new DataException($"the features are linearly dependent ({ex.Message.Split(" (Parameter", 2)[0]}); drop duplicated or constant columns");
        }
    }

    /// <summary>
    /// The noise scale at each row: the robust scale s, or with unequal variance the least-squares fit of |r| on the
    /// regressors divided by √(2/π) (the mean of |N(0, σ²)| is σ√(2/π)), floored at s/5.
    /// </summary>
    private static double[] LocalScale(double[] x, int n, int d, double[] r, double scale, bool heteroscedastic)
    {
        if (!heteroscedastic)
        {
            return [.. Enumerable.Repeat(scale, n)];
        }

        try
        {
            LeastSquaresFit fit = LeastSquares.Solve(x, n, d, [.. r.Select(Math.Abs)], intercept: true);
            double[] local = new double[n];
            for (int i = 0; i < n; i++)
            {
                local[i] = Math.Max(Linear(fit.Coefficients, x, i, d) / Math.Sqrt(2 / Math.PI), scale / 5);
            }

            return local;
        }
        catch (RankDeficientException)
        {
            return [.. Enumerable.Repeat(scale, n)];
        }
    }

    private static void AddSizeFinding(List<Finding> findings, int n, int coefficients)
    {
        double perCoefficient = (double)n / coefficients;
        if (perCoefficient < MinimumRowsPerCoefficient)
        {
            findings.Add(new Finding("size", "small",
                $"{n} rows for {coefficients} coefficients ({AdviceMath.Number(perCoefficient)} rows per coefficient, fewer than {MinimumRowsPerCoefficient}): estimates are noisy and the verification compares fewer candidates; expect an inconclusive verdict",
                Warning: true));
        }
    }

    private static void AddColumnFindings(List<Finding> findings, Dataset data)
    {
        foreach (string note in data.Notes)
        {
            string code = note.Contains("missing values", StringComparison.Ordinal) ? "missing_rows_dropped"
                : note.Contains("dropped as a feature", StringComparison.Ordinal) || note.Contains("dropped instead", StringComparison.Ordinal) ? "identifier_dropped"
                : note.Contains("read as binary", StringComparison.Ordinal) ? "two_valued_target"
                : note.Contains("not in date order", StringComparison.Ordinal) ? "unsorted_dates"
                : "column_role";
            findings.Add(new Finding("columns", code, note, Warning: code == "unsorted_dates"));
        }
    }

    /// <summary>Rows per coefficient below which a data set counts as small (a common rule of thumb, e.g. Harrell's 10–20).</summary>
    public const int MinimumRowsPerCoefficient = 10;

    private static int[] Sample(int n, int max, int seed)
    {
        if (n <= max)
        {
            return [.. Enumerable.Range(0, n)];
        }

        int[] order = [.. Enumerable.Range(0, n)];
        new Random(seed).Shuffle(order);
        return [.. order[..max].Order()];
    }

    /// <summary>The first <paramref name="keep"/> of d columns of row-major x.</summary>
    private static double[] Rows(double[] x, int d, int keep)
    {
        int n = x.Length / d;
        double[] result = new double[n * keep];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(x, i * d, result, i * keep, keep);
        }

        return result;
    }

    private static double[] Rows(double[] x, int d, int[] rows)
    {
        double[] result = new double[rows.Length * d];
        for (int i = 0; i < rows.Length; i++)
        {
            Array.Copy(x, rows[i] * d, result, i * d, d);
        }

        return result;
    }

    private static string Rows(int[] rows, Dataset data)
    {
        string List(IEnumerable<int> values) => rows.Length <= 12 ? string.Join(", ", values) : string.Join(", ", values.Take(12)) + $", … ({rows.Length} in all)";
        IReadOnlyList<int>? lines = data.SourceLines;
        return lines is null || lines.Count != data.Rows || rows.All(r => lines[r - 1] == r + 1)
            ? List(rows) + (lines is null ? string.Empty : " (file line = row + 1)")
            : $"{List(rows)} (file lines {List(rows.Select(r => lines[r - 1]))})";
    }

    private static string P(double p) => Verification.Judgement.P(p);

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

        var findings = new List<Finding>();
        double share = (double)count[minority] / n;
        findings.Add(new Finding("class_balance", share <= Advisor.ImbalancedMinorityShare ? "imbalanced" : "balanced",
            $"{classes} classes; the smallest ({(minority < data.ClassNames.Count ? $"'{data.ClassNames[minority]}'" : minority.ToString(System.Globalization.CultureInfo.InvariantCulture))}) has {count[minority]} of {n} rows ({AdviceMath.Percent(share)}), imbalance ratio {AdviceMath.Number((double)largest / count[minority])}"));
        int coefficients = (data.Columns + 1) * Math.Max(1, classes - 1);
        AddSizeFinding(findings, n, coefficients);
        AddColumnFindings(findings, data);
        return new DataDiagnostics
        {
            Task = data.Task,
            Rows = n,
            Features = data.Columns,
            RowsPerCoefficient = (double)n / coefficients,
            ColumnNotes = data.Notes,
            Findings = findings,
            ClassCounts = count,
            MinorityClass = minority,
            MinorityShare = (double)count[minority] / n,
            ImbalanceRatio = (double)largest / count[minority],
            EmptyClasses = count.Count(c => c == 0),
        };
    }
}
