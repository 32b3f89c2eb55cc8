namespace LossLab.Solvers;

/// <summary>
/// The lasso, ŵ, b̂ = argmin_{w,b} (1/2n)‖y − Xw − b·1‖₂² + λ‖w‖₁, by cyclic coordinate descent with soft-thresholding
/// — scikit-learn's <c>Lasso(alpha = λ)</c> convention: the intercept b is not penalised, the features are used as
/// given (no standardisation), the squared error is averaged over the n rows.
/// </summary>
/// <remarks>
/// <para>
/// With an intercept, X and y are centred first (x̄_j, ȳ), the problem is solved without intercept on the centred data,
/// and b̂ = ȳ − Σ_j x̄_j ŵ_j. One sweep updates every coordinate in column order with the residual r = y − Xw kept
/// current: ρ_j = x_jᵀr + ‖x_j‖²w_j, w_j ← S(ρ_j, nλ) / ‖x_j‖², where S(ρ, t) = sign(ρ)·max(|ρ| − t, 0) is the
/// soft-thresholding operator. A coordinate whose |ρ_j| ≤ nλ lands on exactly zero — that is where the lasso's exact
/// zeros come from. A column of zeros keeps w_j = 0.
/// </para>
/// <para>
/// Stopping rule (scikit-learn's <c>enet_coordinate_descent</c>): after a sweep, when the largest coefficient change
/// is below <c>tolerance</c> × the largest |w_j| (or every w_j is 0), the duality gap G of the n-scaled problem
/// ½‖r‖² + nλ‖w‖₁ is computed with the dual point ν = r·min(1, nλ / ‖Xᵀr‖_∞):
/// G = ½‖r‖²(1 + c²) + nλ‖w‖₁ − c·rᵀy (c = min(1, nλ/‖Xᵀr‖_∞)); the fit has converged when
/// G &lt; <c>tolerance</c> × ‖y‖² (y centred). The default tolerance is scikit-learn's tol = 10⁻⁴, so both stop after
/// the same sweep; since the gap bounds the objective's excess, a tighter tolerance gives a more exact optimum.
/// </para>
/// </remarks>
public static class LassoCoordinateDescent
{
    /// <summary>The default tolerance (scikit-learn's <c>tol</c>).</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>The default largest number of sweeps (scikit-learn's <c>max_iter</c>).</summary>
    public const int DefaultMaxIterations = 1000;

    /// <summary>Fits the lasso; X is given flat and row-major, x_ij = <paramref name="x"/>[i·d + j].</summary>
    /// <param name="x">The n·d feature values, row-major (finite).</param>
    /// <param name="rows">n (≥ 1).</param>
    /// <param name="columns">d (≥ 0).</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="lambda">The penalty weight λ ≥ 0 (scikit-learn's <c>alpha</c>); 0 gives least squares by coordinate descent.</param>
    /// <param name="intercept">Whether to fit an unpenalised intercept.</param>
    /// <param name="tolerance">The duality-gap tolerance, relative to ‖y‖² (see remarks).</param>
    /// <param name="maxIterations">The most sweeps over the coordinates.</param>
    /// <returns>The weights, the intercept, the sweeps run and whether the gap test passed.</returns>
    public static LassoFit Fit(ReadOnlySpan<double> x, int rows, int columns, ReadOnlySpan<double> y, double lambda, bool intercept = true,
        double tolerance = DefaultTolerance, int maxIterations = DefaultMaxIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        if (x.Length != rows * columns || y.Length != rows)
        {
            throw new ArgumentException($"expected {rows}×{columns} features and {rows} targets, got {x.Length} and {y.Length}");
        }

        if (!(lambda >= 0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be finite and ≥ 0");
        }

        if (!(tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be ≥ 0");
        }

        int n = rows, d = columns;

        // Column-major, centred copies (scikit-learn centres X and y when it fits an intercept).
        double[] xc = new double[n * d];
        double[] means = new double[d];
        double yMean = 0;
        double[] yc = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(y[i]))
            {
                throw new ArgumentException($"target {i} is not finite", nameof(y));
            }

            yMean += y[i];
            for (int j = 0; j < d; j++)
            {
                double v = x[(i * d) + j];
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException($"feature ({i}, {j}) is not finite", nameof(x));
                }

                xc[(j * n) + i] = v;
                means[j] += v;
            }
        }

        yMean = intercept ? yMean / n : 0;
        for (int j = 0; j < d; j++)
        {
            means[j] = intercept ? means[j] / n : 0;
            for (int i = 0; i < n; i++)
            {
                xc[(j * n) + i] -= means[j];
            }
        }

        double yNorm2 = 0;
        for (int i = 0; i < n; i++)
        {
            yc[i] = y[i] - yMean;
            yNorm2 += yc[i] * yc[i];
        }

        double[] norms = new double[d];
        for (int j = 0; j < d; j++)
        {
            norms[j] = Dot(xc.AsSpan(j * n, n), xc.AsSpan(j * n, n));
        }

        double penalty = lambda * n;
        double gapTolerance = tolerance * yNorm2;
        double[] w = new double[d];
        double[] r = (double[])yc.Clone();
        int sweeps = 0;
        bool converged = false;
        double gap = double.NaN;
        for (int sweep = 1; sweep <= maxIterations; sweep++)
        {
            sweeps = sweep;
            double wMax = 0, dwMax = 0;
            for (int j = 0; j < d; j++)
            {
                if (norms[j] == 0)
                {
                    continue;
                }

                Span<double> column = xc.AsSpan(j * n, n);
                double old = w[j];
                if (old != 0)
                {
                    Axpy(old, column, r);
                }

                double rho = Dot(column, r);
                double shrunk = Math.Abs(rho) - penalty;
                double updated = shrunk > 0 ? Math.Sign(rho) * shrunk / norms[j] : 0; // +0, never −0
                w[j] = updated;
                if (updated != 0)
                {
                    Axpy(-updated, column, r);
                }

                dwMax = Math.Max(dwMax, Math.Abs(updated - old));
                wMax = Math.Max(wMax, Math.Abs(updated));
            }

            if (wMax == 0 || dwMax / wMax < tolerance || sweep == maxIterations)
            {
                gap = DualityGap(xc, n, d, r, yc, w, penalty);
                if (gap < gapTolerance)
                {
                    converged = true;
                    break;
                }
            }
        }

        double b = yMean;
        for (int j = 0; j < d; j++)
        {
            b -= means[j] * w[j];
        }

        return new LassoFit(w, intercept ? b : 0, sweeps, converged, gap / n);
    }

    /// <summary>
    /// The smallest λ at which every weight is zero: λ_max = ‖X_cᵀy_c‖_∞ / n (X and y centred when an intercept is fitted).
    /// </summary>
    public static double LambdaMax(ReadOnlySpan<double> x, int rows, int columns, ReadOnlySpan<double> y, bool intercept = true)
    {
        double yMean = 0;
        for (int i = 0; i < rows; i++)
        {
            yMean += y[i];
        }

        yMean = intercept ? yMean / rows : 0;
        double best = 0;
        for (int j = 0; j < columns; j++)
        {
            double mean = 0;
            for (int i = 0; i < rows; i++)
            {
                mean += x[(i * columns) + j];
            }

            mean = intercept ? mean / rows : 0;
            double dot = 0;
            for (int i = 0; i < rows; i++)
            {
                dot += (x[(i * columns) + j] - mean) * (y[i] - yMean);
            }

            best = Math.Max(best, Math.Abs(dot));
        }

        return best / rows;
    }

    private static double DualityGap(double[] xc, int n, int d, double[] r, double[] y, double[] w, double penalty)
    {
        double dualNorm = 0, l1 = 0;
        for (int j = 0; j < d; j++)
        {
            dualNorm = Math.Max(dualNorm, Math.Abs(Dot(xc.AsSpan(j * n, n), r)));
            l1 += Math.Abs(w[j]);
        }

        double rNorm2 = Dot(r, r);
        double gap, scale;
        if (dualNorm > penalty)
        {
            scale = penalty / dualNorm;
            gap = 0.5 * (rNorm2 + (rNorm2 * scale * scale));
        }
        else
        {
            scale = 1;
            gap = rNorm2;
        }

        return gap + (penalty * l1) - (scale * Dot(r, y));
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] += a * x[i];
        }
    }
}

/// <summary>The result of <see cref="LassoCoordinateDescent.Fit"/>.</summary>
/// <param name="Weights">ŵ, one per feature in column order (exact zeros where the penalty removed a feature).</param>
/// <param name="Intercept">b̂ (0 without an intercept).</param>
/// <param name="Iterations">Sweeps over the coordinates run.</param>
/// <param name="Converged">Whether the duality-gap test passed before the sweep limit.</param>
/// <param name="DualityGap">The last duality gap computed, divided by n (an upper bound on the objective's excess over its minimum); NaN if none was computed.</param>
public sealed record LassoFit(IReadOnlyList<double> Weights, double Intercept, int Iterations, bool Converged, double DualityGap)
{
    /// <summary>The number of weights that are exactly zero.</summary>
    public int Zeros => Weights.Count(v => v == 0);
}
