namespace LossLab.Solvers;

/// <summary>
/// Ordinary least squares, β̂ = argmin_β ‖y − Xβ‖₂², solved by Householder QR with column pivoting — never by the
/// normal equations XᵀXβ = Xᵀy, which square the condition number (Longley's design has κ₂ ≈ 5·10⁹ on the raw scale,
/// so the normal equations would lose every digit).
/// </summary>
/// <remarks>
/// <para>
/// The design is A = [1 | X] when an intercept is fitted (A = X otherwise), p = columns of A. Its columns are scaled to
/// unit 2-norm (D = diag‖a_j‖₂, which changes no fitted value), factored AD⁻¹Π = QR with Householder reflections
/// and column pivoting, the rank is read from the diagonal of R (see <see cref="RankDeficientException"/>), and
/// β̂ = D⁻¹Π·R⁻¹(Qᵀy)[0..p) by back substitution, followed by one step of iterative refinement
/// β̂ ← β̂ + LS(A, y − Aβ̂). Cost O(np²) time and O(np) memory.
/// </para>
/// <para>
/// Coefficient order: the intercept first (when fitted), then one coefficient per column of X in column order — the
/// statsmodels / R order (<c>add_constant</c>, <c>lm</c>). PyTorch's <c>nn.Linear</c> (weights, then bias) is the
/// reverse for the bias; callers that emit PyTorch's order move it.
/// </para>
/// <para>
/// Accuracy: on NIST StRD's Longley problem every coefficient agrees with the certified values to a few ×10⁻¹²
/// relative (tests/LossLab.Tests/Solvers).
/// </para>
/// </remarks>
public static class LeastSquares
{
    /// <summary>Fits y ≈ β₀ + Σ_j β_j x_ij (or y ≈ Σ_j β_j x_ij without intercept) by least squares.</summary>
    /// <param name="x">The n×d feature matrix X (rows are observations). Every entry must be finite.</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="intercept">Whether to prepend the all-ones column (coefficient 0 is then the intercept).</param>
    /// <param name="rankTolerance">
    /// Relative tolerance of the rank test |R_kk| &gt; tol·|R_00| on the equilibrated design; null for max(n, p)·2⁻⁵².
    /// </param>
    /// <returns>Coefficients (intercept first), residuals y − Xβ̂, rank p and diagnostics.</returns>
    /// <exception cref="RankDeficientException">n &lt; p, or the design's numerical rank is below p.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, or an entry is NaN or infinite.</exception>
    public static LeastSquaresFit Solve(double[,] x, double[] y, bool intercept, double? rankTolerance = null)
        => Solve(Design.From(x, y, intercept), y, rankTolerance);

    /// <summary>
    /// Fits y ≈ β₀ + Σ_j β_j x_ij by least squares, X given flat and row-major: x_ij = <paramref name="x"/>[i·d + j].
    /// </summary>
    /// <param name="x">The n·d feature values, row-major.</param>
    /// <param name="rows">n, the number of observations (≥ 1).</param>
    /// <param name="columns">d, the number of features (≥ 0; 0 with an intercept fits the mean).</param>
    /// <param name="y">The n targets (finite).</param>
    /// <param name="intercept">Whether to prepend the all-ones column (coefficient 0 is then the intercept).</param>
    /// <param name="rankTolerance">
    /// Relative tolerance of the rank test |R_kk| &gt; tol·|R_00| on the equilibrated design; null for max(n, p)·2⁻⁵².
    /// </param>
    /// <returns>Coefficients (intercept first), residuals y − Xβ̂, rank p and diagnostics.</returns>
    /// <exception cref="RankDeficientException">n &lt; p, or the design's numerical rank is below p.</exception>
    /// <exception cref="ArgumentException">Shapes disagree, or an entry is NaN or infinite.</exception>
    public static LeastSquaresFit Solve(double[] x, int rows, int columns, double[] y, bool intercept, double? rankTolerance = null)
        => Solve(Design.From(x, rows, columns, y, intercept), y, rankTolerance);

    private static LeastSquaresFit Solve(Design design, double[] y, double? rankTolerance)
    {
        if (rankTolerance is { } tol && !(tol >= 0 && tol < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rankTolerance), tol, "rankTolerance must lie in [0, 1)");
        }

        design.RequireEnoughRows();
        var qr = new PivotedQr(design.Values, design.Rows, design.Columns, rankTolerance);
        qr.RequireFullRank(design.ColumnName, "the design matrix");
        double[] beta = qr.Solve(y);
        double[] residuals = design.Residuals(y, beta);
        return new LeastSquaresFit(beta, residuals, qr.Rank, design.Intercept, qr.ConditionEstimate);
    }

    /// <summary>Weighted least squares min Σ wᵢ(yᵢ − xᵢᵀβ)² through the same QR on diag(√w)·A, diag(√w)·y.</summary>
    internal static double[] SolveWeighted(Design design, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, string context)
    {
        var sqrtW = new double[design.Rows];
        var wy = new double[design.Rows];
        for (int i = 0; i < design.Rows; i++)
        {
            sqrtW[i] = Math.Sqrt(weights[i]);
            wy[i] = sqrtW[i] * y[i];
        }

        var qr = new PivotedQr(design.WeightedValues(sqrtW), design.Rows, design.Columns, null);
        qr.RequireFullRank(design.ColumnName, context);
        return qr.Solve(wy);
    }

    /// <summary>Unweighted least squares on a validated design (rank checked).</summary>
    internal static double[] SolveDesign(Design design, ReadOnlySpan<double> y)
    {
        design.RequireEnoughRows();
        var qr = new PivotedQr(design.Values, design.Rows, design.Columns, null);
        qr.RequireFullRank(design.ColumnName, "the design matrix");
        return qr.Solve(y);
    }
}

/// <summary>The result of <see cref="LeastSquares.Solve(double[,], double[], bool, double?)"/>.</summary>
public sealed class LeastSquaresFit
{
    internal LeastSquaresFit(double[] coefficients, double[] residuals, int rank, bool hasIntercept, double conditionEstimate)
    {
        Coefficients = coefficients;
        Residuals = residuals;
        Rank = rank;
        HasIntercept = hasIntercept;
        ConditionEstimate = conditionEstimate;
        double ssr = 0;
        foreach (double r in residuals)
        {
            ssr += r * r;
        }

        ResidualSumOfSquares = ssr;
    }

    /// <summary>
    /// β̂, length p: the intercept first when <see cref="HasIntercept"/>, then one coefficient per column of X in
    /// column order.
    /// </summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>rᵢ = yᵢ − ŷᵢ = yᵢ − (β₀ + Σ_j β_j x_ij), computed from the original data.</summary>
    public IReadOnlyList<double> Residuals { get; }

    /// <summary>The numerical rank of the design; always p (= <see cref="Coefficients"/>.Count) for a returned fit.</summary>
    public int Rank { get; }

    /// <summary>Whether coefficient 0 is an intercept.</summary>
    public bool HasIntercept { get; }

    /// <summary>RSS = Σᵢ rᵢ².</summary>
    public double ResidualSumOfSquares { get; }

    /// <summary>
    /// |R_00| / |R_{p−1,p−1}| from the pivoted QR of the column-equilibrated design: an inexpensive estimate (usually
    /// within a small factor) of its 2-norm condition number κ₂(AD⁻¹). Expect about κ·10⁻¹⁶ relative error in β̂.
    /// </summary>
    public double ConditionEstimate { get; }
}
