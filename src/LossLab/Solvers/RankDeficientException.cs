namespace LossLab.Solvers;

/// <summary>
/// The design matrix X (with its intercept column, when one is fitted) does not have full column rank p, so the
/// coefficients are not determined: fewer observations than coefficients (n &lt; p), a constant or all-zero column, or a
/// column that is (numerically) a linear combination of the others.
/// </summary>
/// <remarks>
/// Numerical rank is decided on the column-equilibrated design (every column scaled to unit 2-norm) from the diagonal of
/// its Householder QR factorisation with column pivoting, AΠ = QR: column k is counted when
/// |R_kk| &gt; tol·|R_00|, with tol = max(n, p)·ε (ε = 2⁻⁵², NumPy's <c>lstsq</c>/<c>matrix_rank</c> default) unless the
/// caller gives another. The columns pivoted past the rank are the ones reported in <see cref="DependentColumns"/>.
/// </remarks>
public sealed class RankDeficientException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public RankDeficientException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public RankDeficientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public RankDeficientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal RankDeficientException(string message, int rank, int coefficientCount, IReadOnlyList<int> dependentColumns)
        : base(message)
    {
        Rank = rank;
        CoefficientCount = coefficientCount;
        DependentColumns = dependentColumns;
    }

    /// <summary>The numerical rank found (−1 when the exception was created without it).</summary>
    public int Rank { get; } = -1;

    /// <summary>The number of coefficients p asked for: the columns of X, plus one for the intercept when fitted.</summary>
    public int CoefficientCount { get; }

    /// <summary>
    /// Coefficient indices (in the solver's order: intercept first when fitted, then the columns of X) that the
    /// pivoted QR found dependent on the others; empty when n &lt; p was the reason.
    /// </summary>
    public IReadOnlyList<int> DependentColumns { get; } = [];
}
