using System.Globalization;

namespace LossLab.Solvers;

/// <summary>
/// High-breakdown, highly efficient robust linear regression: the MM-estimate of Yohai (1987) as R's
/// <c>robustbase::lmrob</c> computes it by default (<c>method = "MM"</c>, <c>psi = "bisquare"</c>), started from an
/// S-estimate found by FAST-S (Salibian-Barrera &amp; Yohai 2006).
/// </summary>
/// <remarks>
/// <para>
/// <b>S-estimate.</b> With ρ_c(z) = 1 − (1 − (z/c)²)³ for |z| ≤ c and 1 beyond (the bisquare normalised to sup ρ = 1,
/// c = 1.54764), the M-scale of residuals r is the s &gt; 0 with
/// (1/(n − p))·Σᵢ ρ_c(rᵢ/s) = b, b = 0.5 — robustbase divides by n − p, not n (its C function <c>sum_rho_sc</c>), and
/// so does <see cref="MScale"/>. The S-estimate minimises that scale over β; its breakdown point is 50%.
/// </para>
/// <para>
/// <b>FAST-S</b>, step by step as robustbase's <c>fast_s</c>: draw an elemental subsample of p distinct rows with a
/// seeded <see cref="System.Random"/> (a singular one — pivoted-QR |R_kk| ≤ solve.tol·|R_00| on the equilibrated p×p
/// matrix — is skipped and another drawn in its place, up to <see cref="MmOptions.MaxSubsampleTries"/> in a row) and
/// solve it exactly; apply k.fast.s = 1 refinement step, where a step is s ← s·√((1/(n − p))Σρ_c(rᵢ/s)/b) (one
/// fixed-point step of the scale, from s = 1.4826·median|rᵢ| at the start) followed by weighted least squares with
/// wᵢ = (1 − (rᵢ/(cs))²)² (0 beyond); keep the <see cref="MmOptions.BestCandidates"/> = 2 refined candidates of smallest
/// M-scale (a candidate is scored only when (1/(n − p))Σρ_c(rᵢ/s_worst) &lt; b shows it beats the worst kept one); after
/// all <see cref="MmOptions.Resamples"/> = 500 subsamples refine each kept candidate until
/// ‖β_new − β_old‖₂ ≤ 10⁻⁷·max(10⁻⁷, ‖β_old‖₂) (at most 200 steps) and return the one of smallest M-scale. The reported
/// S-scale is the M-scale of the chosen β's residuals solved to 10⁻¹⁰ relative (robustbase reports the last
/// fixed-point iterate of the refinement instead; the two differ by about the refinement tolerance).
/// </para>
/// <para>
/// <b>M-step</b> (robustbase's <c>rwls</c>): with s fixed at the S-scale and ψ_k(z) = z(1 − (z/k)²)² (|z| ≤ k; 0
/// beyond), k = 4.685061 (95% efficiency at the normal), iterate wᵢ = ψ_k(rᵢ/s)/(rᵢ/s),
/// β_new = argmin Σᵢ wᵢ(yᵢ − xᵢᵀβ)², from the S coefficients until ‖β_new − β_old‖₁ ≤ 10⁻⁷·max(10⁻⁷, ‖β_new‖₁)
/// (at most max.it − 1 = 49 solves). Every least-squares problem is solved by Householder QR with column pivoting on
/// √w-scaled rows (<see cref="LeastSquares"/>), never by the normal equations.
/// </para>
/// <para>
/// <b>Where this differs from lmrob.</b> The subsamples come from .NET's seeded generator, not R's, so a fit agrees with
/// lmrob's when both reach the same minimum of the S-scale (to about the 10⁻⁷ tolerances); lmrob's default
/// "nonsingular" subsampling builds nonsingular subsets by an LU search, while here singular draws are skipped
/// (lmrob's "simple"); lmrob switches to a grouped variant of FAST-S above 2000 rows, while here the same algorithm runs
/// at every size (O(nResample·np²) work); a refinement whose weighted design loses rank (fewer than p rows with
/// positive weight) ends where it is instead of raising lmrob's DGELS error.
/// </para>
/// <para>
/// <b>Local minima.</b> FAST-S searches a non-convex objective from random starts, so a seed can end at a local minimum
/// of the S-scale, as lmrob's can: on the Hawkins–Bradu–Kass data 13 of R's seeds 1..100 stop at S-scale 0.79636
/// instead of 0.78917, and 6 of this generator's seeds 0..99 do; with k.fast.s = 2 (<see cref="MmOptions.FastSteps"/>),
/// 2000 resamples or best.r.s = 5 neither does. Raise those when the answer must not depend on the seed.
/// </para>
/// <para>
/// <b>Exact fits.</b> When more than (n + p)/2 rows have |rᵢ| ≤ 10⁻¹⁰·(|yᵢ| + Σ_j |x_ij β_j|) at a candidate (robustbase
/// tests |rᵢ| &lt; 10⁻¹⁰ absolutely), the S-scale is 0 and the M-step undefined: that fit is returned with
/// <see cref="MmFit.ExactFit"/> set, scale 0, weights 1 on the fitted rows and 0 elsewhere.
/// </para>
/// <para>
/// Deterministic: one seeded generator, sequential arithmetic in a fixed order, so a seed gives bit-identical results
/// on any machine and thread.
/// </para>
/// </remarks>
public static class MmEstimator
{
    /// <summary>lmrob's tuning.chi for the bisquare: c = 1.54764 (with b = 0.5: 50% breakdown, consistent at the normal).</summary>
    public const double DefaultSC = 1.54764;

    /// <summary>lmrob's bb: b = 0.5.</summary>
    public const double DefaultB = 0.5;

    /// <summary>lmrob's tuning.psi for the bisquare: k = 4.685061 (95% efficiency at the normal).</summary>
    public const double DefaultPsiC = 4.685061;

    /// <summary>R's MAD constant 1.4826 (≈ 1/Φ⁻¹(3/4)), used for the starting scale of a refinement.</summary>
    private const double MadConstant = 1.4826;

    /// <summary>The relative size below which a residual counts as exactly zero for the exact-fit test.</summary>
    private const double ZeroResidual = 1e-10;

    /// <summary>Fits the MM-regression y ≈ β₀ + Σ_j β_j x_ij (lmrob's default MM-estimate).</summary>
    /// <param name="x">The n×d feature matrix (rows are observations; finite).</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="intercept">Whether to prepend the all-ones column (coefficient 0 is then the intercept).</param>
    /// <param name="options">Seed, resampling and tolerances; null for <see cref="MmOptions.Default"/> (lmrob's).</param>
    /// <returns>The MM coefficients (intercept first), the S-scale, weights, residuals and the S-estimate.</returns>
    /// <exception cref="RankDeficientException">n ≤ p, the design is rank deficient, every subsample drawn was
    /// singular, or the M-step's weighted design lost rank.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, or an entry is NaN or infinite.</exception>
    public static MmFit Fit(double[,] x, double[] y, bool intercept, MmOptions? options = null)
        => Fit(Design.From(x, y, intercept), y, options ?? MmOptions.Default);

    /// <summary>
    /// Fits the MM-regression y ≈ β₀ + Σ_j β_j x_ij (lmrob's default MM-estimate), X flat and row-major:
    /// x_ij = <paramref name="x"/>[i·d + j].
    /// </summary>
    /// <param name="x">The n·d feature values, row-major.</param>
    /// <param name="rows">n, the number of observations (&gt; p).</param>
    /// <param name="columns">d, the number of features (≥ 0).</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="intercept">Whether to prepend the all-ones column (coefficient 0 is then the intercept).</param>
    /// <param name="options">Seed, resampling and tolerances; null for <see cref="MmOptions.Default"/> (lmrob's).</param>
    /// <returns>The MM coefficients (intercept first), the S-scale, weights, residuals and the S-estimate.</returns>
    /// <exception cref="RankDeficientException">n ≤ p, the design is rank deficient, every subsample drawn was
    /// singular, or the M-step's weighted design lost rank.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, or an entry is NaN or infinite.</exception>
    public static MmFit Fit(double[] x, int rows, int columns, double[] y, bool intercept, MmOptions? options = null)
        => Fit(Design.From(x, rows, columns, y, intercept), y, options ?? MmOptions.Default);

    /// <summary>
    /// The M-scale of residuals: the s &gt; 0 solving (1/(n − p))·Σᵢ ρ_c(rᵢ/s) = b, ρ_c(z) = 1 − (1 − (z/c)²)³ for
    /// |z| ≤ c and 1 beyond, by robustbase's fixed-point iteration s ← s·√((1/(n − p))Σρ_c(rᵢ/s)/b) from
    /// s = 1.4826·median|rᵢ| until |Δs| ≤ 10⁻¹⁰·s (at most 200 steps).
    /// </summary>
    /// <param name="residuals">The n residuals (finite).</param>
    /// <param name="coefficients">p, the number of fitted coefficients (0 ≤ p &lt; n).</param>
    /// <param name="c">The bisquare constant c &gt; 0 (default 1.54764).</param>
    /// <param name="b">The right-hand side b ∈ (0, 1) (default 0.5).</param>
    /// <returns>s ≥ 0; 0 when every residual is 0. When more than n − (n − p)·b residuals vanish the equation has no
    /// positive root and the iteration drives s towards 0.</returns>
    /// <exception cref="ArgumentException">n ≤ p, or a residual is not finite.</exception>
    public static double MScale(ReadOnlySpan<double> residuals, int coefficients, double c = DefaultSC, double b = DefaultB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(coefficients);
        if (residuals.Length <= coefficients)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"the M-scale needs more residuals than coefficients: n = {residuals.Length}, p = {coefficients}"),
                nameof(residuals));
        }

        foreach (double r in residuals)
        {
            if (!double.IsFinite(r))
            {
                throw new ArgumentException("every residual must be finite", nameof(residuals));
            }
        }

        var options = new MmOptions { SC = c, B = b };
        double start = StartScale(residuals);
        return start == 0 ? 0 : SolveScale(residuals, coefficients, start, options);
    }

    private static MmFit Fit(Design design, double[] y, MmOptions options)
    {
        int n = design.Rows;
        int p = design.Columns;
        design.RequireEnoughRows();
        if (n == p)
        {
            throw new RankDeficientException(
                string.Create(CultureInfo.InvariantCulture, $"MM-regression needs more observations than coefficients (n > p) to estimate a scale: {n} rows, {p} coefficients; add observations or drop columns"),
                p,
                p,
                []);
        }

        new PivotedQr(design.Values, n, p, null).RequireFullRank(design.ColumnName, "the design matrix");
        SEstimate s = FastS(design, y, options);
        if (s.Scale == 0)
        {
            double[] r0 = design.Residuals(y, s.Beta);
            var w0 = new double[n];
            for (int i = 0; i < n; i++)
            {
                w0[i] = IsZero(design, y, s.Beta, r0, i) ? 1 : 0;
            }

            return new MmFit(design.Intercept, s.Beta, r0, 0, w0, 0, true, (double[])s.Beta.Clone(), true, true);
        }

        // the M-step: IRWLS with the scale fixed (robustbase's rwls)
        var psi = RobustNorm.Tukey(options.PsiC);
        double[] beta = (double[])s.Beta.Clone();
        double[] r = design.Residuals(y, beta);
        var weights = new double[n];
        int iterations = 0;
        bool converged = false;
        while (!converged && ++iterations < options.MaxIterations)
        {
            for (int i = 0; i < n; i++)
            {
                weights[i] = psi.Weight(r[i] / s.Scale);
            }

            string context = string.Create(CultureInfo.InvariantCulture, $"the weighted design of MM iteration {iterations} (fewer than p rows keep a positive bisquare weight)");
            double[] next = LeastSquares.SolveWeighted(design, y, weights, context);
            r = design.Residuals(y, next);
            double change = 0;
            double size = 0;
            for (int j = 0; j < p; j++)
            {
                change += Math.Abs(next[j] - beta[j]);
                size += Math.Abs(next[j]);
            }

            converged = change <= options.RelativeTolerance * Math.Max(options.RelativeTolerance, size);
            beta = next;
        }

        for (int i = 0; i < n; i++)
        {
            weights[i] = psi.Weight(r[i] / s.Scale);
        }

        return new MmFit(design.Intercept, beta, r, s.Scale, weights, iterations, converged, s.Beta, s.Converged, false);
    }

    private static SEstimate FastS(Design design, double[] y, MmOptions options)
    {
        int n = design.Rows;
        int p = design.Columns;
        int keep = options.BestCandidates;
        var random = new Random(options.Seed);
        int[] index = Enumerable.Range(0, n).ToArray();
        var bestScales = new double[keep];
        Array.Fill(bestScales, double.PositiveInfinity);
        var bestBetas = new double[keep][];
        double worst = double.PositiveInfinity;

        for (int k = 0; k < options.Resamples; k++)
        {
            double[] candidate = ElementalFit(design, y, index, random, options);
            Refinement refined = Refine(design, y, candidate, -1, options.FastSteps, false, options);
            if (refined.ExactFit)
            {
                return new SEstimate(refined.Beta, 0, true);
            }

            if (MeanRho(refined.Residuals, worst, p, options.SC) < options.B)
            {
                double scale = SolveScale(refined.Residuals, p, refined.Scale, options);
                int w = ArgMax(bestScales);
                bestScales[w] = scale;
                bestBetas[w] = refined.Beta;
                worst = bestScales[ArgMax(bestScales)];
            }
        }

        double[]? best = null;
        double bestScale = double.PositiveInfinity;
        bool converged = true;
        for (int i = 0; i < keep; i++)
        {
            if (bestBetas[i] is not { } start)
            {
                continue;
            }

            Refinement refined = Refine(design, y, start, bestScales[i], options.MaxRefinementSteps, true, options);
            if (refined.ExactFit)
            {
                return new SEstimate(refined.Beta, 0, true);
            }

            converged &= refined.Converged;
            double scale = SolveScale(refined.Residuals, p, refined.Scale, options);
            if (scale < bestScale)
            {
                bestScale = scale;
                best = refined.Beta;
            }
        }

        // every candidate scores below +∞, so at least one was kept
        return new SEstimate(best!, bestScale, converged);
    }

    /// <summary>The exact fit of p distinct random rows (partial Fisher–Yates on <paramref name="index"/>), redrawn while singular.</summary>
    private static double[] ElementalFit(Design design, double[] y, int[] index, Random random, MmOptions options)
    {
        int n = design.Rows;
        int p = design.Columns;
        var a = new double[p * p];
        var rhs = new double[p];
        for (int attempt = 0; attempt < options.MaxSubsampleTries; attempt++)
        {
            for (int t = 0; t < p; t++)
            {
                int j = t + random.Next(n - t);
                (index[t], index[j]) = (index[j], index[t]);
            }

            for (int t = 0; t < p; t++)
            {
                int row = index[t];
                rhs[t] = y[row];
                for (int j = 0; j < p; j++)
                {
                    a[(j * p) + t] = design[row, j];
                }
            }

            var qr = new PivotedQr(a, p, p, options.SolveTolerance);
            if (qr.Rank == p)
            {
                return qr.Solve(rhs);
            }
        }

        throw new RankDeficientException(
            string.Create(CultureInfo.InvariantCulture, $"MM-regression: {options.MaxSubsampleTries} random subsamples of {p} rows in a row were singular, so FAST-S found no starting fit; a column that is nonzero (or non-constant) in only a few rows makes almost every subsample singular — drop or recode such columns"),
            -1,
            p,
            []);
    }

    /// <summary>
    /// robustbase's <c>refine_fast_s</c>: up to <paramref name="steps"/> IRWLS steps of the S-estimate, each after one
    /// fixed-point step of the scale; with <paramref name="untilConverged"/> it stops once the coefficients settle.
    /// </summary>
    private static Refinement Refine(Design design, double[] y, double[] beta, double initialScale, int steps, bool untilConverged, MmOptions options)
    {
        int n = design.Rows;
        int p = design.Columns;
        double[] r = design.Residuals(y, beta);
        if (CountZeros(design, y, beta, r) > (n + p) / 2.0)
        {
            return new Refinement(beta, r, 0, true, true);
        }

        double s = initialScale > 0 ? initialScale : StartScale(r);
        var chi = RobustNorm.Tukey(options.SC);
        var weights = new double[n];
        bool converged = false;
        for (int step = 0; step < steps; step++)
        {
            s *= Math.Sqrt(MeanRho(r, s, p, options.SC) / options.B);
            for (int i = 0; i < n; i++)
            {
                weights[i] = chi.Weight(r[i] / s);
            }

            double[] next;
            try
            {
                next = LeastSquares.SolveWeighted(design, y, weights, "an S refinement");
            }
            catch (RankDeficientException)
            {
                break; // fewer than p rows keep a positive weight: this candidate ends where it is
            }

            double change = 0;
            double size = 0;
            for (int j = 0; j < p; j++)
            {
                change += (next[j] - beta[j]) * (next[j] - beta[j]);
                size += beta[j] * beta[j];
            }

            beta = next;
            r = design.Residuals(y, beta);
            if (untilConverged && Math.Sqrt(change) <= options.RefineTolerance * Math.Max(options.RefineTolerance, Math.Sqrt(size)))
            {
                converged = true;
                break;
            }
        }

        if (untilConverged && CountZeros(design, y, beta, r) > (n + p) / 2.0)
        {
            return new Refinement(beta, r, 0, true, true);
        }

        return new Refinement(beta, r, s, converged, false);
    }

    /// <summary>robustbase's <c>find_scale</c>: s ← s·√((1/(n − p))Σρ_c(rᵢ/s)/b) until |Δs| ≤ scale.tol·s.</summary>
    private static double SolveScale(ReadOnlySpan<double> r, int p, double start, MmOptions options)
    {
        double s = start;
        for (int it = 0; it < options.MaxScaleIterations; it++)
        {
            double next = s * Math.Sqrt(MeanRho(r, s, p, options.SC) / options.B);
            if (Math.Abs(next - s) <= options.ScaleTolerance * s)
            {
                return next;
            }

            s = next;
        }

        return s;
    }

    /// <summary>1.4826·median|rᵢ| (R's <c>mad(r, center = 0)</c>); the mean |rᵢ| when that is 0 (at least half vanish).</summary>
    private static double StartScale(ReadOnlySpan<double> r)
    {
        double mad = Irls.MadScale(r) * Irls.NormalMadConstant * MadConstant;
        if (mad > 0)
        {
            return mad;
        }

        double sum = 0;
        foreach (double v in r)
        {
            sum += Math.Abs(v);
        }

        return sum / r.Length;
    }

    /// <summary>(1/(n − p))·Σᵢ ρ_c(rᵢ/s), ρ_c(z) = t(3 − 3t + t²) = 1 − (1 − t)³ with t = (z/c)² for |z| ≤ c, 1 beyond.</summary>
    private static double MeanRho(ReadOnlySpan<double> r, double s, int p, double c)
    {
        double sum = 0;
        foreach (double v in r)
        {
            double z = v / s;
            if (Math.Abs(z) > c)
            {
                sum += 1;
            }
            else
            {
                double t = (z / c) * (z / c);
                sum += t * (3 + (t * (-3 + t)));
            }
        }

        return sum / (r.Length - p);
    }

    private static int CountZeros(Design design, double[] y, double[] beta, double[] r)
    {
        int zeros = 0;
        for (int i = 0; i < r.Length; i++)
        {
            zeros += IsZero(design, y, beta, r, i) ? 1 : 0;
        }

        return zeros;
    }

    private static bool IsZero(Design design, double[] y, double[] beta, double[] r, int i)
        => Math.Abs(r[i]) <= ZeroResidual * design.RowMagnitude(i, y[i], beta);

    /// <summary>The index of the first largest entry (robustbase's <c>find_max</c>).</summary>
    private static int ArgMax(double[] values)
    {
        int k = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[k] < values[i])
            {
                k = i;
            }
        }

        return k;
    }

    private sealed record SEstimate(double[] Beta, double Scale, bool Converged);

    private sealed record Refinement(double[] Beta, double[] Residuals, double Scale, bool Converged, bool ExactFit);
}
