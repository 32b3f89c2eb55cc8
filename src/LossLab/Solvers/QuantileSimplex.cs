namespace LossLab.Solvers;

/// <summary>
/// Exact minimisation of F(β) = Σᵢ ρ_τ(yᵢ − xᵢᵀβ) by descent over bases (a simplex method on the quantile-regression
/// linear programme, with Barrodale–Roberts' long steps). See <see cref="Irls"/> for the mathematics.
/// </summary>
internal static class QuantileSimplex
{
    private const int MaxDegenerateBases = 20_000;

    internal readonly record struct Result(double[] Beta, int[] Basis, int Exchanges, bool Optimal);

    /// <summary>Minimises the check loss starting from the vertex nearest to a warm start (given by its residuals).</summary>
    public static Result Solve(Design x, double[] y, double tau, double[] startResiduals)
    {
        int n = x.Rows;
        int p = x.Columns;
        var columnScale = new double[p];
        for (int j = 0; j < p; j++)
        {
            double s = PivotedQr.Norm2(x.Values.AsSpan(j * n, n));
            columnScale[j] = s > 0 ? s : 1;
        }

        int[] basis = InitialBasis(x, columnScale, startResiduals);
        Vertex current = Vertex.At(x, y, tau, basis, columnScale)
            ?? throw new InvalidOperationException("the initial basis of the exact L1/quantile solver is singular");
        var visited = new HashSet<string> { Key(basis) };
        int maxExchanges = (50 * (n + p)) + 100;
        int exchanges = 0;
        while (exchanges < maxExchanges)
        {
            Edge? edge = BestEdge(x, current, current.Basis, current.Inverse, tau);
            int[] edgeBasis = current.Basis;
            if (edge is null)
            {
                (Edge? Edge, int[] Basis, bool Exhausted) degenerate = SearchDegenerate(x, current, tau, columnScale);
                if (degenerate.Edge is null)
                {
                    return new Result(current.Beta, Sorted(current.Basis), exchanges, degenerate.Exhausted);
                }

                edge = degenerate.Edge;
                edgeBasis = degenerate.Basis;
            }

            int entering = LineSearch(current, edge.Value);
            if (entering < 0)
            {
                // the objective would decrease without bound: impossible for a full-rank X and 0 < τ < 1
                return new Result(current.Beta, Sorted(current.Basis), exchanges, false);
            }

            int[] nextBasis = (int[])edgeBasis.Clone();
            nextBasis[edge.Value.Position] = entering;
            Vertex? next = Vertex.At(x, y, tau, nextBasis, columnScale);
            if (next is null || !visited.Add(Key(nextBasis)) || next.Objective > current.Objective * (1 + 1e-13))
            {
                // rounding stalled the descent (a singular or revisited basis, or no decrease): stop uncertified
                return new Result(current.Beta, Sorted(current.Basis), exchanges, false);
            }

            current = next;
            exchanges++;
        }

        return new Result(current.Beta, Sorted(current.Basis), exchanges, false);
    }

    private static string Key(int[] basis) => string.Join(",", Sorted(basis));

    private static int[] Sorted(int[] basis)
    {
        int[] sorted = (int[])basis.Clone();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>
    /// p observations with the smallest |rᵢ| whose rows are linearly independent (Gram–Schmidt on the
    /// column-equilibrated rows, twice, accepting a row whose remainder keeps more than 10⁻⁹ of its norm).
    /// </summary>
    private static int[] InitialBasis(Design x, double[] columnScale, double[] residuals)
    {
        int n = x.Rows;
        int p = x.Columns;
        int[] order = Enumerable.Range(0, n).OrderBy(i => Math.Abs(residuals[i])).ThenBy(i => i).ToArray();
        var basis = new List<int>(p);
        var q = new List<double[]>(p);
        foreach (double threshold in (ReadOnlySpan<double>)[1e-9, 1e-13])
        {
            foreach (int i in order)
            {
                if (basis.Count == p)
                {
                    break;
                }

                if (basis.Contains(i))
                {
                    continue;
                }

                var v = new double[p];
                for (int j = 0; j < p; j++)
                {
                    v[j] = x[i, j] / columnScale[j];
                }

                double norm0 = PivotedQr.Norm2(v);
                if (norm0 == 0)
                {
                    continue;
                }

                for (int pass = 0; pass < 2; pass++)
                {
                    foreach (double[] u in q)
                    {
                        double dot = 0;
                        for (int j = 0; j < p; j++)
                        {
                            dot += u[j] * v[j];
                        }

                        for (int j = 0; j < p; j++)
                        {
                            v[j] -= dot * u[j];
                        }
                    }
                }

                double norm = PivotedQr.Norm2(v);
                if (norm > threshold * norm0)
                {
                    for (int j = 0; j < p; j++)
                    {
                        v[j] /= norm;
                    }

                    q.Add(v);
                    basis.Add(i);
                }
            }
        }

        return basis.Count == p
            ? basis.ToArray()
            : throw new InvalidOperationException("no p linearly independent observations for the exact L1/quantile solver");
    }

    /// <summary>An edge from a vertex: free basis position <see cref="Position"/> in direction s·X_h⁻¹e_j.</summary>
    private readonly record struct Edge(int Position, double Sign, double Slope, double[] A);

    /// <summary>
    /// The steepest descending edge of the basis, or null. For direction d = s·X_h⁻¹e_j, aᵢ = s·xᵢᵀX_h⁻¹e_j and the
    /// right derivative of F is Σ_{rᵢ≠0} −aᵢψ_τ(rᵢ) + Σ_{rᵢ=0} ρ_τ(−aᵢ) (the basis point j contributing ρ_τ(−s)).
    /// </summary>
    private static Edge? BestEdge(Design x, Vertex v, int[] basis, double[,] inverse, double tau)
    {
        int n = x.Rows;
        int p = x.Columns;
        Edge? best = null;
        var inBasis = new int[n];
        Array.Fill(inBasis, -1);
        for (int k = 0; k < p; k++)
        {
            inBasis[basis[k]] = k;
        }

        for (int j = 0; j < p; j++)
        {
            var a = new double[n];
            for (int jj = 0; jj < p; jj++)
            {
                double b = inverse[jj, j];
                if (b == 0)
                {
                    continue;
                }

                ReadOnlySpan<double> column = x.Values.AsSpan(jj * n, n);
                for (int i = 0; i < n; i++)
                {
                    a[i] += column[i] * b;
                }
            }

            for (int k = 0; k < p; k++)
            {
                a[basis[k]] = k == j ? 1 : 0;
            }

            double linear = 0;
            double zeroPlus = 0;
            double zeroMinus = 0;
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double ai = a[i];
                total += Math.Abs(ai);
                if (inBasis[i] >= 0 || ai == 0)
                {
                    continue;
                }

                if (v.Zero[i])
                {
                    zeroPlus += Check(-ai, tau);
                    zeroMinus += Check(ai, tau);
                }
                else
                {
                    linear -= ai * (v.Residuals[i] > 0 ? tau : tau - 1);
                }
            }

            double threshold = -1e-12 * total;
            double plus = linear + zeroPlus + (1 - tau);
            double minus = -linear + zeroMinus + tau;
            if (plus < threshold && (best is null || plus < best.Value.Slope))
            {
                best = new Edge(j, 1, plus, a);
            }

            if (minus < threshold && (best is null || minus < best.Value.Slope))
            {
                best = new Edge(j, -1, minus, a);
            }
        }

        return best;
    }

    /// <summary>
    /// At a degenerate vertex (more than p zero residuals) a descent direction may start from another basis of the
    /// zero-residual observations: try each (up to a cap). Exhausted = every such basis was checked.
    /// </summary>
    private static (Edge? Edge, int[] Basis, bool Exhausted) SearchDegenerate(Design x, Vertex v, double tau, double[] columnScale)
    {
        int p = x.Columns;
        var zeros = new List<int>(v.Basis);
        for (int i = 0; i < x.Rows; i++)
        {
            if (v.Zero[i] && Array.IndexOf(v.Basis, i) < 0)
            {
                zeros.Add(i);
            }
        }

        if (zeros.Count == p)
        {
            return (null, v.Basis, true);
        }

        zeros.Sort();
        string current = Key(v.Basis);
        int tried = 0;
        var pick = new int[p];
        for (int k = 0; k < p; k++)
        {
            pick[k] = k;
        }

        while (true)
        {
            int[] candidate = pick.Select(k => zeros[k]).ToArray();
            if (Key(candidate) != current)
            {
                if (++tried > MaxDegenerateBases)
                {
                    return (null, v.Basis, false);
                }

                double[,]? inverse = Vertex.Invert(x, candidate, columnScale);
                if (inverse is not null)
                {
                    Edge? edge = BestEdge(x, v, candidate, inverse, tau);
                    if (edge is not null)
                    {
                        return (edge, candidate, true);
                    }
                }
            }

            // next combination of p indices out of zeros.Count, lexicographic
            int m = zeros.Count;
            int t = p - 1;
            while (t >= 0 && pick[t] == m - p + t)
            {
                t--;
            }

            if (t < 0)
            {
                return (null, v.Basis, true);
            }

            pick[t]++;
            for (int k = t + 1; k < p; k++)
            {
                pick[k] = pick[k - 1] + 1;
            }
        }
    }

    /// <summary>
    /// Follows the edge to the minimum of the convex piecewise-linear F(β + t·d): the slope starts at the edge's
    /// (negative) derivative and rises by |aᵢ| at each breakpoint tᵢ = rᵢ/aᵢ &gt; 0; the observation whose breakpoint
    /// makes it non-negative enters the basis. Returns −1 when the slope never turns (unbounded).
    /// </summary>
    private static int LineSearch(Vertex v, Edge edge)
    {
        int n = v.Residuals.Length;
        double maxA = 0;
        for (int i = 0; i < n; i++)
        {
            maxA = Math.Max(maxA, Math.Abs(edge.A[i]));
        }

        var breakpoints = new List<(double T, int I, double W)>();
        for (int i = 0; i < n; i++)
        {
            double ai = edge.Sign * edge.A[i];
            if (v.Zero[i] || Math.Abs(ai) <= 1e-14 * maxA)
            {
                continue;
            }

            double t = v.Residuals[i] / ai;
            if (t > 0)
            {
                breakpoints.Add((t, i, Math.Abs(ai)));
            }
        }

        breakpoints.Sort((a, b) => a.T != b.T ? a.T.CompareTo(b.T) : a.I.CompareTo(b.I));
        double slope = edge.Slope;
        foreach ((double _, int i, double w) in breakpoints)
        {
            slope += w;
            if (slope >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static double Check(double r, double tau) => r >= 0 ? tau * r : (tau - 1) * r;

    /// <summary>A vertex: the basis, β solving X_h β = y_h, residuals, which residuals are zero, F(β), and X_h⁻¹.</summary>
    private sealed class Vertex
    {
        private Vertex(int[] basis, double[] beta, double[] residuals, bool[] zero, double objective, double[,] inverse)
        {
            Basis = basis;
            Beta = beta;
            Residuals = residuals;
            Zero = zero;
            Objective = objective;
            Inverse = inverse;
        }

        public int[] Basis { get; }

        public double[] Beta { get; }

        public double[] Residuals { get; }

        /// <summary>rᵢ = 0 up to rounding: |rᵢ| ≤ 1000ε·(|yᵢ| + Σ_j |x_ij β_j|). Always true on the basis.</summary>
        public bool[] Zero { get; }

        public double Objective { get; }

        public double[,] Inverse { get; }

        public static Vertex? At(Design x, double[] y, double tau, int[] basis, double[] columnScale)
        {
            int n = x.Rows;
            int p = x.Columns;
            double[,]? inverse = Invert(x, basis, columnScale);
            if (inverse is null)
            {
                return null;
            }

            // β = X_h⁻¹ y_h, then one refinement step on the basis equations
            var beta = new double[p];
            for (int pass = 0; pass < 2; pass++)
            {
                var rh = new double[p];
                for (int k = 0; k < p; k++)
                {
                    double s = y[basis[k]];
                    for (int j = 0; j < p; j++)
                    {
                        s -= x[basis[k], j] * beta[j];
                    }

                    rh[k] = s;
                }

                for (int j = 0; j < p; j++)
                {
                    double s = 0;
                    for (int k = 0; k < p; k++)
                    {
                        s += inverse[j, k] * rh[k];
                    }

                    beta[j] += s;
                }
            }

            double[] r = x.Residuals(y, beta);
            var zero = new bool[n];
            double objective = 0;
            for (int i = 0; i < n; i++)
            {
                zero[i] = Math.Abs(r[i]) <= 1000 * Math.ScaleB(1.0, -52) * x.RowMagnitude(i, y[i], beta);
                objective += Check(r[i], tau);
            }

            foreach (int i in basis)
            {
                zero[i] = true;
                r[i] = 0;
            }

            return new Vertex(basis, beta, r, zero, objective, inverse);
        }

        /// <summary>X_h⁻¹ by Gauss–Jordan elimination with partial pivoting on the column-equilibrated X_h; null if singular.</summary>
        public static double[,]? Invert(Design x, int[] basis, double[] columnScale)
        {
            int p = x.Columns;
            var a = new double[p, p];
            var inv = new double[p, p];
            double max = 0;
            for (int k = 0; k < p; k++)
            {
                for (int j = 0; j < p; j++)
                {
                    a[k, j] = x[basis[k], j] / columnScale[j];
                    max = Math.Max(max, Math.Abs(a[k, j]));
                }

                inv[k, k] = 1;
            }

            if (max == 0)
            {
                return null;
            }

            for (int c = 0; c < p; c++)
            {
                int piv = c;
                for (int k = c + 1; k < p; k++)
                {
                    if (Math.Abs(a[k, c]) > Math.Abs(a[piv, c]))
                    {
                        piv = k;
                    }
                }

                if (Math.Abs(a[piv, c]) <= 1e-13 * max)
                {
                    return null;
                }

                if (piv != c)
                {
                    for (int j = 0; j < p; j++)
                    {
                        (a[c, j], a[piv, j]) = (a[piv, j], a[c, j]);
                        (inv[c, j], inv[piv, j]) = (inv[piv, j], inv[c, j]);
                    }
                }

                double d = a[c, c];
                for (int j = 0; j < p; j++)
                {
                    a[c, j] /= d;
                    inv[c, j] /= d;
                }

                for (int k = 0; k < p; k++)
                {
                    if (k == c || a[k, c] == 0)
                    {
                        continue;
                    }

                    double f = a[k, c];
                    for (int j = 0; j < p; j++)
                    {
                        a[k, j] -= f * a[c, j];
                        inv[k, j] -= f * inv[c, j];
                    }
                }
            }

            // (X_h D⁻¹)⁻¹ = D X_h⁻¹, so X_h⁻¹ = D⁻¹ · inv
            for (int j = 0; j < p; j++)
            {
                for (int k = 0; k < p; k++)
                {
                    inv[j, k] /= columnScale[j];
                }
            }

            return inv;
        }
    }
}
