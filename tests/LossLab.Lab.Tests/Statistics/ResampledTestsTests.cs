using System.Text.Json;
using LossLab.Lab.Statistics;
using Xunit.Abstractions;
using static LossLab.Lab.Tests.Statistics.StatisticsGolden;

namespace LossLab.Lab.Tests.Statistics;

public sealed class ResampledTestsTests(ITestOutputHelper output)
{
    private static readonly StatisticsGolden Goldens = StatisticsGolden.Load("resampled.json");

    [Fact]
    public void Nadeau_Bengio_matches_a_direct_numpy_scipy_computation()
    {
        var worst = new WorstError("Nadeau-Bengio vs numpy/scipy (interval with mpmath's t quantile)");
        var scipyInterval = new WorstError("Nadeau-Bengio interval with scipy's t.ppf");
        int count = 0;
        foreach (JsonElement c in Goldens.OfKind("nadeau_bengio"))
        {
            string id = c.GetProperty("id").GetString()!;
            double[] d = Numbers(c, "d");
            CorrectedTTest r = ResampledTests.NadeauBengio(d, Number(c, "ratio"), Number(c, "confidence"));
            JsonElement e = c.GetProperty("expected");
            Assert.Equal(d.Length, r.Pairs);
            worst.Add(r.MeanDifference, Number(e, "mean"), id + " mean");
            worst.Add(r.StandardError, Number(e, "se"), id + " se");
            worst.Add(r.TStatistic, Number(e, "t"), id + " t");
            worst.Add(r.DegreesOfFreedom, Number(e, "df"), id + " df");
            worst.Add(r.PValue, Number(e, "p"), id + " p");
            worst.Add(r.Low, Number(e, "low_mp"), id + " low");
            worst.Add(r.High, Number(e, "high_mp"), id + " high");
            scipyInterval.Add(r.Low, Number(e, "low"), id + " low");
            scipyInterval.Add(r.High, Number(e, "high"), id + " high");
            count++;
        }

        Assert.Equal(5, count);
        worst.AssertBelow(1e-12, output);
        scipyInterval.AssertBelow(1e-9, output); // scipy's t.ppf carries about 1e-10 relative error
    }

    [Fact]
    public void Nadeau_Bengio_p_is_symmetric_in_the_sign_and_the_correction_widens_the_interval()
    {
        double[] d = [0.3, -0.1, 0.25, 0.4, 0.05, 0.2, -0.02, 0.33, 0.12, 0.18];
        double[] flipped = d.Select(v => -v).ToArray();
        CorrectedTTest a = ResampledTests.NadeauBengio(d, 1 / 9.0);
        CorrectedTTest b = ResampledTests.NadeauBengio(flipped, 1 / 9.0);
        Assert.Equal(a.PValue, b.PValue, 15);
        Assert.Equal(-a.TStatistic, b.TStatistic, 15);
        Assert.Equal(-a.High, b.Low, 14);

        CorrectedTTest plain = ResampledTests.NadeauBengio(d, 0);
        Assert.True(plain.PValue < a.PValue);
        Assert.True(plain.High - plain.Low < a.High - a.Low);
        Assert.Equal(Math.Sqrt((1.0 / 10) + (1 / 9.0)) / Math.Sqrt(1.0 / 10), a.StandardError / plain.StandardError, 12);
    }

    [Fact]
    public void Nadeau_Bengio_degenerate_cases_are_documented_values()
    {
        CorrectedTTest zero = ResampledTests.NadeauBengio([0.0, 0.0, 0.0], 0.25);
        Assert.Equal(1, zero.PValue);
        Assert.Equal((0.0, 0.0), (zero.Low, zero.High));

        CorrectedTTest constant = ResampledTests.NadeauBengio([0.5, 0.5, 0.5, 0.5], 0.25);
        Assert.Equal(Distributions.PValueFloor, constant.PValue);
        Assert.Equal(double.PositiveInfinity, constant.TStatistic);
        Assert.Equal((0.5, 0.5), (constant.Low, constant.High));

        CorrectedTTest one = ResampledTests.NadeauBengio([0.7], 0.25);
        Assert.Equal(1, one.PValue);
        Assert.True(double.IsNaN(one.TStatistic) && double.IsNaN(one.StandardError));
        Assert.Equal(0.7, one.MeanDifference);
        Assert.Equal((double.NegativeInfinity, double.PositiveInfinity), (one.Low, one.High));
        Assert.True(double.IsNaN(ResampledTests.NadeauBengio([], 0.25).MeanDifference));

        Assert.Throws<ArgumentException>(() => ResampledTests.NadeauBengio([1.0, double.NaN], 0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResampledTests.NadeauBengio([1.0, 2.0], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResampledTests.NadeauBengio([1.0, 2.0], 0.1, 1));
    }

    [Fact]
    public void Holm_matches_statsmodels()
    {
        int count = 0;
        foreach (JsonElement c in Goldens.OfKind("holm"))
        {
            double[] adjusted = ResampledTests.Holm(Numbers(c, "p"));
            double[] expected = Numbers(c, "adjusted");
            Assert.Equal(expected.Length, adjusted.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(RelativeError(adjusted[i], expected[i]) <= 1e-15, $"{c.GetProperty("id").GetString()}[{i}]: {adjusted[i]:R} vs {expected[i]:R}");
            }

            count++;
        }

        Assert.Equal(5, count);
    }

    [Fact]
    public void Holm_is_monotone_at_least_the_raw_value_and_capped()
    {
        var random = new Random(4);
        for (int trial = 0; trial < 50; trial++)
        {
            double[] p = Enumerable.Range(0, 1 + random.Next(30)).Select(_ => Math.Pow(random.NextDouble(), 3)).ToArray();
            double[] adjusted = ResampledTests.Holm(p);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.InRange(adjusted[i], p[i], 1);
                for (int j = 0; j < p.Length; j++)
                {
                    if (p[i] <= p[j])
                    {
                        Assert.True(adjusted[i] <= adjusted[j]);
                    }
                }
            }
        }

        Assert.Throws<ArgumentException>(() => ResampledTests.Holm([0.1, double.NaN]));
        Assert.Empty(ResampledTests.Holm([]));
    }

    [Fact]
    public void Friedman_matches_scipy()
    {
        var worst = new WorstError("Friedman vs scipy");
        int count = 0;
        foreach (JsonElement c in Goldens.OfKind("friedman"))
        {
            string id = c.GetProperty("id").GetString()!;
            double[][] rows = c.GetProperty("scores").EnumerateArray().Select(r => r.EnumerateArray().Select(Number).ToArray()).ToArray();
            var scores = new double[rows.Length, rows[0].Length];
            for (int i = 0; i < rows.Length; i++)
            {
                for (int j = 0; j < rows[0].Length; j++)
                {
                    scores[i, j] = rows[i][j];
                }
            }

            FriedmanTest f = ResampledTests.Friedman(scores, c.GetProperty("lower_is_better").GetBoolean());
            double[] expectedRanks = Numbers(c, "average_ranks");
            for (int j = 0; j < expectedRanks.Length; j++)
            {
                worst.Add(f.AverageRanks[j], expectedRanks[j], id + " rank");
            }

            worst.Add(f.ChiSquare, Number(c, "chi2"), id + " chi2");
            worst.Add(f.ChiSquarePValue, Number(c, "chi2_p"), id + " chi2 p");
            worst.Add(f.ImanDavenportF, Number(c, "f"), id + " F");
            worst.Add(f.ImanDavenportPValue, Number(c, "f_p"), id + " F p");
            Assert.Equal((rows.Length, rows[0].Length), (f.Blocks, f.Candidates));
            count++;
        }

        Assert.Equal(10, count);
        worst.AssertBelow(1e-12, output);
    }

    [Fact]
    public void Friedman_ranks_sum_to_k_k_plus_1_over_2_and_perfect_agreement_is_extreme()
    {
        var random = new Random(8);
        int n = 7, k = 5;
        var scores = new double[n, k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                scores[i, j] = Math.Round(random.NextDouble() * 4) + (0.1 * j);
            }
        }

        FriedmanTest f = ResampledTests.Friedman(scores, lowerIsBetter: true);
        Assert.Equal(k * (k + 1) / 2.0, f.AverageRanks.Sum(), 12);

        var ordered = new double[n, k];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < k; j++)
            {
                ordered[i, j] = j + i;
            }
        }

        FriedmanTest perfect = ResampledTests.Friedman(ordered, lowerIsBetter: true);
        Assert.Equal([1.0, 2, 3, 4, 5], perfect.AverageRanks);
        Assert.Equal(n * (k - 1.0), perfect.ChiSquare, 12);
        Assert.Equal(double.PositiveInfinity, perfect.ImanDavenportF);
        Assert.Equal(Distributions.PValueFloor, perfect.ImanDavenportPValue);
        Assert.Equal([5.0, 4, 3, 2, 1], ResampledTests.Friedman(ordered, lowerIsBetter: false).AverageRanks);

        FriedmanTest ties = ResampledTests.Friedman(new double[3, 4], true);
        Assert.Equal((0.0, 1.0), (ties.ChiSquare, ties.ChiSquarePValue));
        Assert.Throws<ArgumentException>(() => ResampledTests.Friedman(new double[1, 4], true));
    }

    [Theory]
    [InlineData(2, 1.960)]
    [InlineData(3, 2.343)]
    [InlineData(5, 2.728)]
    [InlineData(10, 3.164)]
    public void Nemenyi_critical_difference_is_q_alpha_times_the_rank_spread(int k, double qAlpha)
    {
        int n = 14;
        double cd = ResampledTests.NemenyiCriticalDifference(k, n);
        double spread = Math.Sqrt(k * (k + 1) / (6.0 * n));
        Assert.InRange((cd / spread) - qAlpha, -1e-3, 1e-3);
        Assert.Equal(Distributions.StudentizedRangeQuantile(0.95, k) / Math.Sqrt(2) * spread, cd, 14);
        Assert.True(ResampledTests.NemenyiCriticalDifference(k, n, 0.1) < cd);
    }

    [Fact]
    public void Sign_flip_exact_enumeration_counts_patterns()
    {
        // all positive: only the identity and the all-flipped pattern reach |Σd|, p = 2/2ⁿ
        double[] d = [1, 2, 3, 4, 5];
        Assert.Equal(2 / 32.0, ResampledTests.SignFlipPValue(d, 1000, 1));

        // {1, 1}: patterns ±1 ± 1 → |sums| 2, 0, 0, 2 → p = 1/2
        Assert.Equal(0.5, ResampledTests.SignFlipPValue([1.0, 1.0], 4, 1));
        Assert.Equal(1, ResampledTests.SignFlipPValue([], 10, 1));
        Assert.Equal(1, ResampledTests.SignFlipPValue([0.0, 0.0, 0.0], 100, 1));
    }

    [Fact]
    public void Sign_flip_monte_carlo_is_never_zero_deterministic_and_near_the_exact_value()
    {
        var random = new Random(12);
        double[] d = Enumerable.Range(0, 14).Select(_ => 0.3 + random.NextDouble() - 0.5).ToArray();
        double exact = ResampledTests.SignFlipPValue(d, 1 << 14, 0);
        double sampled = ResampledTests.SignFlipPValue(d, 4000, 7);
        Assert.Equal(sampled, ResampledTests.SignFlipPValue(d, 4000, 7));
        Assert.InRange(sampled, exact - 0.03, exact + 0.03);
        output.WriteLine($"exact {exact}, sampled {sampled}");

        double[] strong = Enumerable.Repeat(1.0, 60).ToArray();
        double p = ResampledTests.SignFlipPValue(strong, 999, 3);
        Assert.Equal(1 / 1000.0, p);

        double[] symmetric = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray();
        Assert.Equal(1.0, ResampledTests.SignFlipPValue(symmetric, 500, 5));
        Assert.Throws<ArgumentException>(() => ResampledTests.SignFlipPValue([1.0, double.PositiveInfinity], 10, 1));
    }
}
