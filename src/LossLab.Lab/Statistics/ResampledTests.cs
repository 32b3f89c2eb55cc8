using System.Globalization;

namespace LossLab.Lab.Statistics;

/// <summary>
/// The corrected resampled t-test of Nadeau &amp; Bengio (2003).
/// </summary>
/// <param name="MeanDifference">d̄ = (1/J)Σ_j d_j (NaN when there are no pairs).</param>
/// <param name="StandardError">SE = √((1/J + n_test/n_train)·σ̂²), σ̂² the sample variance (divisor J − 1); NaN when J &lt; 2.</param>
/// <param name="TStatistic">t = d̄/SE; ±∞ when σ̂ = 0 and d̄ ≠ 0, 0 when both are 0, NaN when J &lt; 2.</param>
/// <param name="DegreesOfFreedom">J − 1; NaN when J &lt; 2.</param>
/// <param name="PValue">Two-sided p = 2·P(T_{J−1} &gt; |t|), at least 1e-300 (smaller values mean p &lt; 1e-300); 1 when J &lt; 2.</param>
/// <param name="Low">Lower end of the interval d̄ − t_{(1+conf)/2, J−1}·SE (−∞ when J &lt; 2).</param>
/// <param name="High">Upper end of the interval d̄ + t_{(1+conf)/2, J−1}·SE (+∞ when J &lt; 2).</param>
/// <param name="Pairs">J, the number of paired differences.</param>
public sealed record CorrectedTTest(double MeanDifference, double StandardError, double TStatistic, double DegreesOfFreedom, double PValue, double Low, double High, int Pairs);

/// <summary>
/// Friedman's test of k candidates over N blocks (Demšar 2006), with the Iman–Davenport F form.
/// </summary>
/// <param name="AverageRanks">R̄_j = (1/N)Σ_i r_ij per candidate (column); rank 1 is the best in a block, ties share the average rank.</param>
/// <param name="ChiSquare">
/// χ²_F = [12/(N·k(k + 1))·Σ_j R_j² − 3N(k + 1)] / C with R_j = Σ_i r_ij and the tie correction
/// C = 1 − Σ(t³ − t)/(N·k(k² − 1)) over the groups of t tied scores in each block (C = 1 without ties, Demšar's formula;
/// scipy.stats.friedmanchisquare's form). 0 when every block is all ties (C = 0).
/// </param>
/// <param name="ChiSquarePValue">P(χ²_{k−1} &gt; χ²_F), at least 1e-300.</param>
/// <param name="ImanDavenportF">F_F = (N − 1)χ²_F/(N(k − 1) − χ²_F); +∞ when every block ranks the candidates identically (χ²_F = N(k − 1)).</param>
/// <param name="ImanDavenportPValue">P(F_{k−1,(k−1)(N−1)} &gt; F_F), at least 1e-300.</param>
/// <param name="Blocks">N, the number of blocks (rows).</param>
/// <param name="Candidates">k, the number of candidates (columns).</param>
public sealed record FriedmanTest(IReadOnlyList<double> AverageRanks, double ChiSquare, double ChiSquarePValue, double ImanDavenportF, double ImanDavenportPValue, int Blocks, int Candidates);

/// <summary>
/// Tests for comparing learners from resampled estimates: the corrected resampled t-test, Holm's step-down
/// adjustment, Friedman's test with Nemenyi's critical difference, and a sign-flip permutation test.
/// </summary>
public static class ResampledTests
{
    /// <summary>
    /// The corrected resampled t-test (Nadeau &amp; Bengio 2003, as in Bouckaert &amp; Frank 2004). For J = K·R paired
    /// differences d_j of a score from R repetitions of K-fold cross-validation,
    /// t = d̄ / √((1/J + n_test/n_train)·σ̂²), σ̂² = Σ(d_j − d̄)²/(J − 1), with J − 1 degrees of freedom; the term
    /// n_test/n_train corrects the variance for the overlap of the training sets.
    /// </summary>
    /// <param name="differences">The J paired differences (finite).</param>
    /// <param name="testToTrainRatio">n_test/n_train ≥ 0 (1/(K − 1) for K-fold cross-validation; 0 gives the plain paired t-test).</param>
    /// <param name="confidence">The confidence of the interval d̄ ± t_{(1+conf)/2, J−1}·SE, in (0, 1).</param>
    /// <returns>
    /// The test. Degenerate cases, never thrown: σ̂ = 0 and d̄ = 0 gives t = 0, p = 1 and the interval [0, 0];
    /// σ̂ = 0 and d̄ ≠ 0 gives t = ±∞, p = 1e-300 (read: p &lt; 1e-300) and the interval [d̄, d̄]; J &lt; 2 gives NaN
    /// standard error, t and degrees of freedom, p = 1 and the interval (−∞, +∞).
    /// </returns>
    /// <exception cref="ArgumentException">A difference is NaN or infinite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is negative or not finite, or the confidence is outside (0, 1).</exception>
    public static CorrectedTTest NadeauBengio(ReadOnlySpan<double> differences, double testToTrainRatio, double confidence = 0.95)
    {
        if (!(testToTrainRatio >= 0 && double.IsFinite(testToTrainRatio)))
        {
            throw new ArgumentOutOfRangeException(nameof(testToTrainRatio), testToTrainRatio, "n_test/n_train must be finite and non-negative");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "the confidence must lie in (0, 1)");
        }

        int j = differences.Length;
        double mean = 0;
        for (int i = 0; i < j; i++)
        {
            if (!double.IsFinite(differences[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"differences[{i}] is {differences[i]}; every difference must be finite"), nameof(differences));
            }

            mean += differences[i];
        }

        if (j < 2)
        {
            return new CorrectedTTest(j == 1 ? mean : double.NaN, double.NaN, double.NaN, double.NaN, 1, double.NegativeInfinity, double.PositiveInfinity, j);
        }

        mean /= j;
        double ss = 0, drift = 0;
        foreach (double d in differences)
        {
            double c = d - mean;
            ss += c * c;
            drift += c;
        }

        // two-pass variance with the compensating term of the corrected two-pass algorithm
        double variance = Math.Max(0, (ss - (drift * drift / j)) / (j - 1));
        double se = Math.Sqrt(((1.0 / j) + testToTrainRatio) * variance);
        double df = j - 1;
        if (se == 0)
        {
            return mean == 0
                ? new CorrectedTTest(mean, 0, 0, df, 1, 0, 0, j)
                : new CorrectedTTest(mean, 0, Math.CopySign(double.PositiveInfinity, mean), df, Distributions.PValueFloor, mean, mean, j);
        }

        double t = mean / se;
        double p = Distributions.TwoSided(Distributions.StudentTUpperTail(Math.Abs(t), df));
        double critical = Distributions.StudentTQuantile(0.5 * (1 + confidence), df);
        return new CorrectedTTest(mean, se, t, df, p, mean - (critical * se), mean + (critical * se), j);
    }

    /// <summary>
    /// Holm's step-down adjustment: with the m p-values sorted p₍₁₎ ≤ … ≤ p₍ₘ₎ (ties in input order),
    /// p̃₍ᵢ₎ = min(1, max_{j≤i} (m − j + 1)·p₍ⱼ₎), returned in the input order. Rejecting p̃ ≤ α controls the
    /// family-wise error rate at α.
    /// </summary>
    /// <param name="pValues">The raw p-values, each in [0, 1].</param>
    /// <returns>The adjusted p-values (same order and length; monotone in the raw p-values, each ≥ its raw value, at most 1).</returns>
    /// <exception cref="ArgumentException">A p-value is NaN or outside [0, 1].</exception>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        int m = pValues.Count;
        for (int i = 0; i < m; i++)
        {
            if (!(pValues[i] >= 0 && pValues[i] <= 1))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"pValues[{i}] is {pValues[i]}; a p-value must lie in [0, 1]"), nameof(pValues));
            }
        }

        int[] order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }

    /// <summary>
    /// Friedman's rank test of k candidates over N blocks, e.g. k models scored on N cross-validation splits: each
    /// block is ranked (1 = best, ties averaged), then χ²_F with k − 1 degrees of freedom and the Iman–Davenport
    /// F_F = (N − 1)χ²_F/(N(k − 1) − χ²_F) with (k − 1, (k − 1)(N − 1)) degrees of freedom (see <see cref="FriedmanTest"/>).
    /// </summary>
    /// <param name="scores">N×k scores: rows are blocks, columns are candidates; finite.</param>
    /// <param name="lowerIsBetter">Whether a lower score ranks better (losses) or a higher one (accuracies).</param>
    /// <returns>The average ranks and both statistics with their p-values (floored at 1e-300).</returns>
    /// <exception cref="ArgumentException">Fewer than 2 blocks or 2 candidates, or a score is NaN or infinite.</exception>
    public static FriedmanTest Friedman(double[,] scores, bool lowerIsBetter)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int n = scores.GetLength(0), k = scores.GetLength(1);
        if (n < 2 || k < 2)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Friedman's test needs at least 2 blocks and 2 candidates, got {n}×{k}"), nameof(scores));
        }

        var rankSums = new double[k];
        var row = new double[k];
        var ranks = new double[k];
        double ties = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double v = scores[i, j];
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"scores[{i}, {j}] is {v}; every score must be finite"), nameof(scores));
                }

                row[j] = lowerIsBetter ? v : -v;
            }

            ties += AverageRanks(row, ranks);
            for (int j = 0; j < k; j++)
            {
                rankSums[j] += ranks[j];
            }
        }

        double sumSquares = 0;
        foreach (double r in rankSums)
        {
            sumSquares += r * r;
        }

        double correction = 1 - (ties / (n * (double)k * (((double)k * k) - 1)));
        double numerator = (12.0 / (n * (double)k * (k + 1)) * sumSquares) - (3.0 * n * (k + 1));
        double chi2 = correction > 1e-12 ? Math.Max(0, numerator / correction) : 0;
        double chi2P = Distributions.Floor(Distributions.ChiSquareUpperTail(chi2, k - 1));
        double denominator = (n * (k - 1.0)) - chi2;
        double f = denominator > 1e-12 * n * (k - 1.0) ? (n - 1.0) * chi2 / denominator : double.PositiveInfinity;
        double fP = Distributions.Floor(Distributions.FUpperTail(f, k - 1, (k - 1.0) * (n - 1)));
        return new FriedmanTest(rankSums.Select(r => r / n).ToArray(), chi2, chi2P, f, fP, n, k);
    }

    /// <summary>
    /// Nemenyi's critical difference of average ranks (Demšar 2006): CD = q_α·√(k(k + 1)/(6N)), with
    /// q_α = <see cref="Distributions.StudentizedRangeQuantile"/>(1 − α, k)/√2. Two candidates whose average ranks differ
    /// by more than CD differ significantly at level α (all pairs compared).
    /// </summary>
    /// <param name="k">The number of candidates, 2 ≤ k ≤ 1000.</param>
    /// <param name="blocks">N ≥ 1, the number of blocks.</param>
    /// <param name="alpha">The family-wise level, in (0, 1).</param>
    /// <returns>CD in rank units.</returns>
    public static double NemenyiCriticalDifference(int k, int blocks, double alpha = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        if (!(alpha > 0 && alpha < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in (0, 1)");
        }

        double q = Distributions.StudentizedRangeQuantile(1 - alpha, k) / Math.Sqrt(2);
        return q * Math.Sqrt(k * (k + 1.0) / (6.0 * blocks));
    }

    /// <summary>
    /// The two-sided sign-flip (paired permutation) test of a zero mean difference: the statistic is S = |Σᵢ dᵢ| and
    /// under the null every sign pattern of the dᵢ is equally likely. A pattern counts as at least as extreme when
    /// |Σ sᵢdᵢ| ≥ S − 10⁻¹²·Σ|dᵢ| (the slack absorbs rounding in sums that are equal in exact arithmetic).
    /// </summary>
    /// <param name="differences">The n paired differences (finite; n ≤ 10⁷).</param>
    /// <param name="resamples">m ≥ 1. When 2ⁿ ≤ m all 2ⁿ sign patterns are enumerated and p = count/2ⁿ (exact; the
    /// identity is among them, so p ≥ 2⁻ⁿ); otherwise m random patterns are drawn and p = (b + 1)/(m + 1) with b the
    /// number at least as extreme (never 0).</param>
    /// <param name="seed">The seed of the random signs (SplitMix64; the result is deterministic for a given seed).</param>
    /// <returns>The p-value in (0, 1]; 1 for no differences.</returns>
    /// <exception cref="ArgumentException">A difference is NaN or infinite.</exception>
    public static double SignFlipPValue(ReadOnlySpan<double> differences, int resamples, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        int n = differences.Length;
        double observed = 0, magnitude = 0;
        for (int i = 0; i < n; i++)
        {
            double d = differences[i];
            if (!double.IsFinite(d))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"differences[{i}] is {d}; every difference must be finite"), nameof(differences));
            }

            observed += d;
            magnitude += Math.Abs(d);
        }

        if (n == 0)
        {
            return 1;
        }

        double threshold = Math.Abs(observed) - (1e-12 * magnitude);
        if (n < 31 && (1L << n) <= resamples)
        {
            long patterns = 1L << n, count = 0;
            for (long pattern = 0; pattern < patterns; pattern++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    sum += ((pattern >> i) & 1) == 0 ? differences[i] : -differences[i];
                }

                if (Math.Abs(sum) >= threshold)
                {
                    count++;
                }
            }

            return count / (double)patterns;
        }

        ulong state = unchecked((ulong)seed);
        long extreme = 0;
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            ulong bits = 0;
            for (int i = 0; i < n; i++)
            {
                if ((i & 63) == 0)
                {
                    bits = SplitMix64(ref state);
                }

                sum += (bits & 1) == 0 ? differences[i] : -differences[i];
                bits >>= 1;
            }

            if (Math.Abs(sum) >= threshold)
            {
                extreme++;
            }
        }

        return (extreme + 1.0) / (resamples + 1.0);
    }

    /// <summary>Ranks of <paramref name="values"/> (1 = smallest, ties averaged) into <paramref name="ranks"/>; returns Σ(t³ − t) over tie groups.</summary>
    private static double AverageRanks(double[] values, double[] ranks)
    {
        int k = values.Length;
        int[] order = Enumerable.Range(0, k).OrderBy(j => values[j]).ThenBy(j => j).ToArray();
        double ties = 0;
        int start = 0;
        while (start < k)
        {
            int end = start + 1;
            while (end < k && values[order[end]] == values[order[start]])
            {
                end++;
            }

            double rank = 0.5 * (start + 1 + end); // mean of ranks start+1 … end
            for (int m = start; m < end; m++)
            {
                ranks[order[m]] = rank;
            }

            double t = end - start;
            ties += (t * t * t) - t;
            start = end;
        }

        return ties;
    }

    /// <summary>SplitMix64 (Steele, Lea &amp; Flood 2014): state += 0x9E3779B97F4A7C15, then two xor-shift-multiply rounds.</summary>
    private static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
