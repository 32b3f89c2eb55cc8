using System.Globalization;

namespace LossLab.Solvers;

/// <summary>
/// Robust linear regression: M-estimates (Huber, Tukey) by iteratively reweighted least squares with the scale
/// re-estimated every iteration by the normalised MAD — statsmodels <c>RLM(y, X, M).fit()</c> and <c>MASS::rlm</c>
/// semantics — and L1 / quantile regression solved exactly.
/// </summary>
/// <remarks>
/// <para>
/// <b>M-estimates</b> (<see cref="HuberNorm"/>, <see cref="TukeyNorm"/>), following statsmodels 0.13
/// <c>RLM.fit(maxiter, tol=1e-8, scale_est='mad', conv='dev', update_scale=True)</c> step by step:
/// </para>
/// <list type="number">
/// <item>β⁽¹⁾ = OLS (<see cref="LeastSquares"/>), r = y − Xβ⁽¹⁾, s = <see cref="MadScale"/>(r) = median|rᵢ| / Φ⁻¹(3/4).
/// statsmodels' RLM calls <c>scale.mad(resid, center=0)</c>: the MAD is taken about 0, not about median(r).</item>
/// <item>Repeat: wᵢ = w(rᵢ/s) = ψ(rᵢ/s)/(rᵢ/s); β⁽ᵏ⁺¹⁾ = argmin Σᵢ wᵢ(yᵢ − xᵢᵀβ)² (QR on √w-scaled rows); r = y − Xβ⁽ᵏ⁺¹⁾;
/// s = MAD(r) (the scale used by the next weights, and the one reported).</item>
/// <item>Stop when the <see cref="IrlsOptions.Convergence"/> test passes or after <see cref="IrlsOptions.MaxIterations"/>
/// least-squares solves (the OLS fit counts as the first), or when s = 0 up to rounding (s ≤ 1000ε·maxᵢ(|yᵢ| +
/// Σ_j |x_ij β_j|): at least half of the residuals vanish; statsmodels warns and stops at s = 0 too). The scale is then
/// reported as 0, and <see cref="RobustFit.Converged"/> is true only if every residual vanishes (a perfect fit, which
/// every M-estimate shares); otherwise the M-estimate with MAD scale is undefined and it is false.</item>
/// </list>
/// <para>
/// With n = p the OLS fit interpolates the data; it is returned as is (scale 0, weights 1, converged).
/// </para>
/// <para>
/// <b>L1 and quantile regression</b> (<see cref="L1Norm"/>, <see cref="QuantileNorm"/>) minimise Σᵢ ρ_τ(yᵢ − xᵢᵀβ)
/// (τ = ½ for L1, whose objective is reported as Σ|rᵢ|). IRLS with weights 1/|rᵢ| only approaches that minimum, so it
/// serves as a warm start (OLS, then at most 10 reweightings by ψ_τ(rᵢ)/max(|rᵢ|, 10⁻⁶s)), after which an exact
/// descent over bases finishes: a solution interpolates p observations h (X_h β = y_h); from such a vertex each of
/// the 2p edge directions ±X_h⁻¹e_j (free one interpolated point, keep the other p − 1) has the directional derivative
/// Σ_{rᵢ≠0} −aᵢψ_τ(rᵢ) + Σ_{rᵢ=0} ρ_τ(−aᵢ), aᵢ = xᵢᵀd; the steepest negative edge is followed to the minimum of the
/// piecewise-linear objective along it (a weighted-median step past as many vertices as pay, as in Barrodale–Roberts),
/// and the observation reached enters the basis. The objective falls strictly at every exchange, so the method ends,
/// at a vertex where no edge descends — the optimum (at a degenerate vertex, where more than p residuals vanish, every
/// basis among the zero-residual observations is checked before declaring so). The answer is exact to rounding
/// (the solution of a p×p system), not an IRLS approximation; when the minimiser is not unique one optimal vertex is
/// returned.
/// </para>
/// </remarks>
public static class Irls
{
    /// <summary>Φ⁻¹(3/4), the MAD's consistency constant at the normal distribution.</summary>
    public const double NormalMadConstant = 0.6744897501960817;

    private const int WarmStartReweightings = 10;

    /// <summary>Fits a robust linear regression y ≈ β₀ + Σ_j β_j x_ij under <paramref name="norm"/>.</summary>
    /// <param name="x">The n×d feature matrix (rows are observations; finite).</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="intercept">Whether to prepend the all-ones column (coefficient 0 is then the intercept).</param>
    /// <param name="norm">The criterion: <see cref="RobustNorm.Huber"/>, <see cref="RobustNorm.Tukey"/>,
    /// <see cref="RobustNorm.L1"/> or <see cref="RobustNorm.Quantile"/>.</param>
    /// <param name="options">Tolerance, iteration cap and convergence test; null for <see cref="IrlsOptions.Default"/>.</param>
    /// <returns>The coefficients (intercept first), residuals, scale, weights, iterations and convergence flag.</returns>
    /// <exception cref="RankDeficientException">n &lt; p, or X (or a reweighted X) is rank deficient.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, or an entry is NaN or infinite.</exception>
    public static RobustFit Fit(double[,] x, double[] y, bool intercept, RobustNorm norm, IrlsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(norm);
        return Fit(Design.From(x, y, intercept), y, norm, options ?? IrlsOptions.Default);
    }

    /// <summary>
    /// Fits a robust linear regression y ≈ β₀ + Σ_j β_j x_ij under <paramref name="norm"/>, X flat and row-major:
    /// x_ij = <paramref name="x"/>[i·d + j].
    /// </summary>
    /// <param name="x">The n·d feature values, row-major.</param>
    /// <param name="rows">n, the number of observations (≥ 1).</param>
    /// <param name="columns">d, the number of features (≥ 0).</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="intercept">Whether to prepend the all-ones column (coefficient 0 is then the intercept).</param>
    /// <param name="norm">The criterion.</param>
    /// <param name="options">Tolerance, iteration cap and convergence test; null for <see cref="IrlsOptions.Default"/>.</param>
    /// <returns>The coefficients (intercept first), residuals, scale, weights, iterations and convergence flag.</returns>
    /// <exception cref="RankDeficientException">n &lt; p, or X (or a reweighted X) is rank deficient.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, or an entry is NaN or infinite.</exception>
    public static RobustFit Fit(double[] x, int rows, int columns, double[] y, bool intercept, RobustNorm norm, IrlsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(norm);
        return Fit(Design.From(x, rows, columns, y, intercept), y, norm, options ?? IrlsOptions.Default);
    }

    /// <summary>
    /// The normalised median absolute deviation about 0: s = median(|r₁|, …, |r_n|) / Φ⁻¹(3/4) (the median of an even
    /// count averages the two middle values) — statsmodels' <c>robust.scale.mad(r, center=0)</c> as RLM uses it, and a
    /// consistent estimate of σ for N(0, σ²) residuals.
    /// </summary>
    /// <param name="residuals">The residuals (at least one).</param>
    /// <returns>s ≥ 0.</returns>
    public static double MadScale(ReadOnlySpan<double> residuals)
    {
        if (residuals.IsEmpty)
        {
            throw new ArgumentException("the MAD of no residuals is undefined", nameof(residuals));
        }

        var a = new double[residuals.Length];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = Math.Abs(residuals[i]);
        }

        Array.Sort(a);
        int m = a.Length / 2;
        double median = a.Length % 2 == 1 ? a[m] : 0.5 * (a[m - 1] + a[m]);
        return median / NormalMadConstant;
    }

    private static RobustFit Fit(Design design, double[] y, RobustNorm norm, IrlsOptions options)
        => norm.IsPiecewiseLinear ? FitPiecewiseLinear(design, y, norm) : FitM(design, y, norm, options);

    private static RobustFit FitM(Design design, double[] y, RobustNorm norm, IrlsOptions options)
    {
        int n = design.Rows;
        int p = design.Columns;
        double[] beta = LeastSquares.SolveDesign(design, y);
        double[] r = design.Residuals(y, beta);
        var weights = new double[n];
        Array.Fill(weights, 1.0);
        int iterations = 1;
        if (n == p)
        {
            return Result(norm, design, beta, r, 0, weights, iterations, true);
        }

        double scale = MadScale(r);
        double criterionPrev = Deviance(norm, r, weights, p);
        bool converged = false;
        while (iterations < options.MaxIterations)
        {
            double negligible = Negligible(design, y, beta);
            if (scale <= negligible)
            {
                // statsmodels stops (with a warning) when the scale is 0; here also when it is 0 up to rounding
                scale = 0;
                converged = r.All(v => Math.Abs(v) <= negligible);
                break;
            }

            for (int i = 0; i < n; i++)
            {
                weights[i] = norm.Weight(r[i] / scale);
            }

            string context = string.Create(CultureInfo.InvariantCulture, $"the weighted design of IRLS solve {iterations + 1} ({norm})");
            double[] next = LeastSquares.SolveWeighted(design, y, weights, context);
            r = design.Residuals(y, next);
            scale = MadScale(r);
            iterations++;
            if (options.Convergence == IrlsConvergence.Deviance)
            {
                double deviance = Deviance(norm, r, weights, p);
                converged = Math.Abs(deviance - criterionPrev) <= options.Tolerance;
                criterionPrev = deviance;
            }
            else
            {
                converged = true;
                for (int j = 0; j < p; j++)
                {
                    converged &= Math.Abs(next[j] - beta[j]) <= options.Tolerance;
                }
            }

            beta = next;
            if (converged)
            {
                break;
            }
        }

        return Result(norm, design, beta, r, scale, weights, iterations, converged);
    }

    /// <summary>Rounding level of the residuals: 1000ε·maxᵢ(|yᵢ| + Σ_j |x_ij β_j|).</summary>
    private static double Negligible(Design design, double[] y, double[] beta)
    {
        double m = 0;
        for (int i = 0; i < design.Rows; i++)
        {
            m = Math.Max(m, design.RowMagnitude(i, y[i], beta));
        }

        return 1000 * Math.ScaleB(1.0, -52) * m;
    }

    /// <summary>statsmodels' RLM deviance: Σᵢ ρ(rᵢ/σ²) with σ² = Σᵢ wᵢrᵢ²/(n − p) of the weighted solve.</summary>
    private static double Deviance(RobustNorm norm, double[] r, double[] weights, int p)
    {
        double ss = 0;
        for (int i = 0; i < r.Length; i++)
        {
            ss += weights[i] * r[i] * r[i];
        }

        double variance = ss / (r.Length - p);
        if (variance == 0)
        {
            return 0;
        }

        double sum = 0;
        foreach (double ri in r)
        {
            sum += norm.Rho(ri / variance);
        }

        return sum;
    }

    private static RobustFit Result(RobustNorm norm, Design design, double[] beta, double[] r, double scale, double[] weights, int iterations, bool converged)
    {
        double objective = 0;
        foreach (double ri in r)
        {
            objective += scale > 0 ? norm.Rho(ri / scale) : 0;
        }

        return new RobustFit(norm, design.Intercept, beta, r, scale, weights, iterations, converged, objective, []);
    }

    private static RobustFit FitPiecewiseLinear(Design design, double[] y, RobustNorm norm)
    {
        double tau = norm is QuantileNorm q ? q.Tau : 0.5;
        int n = design.Rows;
        double[] beta = LeastSquares.SolveDesign(design, y);
        int iterations = 1;
        double[] r = design.Residuals(y, beta);
        double s0 = MadScale(r);
        double floor = 1e-6 * (s0 > 0 ? s0 : 1.0);
        var w = new double[n];
        for (int k = 0; k < WarmStartReweightings; k++)
        {
            for (int i = 0; i < n; i++)
            {
                w[i] = (r[i] >= 0 ? tau : 1 - tau) / Math.Max(Math.Abs(r[i]), floor);
            }

            double[] next;
            try
            {
                next = LeastSquares.SolveWeighted(design, y, w, "the warm-start reweighting");
            }
            catch (RankDeficientException)
            {
                break; // the warm start is only a starting point; the exact phase does not need it
            }

            iterations++;
            double change = 0;
            double size = 0;
            for (int j = 0; j < next.Length; j++)
            {
                change = Math.Max(change, Math.Abs(next[j] - beta[j]));
                size = Math.Max(size, Math.Abs(next[j]));
            }

            beta = next;
            r = design.Residuals(y, beta);
            if (change <= 1e-6 * (1 + size))
            {
                break;
            }
        }

        QuantileSimplex.Result exact = QuantileSimplex.Solve(design, y, tau, r);
        double[] residuals = design.Residuals(y, exact.Beta);
        double scale = MadScale(residuals);
        var weights = new double[n];
        double objective = 0;
        for (int i = 0; i < n; i++)
        {
            weights[i] = norm.Weight(scale > 0 ? residuals[i] / scale : residuals[i]);
            objective += norm.Rho(residuals[i]);
        }

        return new RobustFit(norm, design.Intercept, exact.Beta, residuals, scale, weights, iterations + exact.Exchanges, exact.Optimal, objective, exact.Basis);
    }
}
