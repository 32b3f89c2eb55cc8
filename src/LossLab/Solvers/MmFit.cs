namespace LossLab.Solvers;

/// <summary>The result of <see cref="MmEstimator.Fit(double[], int, int, double[], bool, MmOptions?)"/>.</summary>
public sealed class MmFit
{
    internal MmFit(
        bool hasIntercept,
        double[] coefficients,
        double[] residuals,
        double scale,
        double[] weights,
        int iterations,
        bool converged,
        double[] sCoefficients,
        bool sConverged,
        bool exactFit)
    {
        HasIntercept = hasIntercept;
        Coefficients = coefficients;
        Residuals = residuals;
        Scale = scale;
        Weights = weights;
        Iterations = iterations;
        Converged = converged;
        SCoefficients = sCoefficients;
        SConverged = sConverged;
        ExactFit = exactFit;
        OutlierWeightCut = 0.1 / residuals.Length;
        var z = new double[residuals.Length];
        var outliers = new List<int>();
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = scale > 0 ? residuals[i] / scale : weights[i] > 0 ? 0 : Math.CopySign(double.PositiveInfinity, residuals[i]);
            if (weights[i] < OutlierWeightCut)
            {
                outliers.Add(i);
            }
        }

        StandardizedResiduals = z;
        Outliers = outliers;
    }

    /// <summary>Whether coefficient 0 is an intercept.</summary>
    public bool HasIntercept { get; }

    /// <summary>
    /// The MM-estimate β̂, length p: the intercept first when fitted, then one coefficient per column of X in column
    /// order (the layout of <see cref="RobustFit"/> and of R's <c>coef(lmrob(...))</c>).
    /// </summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>rᵢ = yᵢ − xᵢᵀβ̂ of the MM-estimate.</summary>
    public IReadOnlyList<double> Residuals { get; }

    /// <summary>
    /// The S-estimate's M-scale s (lmrob's <c>scale</c>), the scale the M-step held fixed: the solution of
    /// (1/(n − p))·Σᵢ ρ_c(rᵢ^S/s) = b on the S-estimate's residuals rᵢ^S, with ρ_c(z) = 1 − (1 − (z/c)²)³ (|z| ≤ c; 1
    /// beyond), c = 1.54764 and b = 0.5 by default. 0 for an <see cref="ExactFit"/>.
    /// </summary>
    public double Scale { get; }

    /// <summary>
    /// The robustness weights wᵢ = ψ(zᵢ)/zᵢ = (1 − (zᵢ/k)²)² for |zᵢ| ≤ k and 0 beyond, zᵢ = rᵢ/s, k = 4.685061 by
    /// default (lmrob's <c>rweights</c>). For an <see cref="ExactFit"/>: 1 where the residual vanishes, 0 elsewhere.
    /// </summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>
    /// The standardized robust residuals zᵢ = rᵢ/s: |zᵢ| &gt; k marks a row the fit ignores entirely, and under normal
    /// errors about 95% of the rows have |zᵢ| ≤ 2. For an <see cref="ExactFit"/> (s = 0): 0 where the residual vanishes,
    /// ±∞ (the residual's sign) elsewhere.
    /// </summary>
    public IReadOnlyList<double> StandardizedResiduals { get; }

    /// <summary>
    /// lmrob's outlier cut on the weights, ε = 0.1/n (<c>lmrob.control()$eps.outlier</c>): a row with wᵢ &lt; ε is
    /// reported as an outlier, i.e. rejected by the fit.
    /// </summary>
    public double OutlierWeightCut { get; }

    /// <summary>The rows (ascending) whose weight is below <see cref="OutlierWeightCut"/>: the rows the fit rejected.</summary>
    public IReadOnlyList<int> Outliers { get; }

    /// <summary>
    /// The M-step's iteration count as lmrob reports it (<c>iter</c>): the number of weighted least-squares solves when
    /// it converged, <see cref="MmOptions.MaxIterations"/> when it did not; 0 for an <see cref="ExactFit"/>.
    /// </summary>
    public int Iterations { get; }

    /// <summary>Whether the M-step's IRWLS met <see cref="MmOptions.RelativeTolerance"/> (true for an <see cref="ExactFit"/>).</summary>
    public bool Converged { get; }

    /// <summary>The S-estimate that started the M-step (lmrob's <c>init.S$coefficients</c>), in the layout of <see cref="Coefficients"/>.</summary>
    public IReadOnlyList<double> SCoefficients { get; }

    /// <summary>Whether every fully refined S candidate met <see cref="MmOptions.RefineTolerance"/> (lmrob's <c>init.S$converged</c>).</summary>
    public bool SConverged { get; }

    /// <summary>
    /// True when more than (n + p)/2 rows lie exactly on one hyperplane (|rᵢ| ≤ 10⁻¹⁰·(|yᵢ| + Σ_j |x_ij β_j|)): the
    /// S-scale is then 0, no M-step is possible, and that exact fit is returned as both the S- and the MM-estimate
    /// (lmrob warns "S-estimated scale == 0: Probably exact fit" in this case).
    /// </summary>
    public bool ExactFit { get; }
}
