using LossLab.Numerics;

namespace LossLab.Solvers;

/// <summary>
/// Settings of <see cref="MmEstimator"/>, defaulting to robustbase's <c>lmrob.control()</c> for <c>method = "MM"</c>,
/// <c>psi = "bisquare"</c> (lmrob's classic defaults, not the Koller–Stahel "KS2014" setting). Immutable:
/// <c>options with { Seed = 7 }</c> gives a variant.
/// </summary>
/// <remarks>
/// The S-estimate's ρ is the bisquare normalised to sup ρ = 1, ρ_c(z) = 1 − (1 − (z/c)²)³ for |z| ≤ c and 1 beyond,
/// with c = <see cref="SC"/>; its M-scale s solves (1/(n − p))·Σᵢ ρ_c(rᵢ/s) = b with b = <see cref="B"/>
/// (c = 1.54764, b = 0.5: breakdown point 50%, consistency at the normal). The M-step's ψ is the bisquare
/// ψ_k(z) = z(1 − (z/k)²)² for |z| ≤ k (0 beyond) with k = <see cref="PsiC"/> (4.685061: 95% efficiency at the normal).
/// </remarks>
public sealed record MmOptions
{
    /// <summary>The default options (lmrob's).</summary>
    public static MmOptions Default { get; } = new();

    /// <summary>Seed of the <see cref="System.Random"/> that draws the elemental subsamples (default 0); the same seed gives bit-identical fits.</summary>
    public int Seed { get; init; }

    /// <summary>nResample: how many nonsingular elemental subsamples of p rows FAST-S starts from (≥ 1; default 500).</summary>
    public int Resamples { get; init => field = AtLeast(value, 1, "nResample"); } = 500;

    /// <summary>k.fast.s: refinement steps (IRWLS steps of the S-estimate) applied to every subsample's fit (≥ 0; default 1).</summary>
    public int FastSteps { get; init => field = AtLeast(value, 0, "k.fast.s"); } = 1;

    /// <summary>best.r.s: how many of the best candidates (smallest M-scale) are refined to convergence (≥ 1; default 2).</summary>
    public int BestCandidates { get; init => field = AtLeast(value, 1, "best.r.s"); } = 2;

    /// <summary>k.max: the most refinement steps of a best candidate (≥ 1; default 200).</summary>
    public int MaxRefinementSteps { get; init => field = AtLeast(value, 1, "k.max"); } = 200;

    /// <summary>
    /// refine.tol: a refinement has converged when ‖β_new − β_old‖₂ ≤ tol·max(tol, ‖β_old‖₂) (&gt; 0; default 1e-7).
    /// </summary>
    public double RefineTolerance { get; init => field = Guard.Positive(value, "refine.tol"); } = 1e-7;

    /// <summary>
    /// max.it: the M-step stops after this many IRWLS iterations as lmrob counts them (at most max.it − 1 weighted
    /// least-squares solves when it does not converge; ≥ 2; default 50).
    /// </summary>
    public int MaxIterations { get; init => field = AtLeast(value, 2, "max.it"); } = 50;

    /// <summary>
    /// rel.tol: the M-step has converged when ‖β_new − β_old‖₁ ≤ tol·max(tol, ‖β_new‖₁) (&gt; 0; default 1e-7).
    /// </summary>
    public double RelativeTolerance { get; init => field = Guard.Positive(value, "rel.tol"); } = 1e-7;

    /// <summary>scale.tol: the M-scale iteration stops when |s_new − s| ≤ tol·s (&gt; 0; default 1e-10).</summary>
    public double ScaleTolerance { get; init => field = Guard.Positive(value, "scale.tol"); } = 1e-10;

    /// <summary>maxit.scale: the most fixed-point steps of the M-scale equation (≥ 1; default 200).</summary>
    public int MaxScaleIterations { get; init => field = AtLeast(value, 1, "maxit.scale"); } = 200;

    /// <summary>
    /// solve.tol: an elemental subsample is singular when its column-equilibrated p×p matrix has
    /// |R_kk| ≤ tol·|R_00| in a pivoted QR (&gt; 0; default 1e-7).
    /// </summary>
    public double SolveTolerance { get; init => field = Guard.Positive(value, "solve.tol"); } = 1e-7;

    /// <summary>mts: singular subsamples drawn in a row before giving up (≥ 1; default 1000).</summary>
    public int MaxSubsampleTries { get; init => field = AtLeast(value, 1, "mts"); } = 1000;

    /// <summary>tuning.chi: the S-estimate's bisquare constant c (&gt; 0; default 1.54764).</summary>
    public double SC { get; init => field = Guard.Positive(value, "tuning.chi"); } = MmEstimator.DefaultSC;

    /// <summary>bb: the right-hand side b ∈ (0, 1) of the M-scale equation (default 0.5: 50% breakdown).</summary>
    public double B { get; init => field = Guard.OpenUnit(value, "bb"); } = MmEstimator.DefaultB;

    /// <summary>tuning.psi: the M-step's bisquare constant k (&gt; 0; default 4.685061).</summary>
    public double PsiC { get; init => field = Guard.Positive(value, "tuning.psi"); } = MmEstimator.DefaultPsiC;

    private static int AtLeast(int value, int min, string name)
        => value >= min ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= {min}");
}
