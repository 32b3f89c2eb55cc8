using LossLab.Lab.Data;
using LossLab.Solvers;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L8, tested as the L1 <i>penalty</i>: on sparse regressions (10 features, 3 relevant, new data each seed) the lasso,
/// (1/2n)‖y − Xw − b‖² + λ‖w‖₁ solved exactly by coordinate descent (<see cref="LassoCoordinateDescent"/>), is compared
/// with ridge, (1/2n)‖y − Xw − b‖² + (λ/2)‖w‖², solved in closed form as the augmented least-squares problem
/// [X_c; √(nλ)·I] w ≈ [y_c; 0] (X and y centred, the intercept unpenalised). Two scenarios: independent features
/// (n = 100) and correlated ones (pairwise correlation 0.7, n = 50). The prediction holds in a replication when the
/// lasso has more exact zeros on the 7 irrelevant features than ridge, and ridge has none.
/// </summary>
public sealed class L8Claim : IClaim
{
    /// <summary>The features.</summary>
    public const int Features = 10;

    /// <summary>The relevant features (the first ones).</summary>
    public const int Relevant = 3;

    /// <summary>The penalty weight of both fits.</summary>
    public const double Lambda = 0.1;

    /// <summary>A heavier ridge penalty, to show that ridge shrinks without zeroing.</summary>
    public const double HeavyRidgeLambda = 10;

    private static readonly double[] Beta = [3, -2, 1.5, 0, 0, 0, 0, 0, 0, 0];

    /// <inheritdoc/>
    public string Id => "L8";

    /// <inheritdoc/>
    public string Statement => "L1 (lasso) regularisation gives sparse weights; L2 (ridge) gives small non-zero weights";

    /// <inheritdoc/>
    public string Prediction => $"with the same λ = {Lambda}, the exact lasso optimum has more exactly-zero weights on the {Features - Relevant} irrelevant features than ridge, and ridge has none";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "lasso_irrelevant_exact_zeros";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["lasso_irrelevant_exact_zeros"] = "features (of 7)",
        ["ridge_irrelevant_exact_zeros"] = "features (of 7)",
        ["ridge_heavy_irrelevant_exact_zeros"] = "features (of 7)",
        ["lasso_relevant_kept"] = "features (of 3)",
        ["lasso_largest_irrelevant"] = "|weight|",
        ["ridge_smallest_irrelevant"] = "|weight|",
        ["ridge_largest_irrelevant"] = "|weight|",
        ["lasso_sweeps"] = "coordinate-descent sweeps",
        ["lasso_test_rmse"] = "target units",
        ["ridge_test_rmse"] = "target units",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var random = new Random(seed);
        return [Trial("independent", 100, 0, random), Trial("correlated", 50, 0.7, random)];
    }

    private static ClaimTrial Trial(string scenario, int n, double correlation, Random random)
    {
        (double[] x, double[] y) = Draw(n, correlation, random);
        (double[] xt, double[] yt) = Draw(1000, correlation, random);
        LassoFit lasso = LassoCoordinateDescent.Fit(x, n, Features, y, Lambda, tolerance: 1e-10, maxIterations: 100_000);
        double[] lassoW = [.. lasso.Weights];
        (double[] ridgeW, double ridgeB) = Ridge(x, n, y, Lambda);
        (double[] heavyW, _) = Ridge(x, n, y, HeavyRidgeLambda);
        int Zeros(double[] w) => w.Skip(Relevant).Count(v => v == 0);
        var evidence = new Dictionary<string, double>
        {
            ["lasso_irrelevant_exact_zeros"] = Zeros(lassoW),
            ["ridge_irrelevant_exact_zeros"] = Zeros(ridgeW),
            ["ridge_heavy_irrelevant_exact_zeros"] = Zeros(heavyW),
            ["lasso_relevant_kept"] = lassoW.Take(Relevant).Count(v => v != 0),
            ["lasso_largest_irrelevant"] = lassoW.Skip(Relevant).Max(Math.Abs),
            ["ridge_smallest_irrelevant"] = ridgeW.Skip(Relevant).Min(Math.Abs),
            ["ridge_largest_irrelevant"] = ridgeW.Skip(Relevant).Max(Math.Abs),
            ["lasso_sweeps"] = lasso.Iterations,
            ["lasso_test_rmse"] = Rmse(xt, yt, lassoW, lasso.Intercept),
            ["ridge_test_rmse"] = Rmse(xt, yt, ridgeW, ridgeB),
        };
        bool held = lasso.Converged && Zeros(lassoW) > Zeros(ridgeW) && Zeros(ridgeW) == 0;
        return new ClaimTrial(scenario, held, evidence);
    }

    private static (double[] X, double[] Y) Draw(int n, double correlation, Random random)
    {
        double[] x = new double[n * Features], y = new double[n];
        double a = Math.Sqrt(1 - correlation), c = Math.Sqrt(correlation);
        for (int i = 0; i < n; i++)
        {
            double common = Builtins.Normal(random);
            double t = 1 + (0.5 * Builtins.Normal(random));
            for (int j = 0; j < Features; j++)
            {
                double v = (a * Builtins.Normal(random)) + (c * common);
                x[(i * Features) + j] = v;
                t += Beta[j] * v;
            }

            y[i] = t;
        }

        return (x, y);
    }

    /// <summary>Ridge (1/2n)‖y − Xw − b‖² + (λ/2)‖w‖² as least squares on [X_c; √(nλ)·I], [y_c; 0]; b = ȳ − x̄ᵀw.</summary>
    internal static (double[] W, double B) Ridge(double[] x, int n, double[] y, double lambda)
    {
        int d = x.Length / n;
        double[] means = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                means[j] += x[(i * d) + j] / n;
            }
        }

        double yMean = y.Average();
        double[] augmented = new double[(n + d) * d], target = new double[n + d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                augmented[(i * d) + j] = x[(i * d) + j] - means[j];
            }

            target[i] = y[i] - yMean;
        }

        double root = Math.Sqrt(n * lambda);
        for (int j = 0; j < d; j++)
        {
            augmented[((n + j) * d) + j] = root;
        }

        double[] w = [.. LeastSquares.Solve(augmented, n + d, d, target, intercept: false).Coefficients];
        double b = yMean - means.Select((m, j) => m * w[j]).Sum();
        return (w, b);
    }

    private static double Rmse(double[] x, double[] y, double[] w, double b)
    {
        int d = w.Length;
        double sum = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double p = b;
            for (int j = 0; j < d; j++)
            {
                p += w[j] * x[(i * d) + j];
            }

            sum += (y[i] - p) * (y[i] - p);
        }

        return Math.Sqrt(sum / y.Length);
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        string Part(ScenarioSummary s) =>
            $"{s.Name} features: held in {s.Held} of {s.Replications}; the lasso zeroes {TextNumber.G(s.Evidence["lasso_irrelevant_exact_zeros"], 3)} of the 7 irrelevant weights on average "
            + $"(the largest irrelevant survivor averages {TextNumber.G(s.Evidence["lasso_largest_irrelevant"], 2)}) and keeps {TextNumber.G(s.Evidence["lasso_relevant_kept"], 3)} of the 3 relevant ones; ridge zeroes "
            + $"{TextNumber.G(s.Evidence["ridge_irrelevant_exact_zeros"], 3)} (its smallest irrelevant weight is {TextNumber.G(s.Evidence["ridge_smallest_irrelevant"], 2)} in size on average, its largest {TextNumber.G(s.Evidence["ridge_largest_irrelevant"], 2)}; "
            + $"and even at λ = {HeavyRidgeLambda} it zeroes {TextNumber.G(s.Evidence["ridge_heavy_irrelevant_exact_zeros"], 3)}); test RMSE lasso {TextNumber.G(s.Evidence["lasso_test_rmse"], 3)}, ridge {TextNumber.G(s.Evidence["ridge_test_rmse"], 3)}";
        return $"The guide's \"L1\" here is the L1 penalty on the weights (lasso regularisation), not the L1 (absolute-error) loss on the residuals: the two are unrelated choices, and this experiment fits squared error with each penalty. "
            + $"At λ = {Lambda}, over {summary.Replications} replications: {string.Join("; ", summary.Scenarios.Select(Part))}. "
            + "The lasso's zeros are exact because soft-thresholding sets a coordinate to 0 whenever its correlation with the residual is below nλ; ridge's shrinkage divides by (‖x_j‖² + nλ) and never reaches 0. "
            + "Exact zeros need an exact solver: (sub)gradient steps on the L1 penalty leave the weights hovering near zero.";
    }
}
