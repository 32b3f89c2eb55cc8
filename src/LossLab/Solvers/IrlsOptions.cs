using LossLab.Numerics;

namespace LossLab.Solvers;

/// <summary>What <see cref="Irls"/> watches to decide that the M-estimate has converged.</summary>
public enum IrlsConvergence
{
    /// <summary>
    /// statsmodels' default <c>conv='dev'</c>: stop when |D_k − D_{k−1}| ≤ tol, with the deviance of iterate k
    /// D_k = Σᵢ ρ(rᵢ/σ²_k) and σ²_k = Σᵢ wᵢrᵢ²/(n − p) the weighted least-squares variance of that solve (this is
    /// statsmodels' definition: it divides by the WLS variance, not by the MAD scale).
    /// </summary>
    Deviance,

    /// <summary>statsmodels' <c>conv='coefs'</c>: stop when |β_j,k − β_j,k−1| ≤ tol for every coefficient j.</summary>
    Coefficients,
}

/// <summary>
/// Settings of <see cref="Irls"/>, defaulting to statsmodels' <c>RLM.fit()</c> (tol = 1e-8, <c>conv='dev'</c>) except
/// for the iteration cap (100 here, 50 in statsmodels; set 50 to reproduce a statsmodels fit that stops unconverged).
/// Immutable: <c>options with { Tolerance = 1e-10 }</c> gives a variant.
/// </summary>
public sealed record IrlsOptions
{
    /// <summary>The default options.</summary>
    public static IrlsOptions Default { get; } = new();

    /// <summary>Convergence tolerance tol ≥ 0 on the quantity chosen by <see cref="Convergence"/> (default 1e-8).</summary>
    public double Tolerance { get; init => field = Guard.NonNegative(value, "tol"); } = 1e-8;

    /// <summary>
    /// The most least-squares solves for an M-estimate, counting the initial OLS fit as the first, as statsmodels counts
    /// (≥ 1; default 100).
    /// </summary>
    public int MaxIterations
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException("maxiter", value, "maxiter must be >= 1");
    } = 100;

    /// <summary>The convergence test (default <see cref="IrlsConvergence.Deviance"/>, statsmodels' default).</summary>
    public IrlsConvergence Convergence
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new ArgumentOutOfRangeException("conv", value, "conv must be Deviance or Coefficients");
    } = IrlsConvergence.Deviance;
}
