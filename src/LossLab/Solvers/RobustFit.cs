namespace LossLab.Solvers;

/// <summary>The result of <see cref="Irls.Fit(double[,], double[], bool, RobustNorm, IrlsOptions?)"/>.</summary>
public sealed class RobustFit
{
    internal RobustFit(
        RobustNorm norm,
        bool hasIntercept,
        double[] coefficients,
        double[] residuals,
        double scale,
        double[] weights,
        int iterations,
        bool converged,
        double objective,
        int[] basis)
    {
        Norm = norm;
        HasIntercept = hasIntercept;
        Coefficients = coefficients;
        Residuals = residuals;
        Scale = scale;
        Weights = weights;
        Iterations = iterations;
        Converged = converged;
        Objective = objective;
        Basis = basis;
    }

    /// <summary>The criterion that was fitted.</summary>
    public RobustNorm Norm { get; }

    /// <summary>Whether coefficient 0 is an intercept.</summary>
    public bool HasIntercept { get; }

    /// <summary>β̂, length p: the intercept first when fitted, then one coefficient per column of X in column order.</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>rᵢ = yᵢ − xᵢᵀβ̂ (with xᵢ₀ = 1 for the intercept).</summary>
    public IReadOnlyList<double> Residuals { get; }

    /// <summary>
    /// The normalised MAD of the final residuals, s = median|rᵢ| / Φ⁻¹(3/4) (centred at 0, Φ⁻¹(3/4) ≈ 0.6744897501960817),
    /// statsmodels' <c>RLMResults.scale</c>. For L1 / quantile fits it is reported for information only (those fits are
    /// scale-free).
    /// </summary>
    public double Scale { get; }

    /// <summary>
    /// For Huber / Tukey: the IRLS weights wᵢ = w(rᵢ/s) of the last weighted least-squares solve (computed from the
    /// previous iterate's residuals and scale; all 1 when that solve was the initial OLS), statsmodels'
    /// <c>RLMResults.weights</c>. For L1 / quantile: w(rᵢ/s) at the solution, with the norm's 10⁻⁶ floor on |rᵢ/s| —
    /// the reweighting under which β̂ is (nearly) a fixed point.
    /// </summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>
    /// For Huber / Tukey: the number of least-squares solves including the initial OLS fit (statsmodels'
    /// <c>fit_history['iteration']</c>). For L1 / quantile: the warm start's least-squares solves (the OLS fit included) plus the exact phase's basis exchanges.
    /// </summary>
    public int Iterations { get; }

    /// <summary>
    /// Whether the convergence test passed (Huber / Tukey), or whether the exact solver certified optimality (L1 /
    /// quantile: no descent direction left at the final vertex).
    /// </summary>
    public bool Converged { get; }

    /// <summary>
    /// The criterion at β̂: Σᵢ ρ(rᵢ/s) for Huber / Tukey (with the final <see cref="Scale"/>), Σᵢ |rᵢ| (the sum of
    /// absolute deviations) for L1, Σᵢ ρ_τ(rᵢ) for quantile.
    /// </summary>
    public double Objective { get; }

    /// <summary>
    /// For L1 / quantile: the p observations (row indices, ascending) that the solution interpolates, rᵢ = 0, whose
    /// p×p system X_h β̂ = y_h defines β̂. Empty for Huber / Tukey.
    /// </summary>
    public IReadOnlyList<int> Basis { get; }
}
