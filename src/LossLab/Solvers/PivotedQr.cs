using System.Globalization;

namespace LossLab.Solvers;

/// <summary>
/// Householder QR with column pivoting (Businger–Golub) of a column-equilibrated n×p matrix, n ≥ p:
/// A·D⁻¹·Π = Q·R with D = diag(‖a_j‖₂), Π the pivoting permutation (at step k the remaining column of largest
/// 2-norm comes next, so |R_00| ≥ |R_11| ≥ … ), Q = H_0·H_1·…·H_{p−1}, H_k = I − τ_k v_k v_kᵀ (v_k[k] = 1, LAPACK's
/// <c>dlarfg</c> convention). Least squares never forms AᵀA: min‖Ax − b‖₂ is solved as R z = (Qᵀb)[0..p),
/// x = D⁻¹Π z, followed by one step of iterative refinement on the residual b − Ax computed from the original A.
/// </summary>
internal sealed class PivotedQr
{
    private readonly int _n;
    private readonly int _p;
    private readonly double[] _a;
    private readonly double[] _qr;
    private readonly double[] _tau;
    private readonly double[] _scale;
    private readonly int[] _perm;

    /// <summary>Factors <paramref name="a"/> (column-major, n×p, not modified).</summary>
    public PivotedQr(double[] a, int n, int p, double? rankTolerance)
    {
        _n = n;
        _p = p;
        _a = a;
        _qr = new double[n * p];
        _tau = new double[p];
        _scale = new double[p];
        _perm = new int[p];
        var norms = new double[p];

        for (int j = 0; j < p; j++)
        {
            double s = Norm2(a.AsSpan(j * n, n));
            _scale[j] = s > 0 ? s : 1.0;
            _perm[j] = j;
            for (int i = 0; i < n; i++)
            {
                _qr[(j * n) + i] = a[(j * n) + i] / _scale[j];
            }
        }

        for (int k = 0; k < p; k++)
        {
            // pivot: the trailing column with the largest remaining norm (first one on ties), recomputed exactly
            int best = k;
            double bestNorm = -1;
            for (int j = k; j < p; j++)
            {
                norms[j] = Norm2(_qr.AsSpan((j * n) + k, n - k));
                if (norms[j] > bestNorm)
                {
                    bestNorm = norms[j];
                    best = j;
                }
            }

            if (best != k)
            {
                for (int i = 0; i < n; i++)
                {
                    (_qr[(k * n) + i], _qr[(best * n) + i]) = (_qr[(best * n) + i], _qr[(k * n) + i]);
                }

                (_perm[k], _perm[best]) = (_perm[best], _perm[k]);
            }

            Span<double> column = _qr.AsSpan((k * n) + k, n - k);
            double alpha = column[0];
            double xnorm = Norm2(column[1..]);
            if (xnorm == 0)
            {
                _tau[k] = 0; // H_k = I; R_kk = alpha
                continue;
            }

            double beta = -Math.CopySign(Hypot(alpha, xnorm), alpha);
            _tau[k] = (beta - alpha) / beta;
            double scal = 1.0 / (alpha - beta);
            for (int i = 1; i < column.Length; i++)
            {
                column[i] *= scal;
            }

            column[0] = beta;

            for (int j = k + 1; j < p; j++)
            {
                Span<double> target = _qr.AsSpan((j * n) + k, n - k);
                double w = target[0];
                for (int i = 1; i < target.Length; i++)
                {
                    w += column[i] * target[i];
                }

                w *= _tau[k];
                target[0] -= w;
                for (int i = 1; i < target.Length; i++)
                {
                    target[i] -= w * column[i];
                }
            }
        }

        double r00 = Math.Abs(_qr[0]);
        double tol = rankTolerance ?? DefaultRankTolerance(n, p);
        int rank = 0;
        while (rank < p && r00 > 0 && Math.Abs(R(rank, rank)) > tol * r00)
        {
            rank++;
        }

        Rank = rank;
        ConditionEstimate = rank == p ? r00 / Math.Abs(R(p - 1, p - 1)) : double.PositiveInfinity;
    }

    /// <summary>Numerical rank: the number of leading |R_kk| above tol·|R_00|.</summary>
    public int Rank { get; }

    /// <summary>|R_00| / |R_{p−1,p−1}| of the equilibrated matrix: a cheap estimate of its 2-norm condition number.</summary>
    public double ConditionEstimate { get; }

    /// <summary>The original column indices pivoted past the rank (the dependent ones).</summary>
    public int[] DependentColumns() => _perm[Rank..];

    public double R(int row, int column) => _qr[(column * _n) + row];

    /// <summary>Throws <see cref="RankDeficientException"/> when the rank is below p.</summary>
    public void RequireFullRank(Func<int, string> columnName, string context)
    {
        if (Rank == _p)
        {
            return;
        }

        int[] dependent = DependentColumns();
        string names = string.Join(", ", dependent.Select(columnName));
        throw new RankDeficientException(
            string.Create(CultureInfo.InvariantCulture, $"{context} has rank {Rank} < {_p} coefficients: {names} {(dependent.Length == 1 ? "is" : "are")} (numerically) a linear combination of the other columns (condition beyond the tolerance); drop or combine collinear columns, or remove a constant column when an intercept is fitted"),
            Rank,
            _p,
            dependent);
    }

    /// <summary>x minimising ‖Ax − b‖₂ (full rank required), with one step of iterative refinement.</summary>
    public double[] Solve(ReadOnlySpan<double> b)
    {
        double[] x = SolveOnce(b);
        var r = new double[_n];
        b.CopyTo(r);
        for (int j = 0; j < _p; j++)
        {
            double xj = x[j];
            ReadOnlySpan<double> column = _a.AsSpan(j * _n, _n);
            for (int i = 0; i < _n; i++)
            {
                r[i] -= column[i] * xj;
            }
        }

        double[] dx = SolveOnce(r);
        for (int j = 0; j < _p; j++)
        {
            x[j] += dx[j];
        }

        return x;
    }

    private double[] SolveOnce(ReadOnlySpan<double> b)
    {
        var c = b.ToArray();
        for (int k = 0; k < _p; k++)
        {
            if (_tau[k] == 0)
            {
                continue;
            }

            ReadOnlySpan<double> v = _qr.AsSpan((k * _n) + k, _n - k);
            double w = c[k];
            for (int i = 1; i < v.Length; i++)
            {
                w += v[i] * c[k + i];
            }

            w *= _tau[k];
            c[k] -= w;
            for (int i = 1; i < v.Length; i++)
            {
                c[k + i] -= w * v[i];
            }
        }

        var z = new double[_p];
        for (int k = _p - 1; k >= 0; k--)
        {
            double s = c[k];
            for (int j = k + 1; j < _p; j++)
            {
                s -= R(k, j) * z[j];
            }

            z[k] = s / R(k, k);
        }

        var x = new double[_p];
        for (int k = 0; k < _p; k++)
        {
            x[_perm[k]] = z[k] / _scale[_perm[k]];
        }

        return x;
    }

    /// <summary>max(n, p)·ε with ε = 2⁻⁵² (NumPy's default <c>rcond</c>).</summary>
    internal static double DefaultRankTolerance(int n, int p) => Math.Max(n, p) * Math.ScaleB(1.0, -52);

    /// <summary>‖x‖₂ without overflow or harmful underflow (scaled accumulation, as BLAS <c>dnrm2</c>).</summary>
    internal static double Norm2(ReadOnlySpan<double> x)
    {
        double scale = 0;
        double ssq = 1;
        foreach (double v in x)
        {
            if (v != 0)
            {
                double a = Math.Abs(v);
                if (scale < a)
                {
                    double q = scale / a;
                    ssq = 1 + (ssq * q * q);
                    scale = a;
                }
                else
                {
                    double q = a / scale;
                    ssq += q * q;
                }
            }
        }

        return scale * Math.Sqrt(ssq);
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a);
        double y = Math.Abs(b);
        double m = Math.Max(x, y);
        if (m == 0)
        {
            return 0;
        }

        double u = x / m;
        double w = y / m;
        return m * Math.Sqrt((u * u) + (w * w));
    }
}
