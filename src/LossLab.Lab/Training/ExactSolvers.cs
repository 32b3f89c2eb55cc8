using LossLab.Lab.Data;
using LossLab.Losses;
using LossLab.Solvers;
using LossLab.Specs;

namespace LossLab.Lab.Training;

/// <summary>A robust fit: coefficients in LossLab's order (weights, then the intercept) and the iterations it took.</summary>
/// <param name="Coefficients">Weights then intercept.</param>
/// <param name="Iterations">IRLS iterations (the starting least-squares fit counts as one).</param>
public sealed record RobustSolution(double[] Coefficients, int Iterations);

/// <summary>An MM-regression (<c>--solver mm</c>): coefficients in LossLab's order and the estimator's full result.</summary>
/// <param name="Coefficients">Weights then intercept.</param>
/// <param name="Fit">The MM fit (intercept-first coefficients, S-scale, robustness weights, standardized residuals).</param>
public sealed record MmSolution(double[] Coefficients, MmFit Fit);

/// <summary>
/// <c>fit --solver closed_form|irls|mm</c>: least squares by QR for <c>mse</c>; IRLS with the normalised-MAD scale for
/// <c>huber</c> (δ in scale units), <c>tukey</c> (c in scale units), and exact L1 / quantile regression for <c>l1</c>
/// and <c>quantile</c>; for <c>mm</c> the MM-estimate of R's <c>lmrob</c> (<see cref="MmEstimator"/>), whose M-step
/// is Tukey's bisquare with c in units of the S-scale (lmrob's c = 4.685061 unless the loss gives another).
/// Coefficients come back in the trace order: weights, then the intercept. Every solver reads the data in double as they
/// were parsed (<see cref="Dataset.FeaturesDouble"/>, <see cref="Dataset.TargetsDouble"/>; float32 data are widened) and
/// returns double coefficients; <see cref="Score"/> evaluates a fit in double too.
/// </summary>
public static class ExactSolvers
{
    /// <summary>The loss <c>--solver mm</c> implies when no <c>--loss</c> is given: lmrob's bisquare, tukey:c=4.685061.</summary>
    public const string MmDefaultLoss = "tukey:c=4.685061";

    /// <summary>Solves a linear regression exactly (<c>mm</c> with the default seed 0).</summary>
    /// <exception cref="SpecException">The loss has no exact solver of that kind.</exception>
    public static double[] Solve(string solver, ILoss loss, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return solver switch
        {
            "closed_form" when loss.Name == "mse" => LeastSquaresFit(data),
            "closed_form" => throw new SpecException($"--solver closed_form solves least squares (--loss mse), not {loss.Name}; use --solver irls for huber, tukey, l1 or quantile"),
            "irls" => Robust(loss, data).Coefficients,
            "mm" => Mm(loss, data, seed: 0).Coefficients,
            "coordinate_descent" => throw new SpecException("--solver coordinate_descent fits the lasso: its strength comes from the model (--model linear:l1=λ); see ExactSolvers.Lasso"),
            _ => throw new SpecException($"--solver {solver}: unknown; accepted: gradient, closed_form, irls, mm, coordinate_descent"),
        };
    }

    /// <summary>
    /// Designs with more values than this (n·(d + 1); 2²¹, a 16 MB design) are solved by the chunked QR of
    /// <see cref="StreamingFit"/> (memory of one chunk, the same accuracy: Householder reflections and one step of
    /// refinement) instead of the pivoted QR, which holds two n × (d + 1) copies.
    /// </summary>
    public const long ChunkedAbove = 1L << 21;

    /// <summary>Least squares by Householder QR (never the normal equations).</summary>
    public static double[] LeastSquaresFit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        // The QR copies the design into its own storage, so the data set's double values are passed without a copy.
        (double[] x, double[] y) = ReadOnlyDoubles(data);
        if ((long)data.Rows * (data.Columns + 1) > ChunkedAbove)
        {
            // A large design: the same Householder QR accumulated chunk by chunk (no n × p copies; see StreamingFit).
            return ToTraceOrder(StreamingFit.LeastSquaresInMemory(x, data.Rows, data.Columns, y, data.Name, data.FeatureNames));
        }

        try
        {
            return ToTraceOrder(LeastSquares.Solve(x, data.Rows, data.Columns, y, intercept: true).Coefficients);
        }
        catch (RankDeficientException ex)
        {
            throw new DataException($"{data.Name}: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }

    /// <summary>
    /// <c>--solver coordinate_descent</c> with <c>--model linear:l1=λ</c> and <c>--loss mse</c>: the exact minimiser of the
    /// objective the gradient solver trains, mean((y − ŷ)²) + λ·Σ|w_j| (LossLab's MSE has no ½, the intercept is not
    /// penalised), on the features as given (no standardisation). That is scikit-learn's <c>Lasso(alpha = λ/2)</c>,
    /// (1/2n)‖y − Xw − b‖² + (λ/2)‖w‖₁, solved by <see cref="LassoCoordinateDescent"/> (duality gap below 10⁻¹⁰·‖y‖²).
    /// </summary>
    /// <param name="data">A regression data set.</param>
    /// <param name="l1">The model's L1 strength λ ≥ 0.</param>
    /// <returns>Weights then intercept, and the coordinate-descent sweeps.</returns>
    public static RobustSolution Lasso(Dataset data, double l1)
    {
        ArgumentNullException.ThrowIfNull(data);
        (double[] x, double[] y) = Doubles(data);
        LassoFit fit = LassoCoordinateDescent.Fit(x, data.Rows, data.Columns, y, l1 / 2, tolerance: 1e-10, maxIterations: 100_000);
        return new RobustSolution([.. fit.Weights, fit.Intercept], fit.Iterations);
    }

    /// <summary>An M-estimate or quantile regression by IRLS.</summary>
    /// <exception cref="SpecException">The loss is not huber, tukey, l1 or quantile.</exception>
    public static RobustSolution Robust(ILoss loss, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        RobustNorm norm = loss switch
        {
            Huber h => RobustNorm.Huber(h.Delta),
            Tukey t => RobustNorm.Tukey(t.C),
            L1 => RobustNorm.L1(),
            Quantile q => RobustNorm.Quantile(q.Tau),
            _ => throw new SpecException($"--solver irls fits huber, tukey, l1 and quantile losses, not {loss.Name}"),
        };
        (double[] x, double[] y) = Doubles(data);
        try
        {
            RobustFit fit = Irls.Fit(x, data.Rows, data.Columns, y, intercept: true, norm);
            return new RobustSolution(ToTraceOrder(fit.Coefficients), fit.Iterations);
        }
        catch (RankDeficientException ex)
        {
            throw new DataException($"{data.Name}: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }

    /// <summary>
    /// The MM-estimate of R's <c>lmrob</c> (FAST-S start with bisquare c = 1.54764, b = 0.5; bisquare M-step with
    /// c = the Tukey loss's c in units of the S-scale) on the data, subsamples drawn from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="SpecException">The loss is not tukey.</exception>
    public static MmSolution Mm(ILoss loss, Dataset data, int seed)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        if (loss is not Tukey tukey)
        {
            throw new SpecException($"--solver mm fits the MM-estimate with Tukey's bisquare, not {loss.Name}: leave --loss out ({MmDefaultLoss}, lmrob's default, is implied) or pass --loss tukey:c=…; --solver irls fits {loss.Name}");
        }

        (double[] x, double[] y) = Doubles(data);
        try
        {
            MmFit fit = MmEstimator.Fit(x, data.Rows, data.Columns, y, intercept: true, new MmOptions { Seed = seed, PsiC = tukey.C });
            return new MmSolution(ToTraceOrder(fit.Coefficients), fit);
        }
        catch (RankDeficientException ex)
        {
            throw new DataException($"{data.Name}: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
        }
    }

    /// <summary>
    /// The loss and the regression metrics of coefficients (weights then intercept) on a data set, computed in double
    /// from the double data (<see cref="Dataset.DoubleFeatures"/>): ŷᵢ = Σ_j w_j x_ij + b accumulated in double, the
    /// metrics of <see cref="Metrics.Regression(ReadOnlySpan{double}, ReadOnlySpan{double})"/> on (ŷ, y), and
    /// <c>loss</c> = the loss's mean over the rows plus the model's penalty λ₁Σ|w_j| + λ₂Σw_j² (the intercept is not penalised), all in double.
    /// </summary>
    /// <param name="loss">The fitted loss.</param>
    /// <param name="coefficients">Weights then intercept, one weight per feature.</param>
    /// <param name="data">A regression data set.</param>
    /// <param name="l1">The model's L1 strength λ₁.</param>
    /// <param name="l2">The model's L2 strength λ₂.</param>
    /// <returns>The metrics (with <c>loss</c>) and the predictions ŷ (double; the fit's outputs).</returns>
    public static (SortedDictionary<string, double> Metrics, double[] Predictions) Score(ILoss loss, IReadOnlyList<double> coefficients, Dataset data, double l1 = 0, double l2 = 0)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(data);
        int d = data.Columns;
        if (coefficients.Count != d + 1)
        {
            throw new ArgumentException($"{coefficients.Count} coefficients for {d} features and an intercept", nameof(coefficients));
        }

        (double[] x, double[] y) = ReadOnlyDoubles(data);
        double[] predictions = new double[data.Rows];
        for (int i = 0; i < predictions.Length; i++)
        {
            double s = coefficients[d];
            for (int j = 0; j < d; j++)
            {
                s += coefficients[j] * x[(i * d) + j];
            }

            predictions[i] = s;
        }

        SortedDictionary<string, double> metrics = Metrics.Regression(predictions, y);
        double penalty = 0;
        for (int j = 0; j < d; j++)
        {
            penalty += (l1 * Math.Abs(coefficients[j])) + (l2 * coefficients[j] * coefficients[j]);
        }

        metrics["loss"] = loss.Evaluate(predictions, y, Span<double>.Empty, Reduction.Mean) + penalty;
        return (metrics, predictions);
    }

    /// <summary>The data as the exact solvers fit them: the double values as read (see <see cref="Dataset.FeaturesDouble"/>).</summary>
    private static (double[] X, double[] Y) Doubles(Dataset data) => (data.DoubleFeatures(), data.DoubleTargets());

    /// <summary>
    /// The same values for a caller that only reads them: the data set's own double arrays when it has them (no copy of a
    /// large file), else the float32 values widened.
    /// </summary>
    private static (double[] X, double[] Y) ReadOnlyDoubles(Dataset data) => (data.FeaturesDouble ?? data.DoubleFeatures(), data.TargetsDouble ?? data.DoubleTargets());

    /// <summary>Intercept-first (statsmodels order) to weights-then-intercept (PyTorch's (weight, bias)).</summary>
    private static double[] ToTraceOrder(IReadOnlyList<double> interceptFirst) => [.. interceptFirst.Skip(1), interceptFirst[0]];
}
