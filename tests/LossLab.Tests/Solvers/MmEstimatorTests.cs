using System.Text.Json;
using LossLab.Solvers;
using LossLab.Tests.Support;
using Xunit.Abstractions;

namespace LossLab.Tests.Solvers;

/// <summary>
/// <see cref="MmEstimator"/> against R's <c>robustbase::lmrob</c> 0.95 at its defaults (tools/generate_mm_goldens.R):
/// stackloss, Hawkins–Bradu–Kass, the CYG OB1 stars and a seeded set with five bad leverage points.
/// </summary>
public sealed class MmEstimatorTests(ITestOutputHelper output)
{
    private static readonly Golden Goldens = Golden.Load("mm.json");

    public static TheoryData<string> CaseIds => Goldens.Ids();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Mm_estimates_match_lmrob(string id)
    {
        JsonElement c = Goldens[id];
        (double[,] x, double[] y) = Data(c);
        MmFit fit = MmEstimator.Fit(x, y, intercept: true);

        double[] coefficients = Golden.Doubles(c.GetProperty("coefficients"));
        double[] sCoefficients = Golden.Doubles(c.GetProperty("s_coefficients"));
        double scale = c.GetProperty("scale").GetDouble();
        double coefError = Error(fit.Coefficients, coefficients);
        double sCoefError = Error(fit.SCoefficients, sCoefficients);
        double scaleError = Math.Abs(fit.Scale - scale) / scale;
        double[] weights = Golden.Doubles(c.GetProperty("weights"));
        double weightError = weights.Select((w, i) => Math.Abs(w - fit.Weights[i])).Max();
        int rIterations = c.GetProperty("iterations").GetInt32();
        output.WriteLine(
            $"{id}: coefficients {coefError:E2} (rel, or abs below 0.1), S coefficients {sCoefError:E2}, scale {scaleError:E2} rel " +
            $"({fit.Scale:R} vs {scale:R}), weights {weightError:E2} abs, iterations {fit.Iterations} (lmrob {rIterations}), outliers [{string.Join(", ", fit.Outliers)}]");

        Assert.True(fit.Converged);
        Assert.True(fit.SConverged);
        Assert.False(fit.ExactFit);
        Assert.True(coefError < 1e-4, $"coefficients {coefError:E2}");
        Assert.True(sCoefError < 1e-4, $"S coefficients {sCoefError:E2}");
        Assert.True(scaleError < 1e-4, $"scale {scaleError:E2}");
        Assert.True(weightError < 1e-4, $"weights {weightError:E2}");
        Assert.Equal(Golden.Doubles(c.GetProperty("outliers")).Select(v => (int)v), fit.Outliers);
        Assert.InRange(fit.Iterations, rIterations - 2, rIterations + 2);
        for (int i = 0; i < y.Length; i++)
        {
            Assert.Equal(fit.Residuals[i] / fit.Scale, fit.StandardizedResiduals[i], 1e-15 * (1 + Math.Abs(fit.StandardizedResiduals[i])));
        }
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Fast_s_reaches_the_smallest_S_scale_lmrob_finds_as_often_as_lmrob(string id)
    {
        // FAST-S is random in lmrob too: on hbk, 3 of R's seeds 1..20 (13 of 1..100) stop at a worse local minimum,
        // S-scale 0.79636 instead of 0.78917; here 6 of seeds 0..99 do. Both vanish with k.fast.s = 2 (or
        // nResample = 2000, best.r.s = 5), in lmrob and here. Every seed must end at one of lmrob's minima, at least as
        // many seeds as lmrob's at the best one, and all of them there with two fast steps.
        JsonElement c = Goldens[id];
        (double[,] x, double[] y) = Data(c);
        double[] rScales = Golden.Doubles(c.GetProperty("s_scale_by_seed"));
        double rBest = rScales.Min();
        double rWorst = rScales.Max();
        int rReached = rScales.Count(s => s <= rBest * (1 + 1e-6));
        int reached = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            double scale = MmEstimator.Fit(x, y, true, new MmOptions { Seed = seed }).Scale;
            bool best = scale <= rBest * (1 + 1e-6);
            reached += best ? 1 : 0;
            Assert.True(best || Math.Abs(scale - rWorst) <= 1e-6 * rWorst, $"seed {seed}: S-scale {scale:R} is neither lmrob's best {rBest:R} nor its worst {rWorst:R}");
            double twoSteps = MmEstimator.Fit(x, y, true, new MmOptions { Seed = seed, FastSteps = 2 }).Scale;
            Assert.True(twoSteps <= rBest * (1 + 1e-6), $"seed {seed}, k.fast.s = 2: S-scale {twoSteps:R} above lmrob's best {rBest:R}");
        }

        output.WriteLine($"{id}: {reached}/20 seeds reach the smallest S-scale {rBest:R} (lmrob: {rReached}/20; its worst {rWorst:R})");
        Assert.True(reached >= rReached, $"{reached}/20 seeds reach the best minimum, lmrob {rReached}/20");
        Assert.True(MmEstimator.Fit(x, y, true).Scale <= rBest * (1 + 1e-6), "the default seed misses the best minimum");
    }

    [Fact]
    public void The_S_scale_solves_the_M_scale_equation_with_n_minus_p()
    {
        JsonElement c = Goldens["mm-hbk"];
        (double[,] x, double[] y) = Data(c);
        MmFit fit = MmEstimator.Fit(x, y, true);
        int n = y.Length;
        int p = fit.Coefficients.Count;
        double[] rS = Residuals(x, y, fit.SCoefficients);
        double mean = rS.Sum(r => ChiRho(r / fit.Scale)) / (n - p);
        Assert.Equal(0.5, mean, 1e-9);

        // R's S residuals give R's S-scale back through the public M-scale (R stops its fixed point at ~1e-7)
        double[] rResiduals = Golden.Doubles(c.GetProperty("s_residuals"));
        double scale = MmEstimator.MScale(rResiduals, p);
        Assert.Equal(c.GetProperty("scale").GetDouble(), scale, 1e-6 * scale);

        // dividing by n instead of n − p would give a visibly different scale
        double divideByN = MmEstimator.MScale(rResiduals, 0);
        Assert.True(Math.Abs(divideByN - scale) > 1e-3 * scale);
        Assert.Equal(0.0, MmEstimator.MScale([0.0, 0, 0, 0], 1));
        Assert.Throws<ArgumentException>(() => MmEstimator.MScale([1.0, 2], 2));
    }

    [Fact]
    public void Bad_leverage_points_do_not_move_the_slope_unlike_least_squares_and_huber()
    {
        // y = 1 + 2x + N(0, 0.5²) on 50 rows, plus 5 rows at x ≈ 30 with y ≈ 2 (the line says ≈ 61)
        JsonElement c = Goldens["mm-synthetic"];
        (double[,] x, double[] y) = Data(c);
        MmFit mm = MmEstimator.Fit(x, y, true);
        LeastSquaresFit ols = LeastSquares.Solve(x, y, true);
        RobustFit huber = Irls.Fit(x, y, true, RobustNorm.Huber());
        RobustFit tukey = Irls.Fit(x, y, true, RobustNorm.Tukey()); // started from least squares
        output.WriteLine($"slope: MM {mm.Coefficients[1]:F4}, OLS {ols.Coefficients[1]:F4}, Huber {huber.Coefficients[1]:F4}, Tukey IRLS {tukey.Coefficients[1]:F4} (true 2); MM outliers [{string.Join(", ", mm.Outliers)}]");

        Assert.InRange(mm.Coefficients[1], 1.95, 2.05);
        Assert.InRange(mm.Coefficients[0], 0.7, 1.3);
        Assert.True(Math.Abs(ols.Coefficients[1] - 2) > 1.5, $"OLS slope {ols.Coefficients[1]}");
        Assert.True(Math.Abs(huber.Coefficients[1] - 2) > 1.5, $"Huber slope {huber.Coefficients[1]}");
        Assert.True(Math.Abs(tukey.Coefficients[1] - 2) > 1.5, $"Tukey IRLS slope {tukey.Coefficients[1]}");
        Assert.Equal([50, 51, 52, 53, 54], mm.Outliers);
        Assert.All(mm.Outliers, i => Assert.True(Math.Abs(mm.StandardizedResiduals[i]) > 50));
        Assert.Equal(Golden.Doubles(c.GetProperty("ols_coefficients")), ols.Coefficients.ToArray(), (a, b) => Math.Abs(a - b) < 1e-9);
    }

    [Fact]
    public void The_same_seed_gives_identical_bits_on_every_thread()
    {
        (double[,] x, double[] y) = Data(Goldens["mm-hbk"]);
        MmFit reference = MmEstimator.Fit(x, y, true, new MmOptions { Seed = 11 });
        var fits = new MmFit[8];
        Parallel.For(0, fits.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k => fits[k] = MmEstimator.Fit(x, y, true, new MmOptions { Seed = 11 }));
        foreach (MmFit fit in fits)
        {
            Assert.Equal(Bits(reference.Coefficients), Bits(fit.Coefficients));
            Assert.Equal(Bits(reference.SCoefficients), Bits(fit.SCoefficients));
            Assert.Equal(Bits(reference.Weights), Bits(fit.Weights));
            Assert.Equal(BitConverter.DoubleToInt64Bits(reference.Scale), BitConverter.DoubleToInt64Bits(fit.Scale));
        }

        // a different seed draws other subsamples: the same minimum, not the same bits
        MmFit other = MmEstimator.Fit(x, y, true, new MmOptions { Seed = 12 });
        Assert.NotEqual(Bits(reference.SCoefficients), Bits(other.SCoefficients));
        Assert.True(Error(other.Coefficients, reference.Coefficients.ToArray()) < 1e-5);
    }

    [Fact]
    public void An_exact_fit_of_most_rows_is_returned_with_scale_zero()
    {
        // 30 rows exactly on y = 2 + 3x, 5 far off it
        var xs = Enumerable.Range(0, 35).Select(i => i * 0.37).ToArray();
        double[] y = xs.Select((v, i) => i < 30 ? 2 + (3 * v) : 100 - v).ToArray();
        MmFit fit = MmEstimator.Fit(xs, 35, 1, y, true);
        Assert.True(fit.ExactFit);
        Assert.Equal(0.0, fit.Scale);
        Assert.Equal(2.0, fit.Coefficients[0], 1e-10);
        Assert.Equal(3.0, fit.Coefficients[1], 1e-10);
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal(1.0, fit.Weights[i]));
        Assert.All(Enumerable.Range(30, 5), i => Assert.Equal(0.0, fit.Weights[i]));
        Assert.Equal([30, 31, 32, 33, 34], fit.Outliers);
        Assert.Equal(double.PositiveInfinity, fit.StandardizedResiduals[30]);
        Assert.Equal(0.0, fit.StandardizedResiduals[0]);
    }

    [Fact]
    public void Degenerate_inputs_are_clear_errors()
    {
        // n = p: no scale can be estimated (n = p + 1 can)
        Assert.True(MmEstimator.Fit([1.0, 2, 3], 3, 1, [1.0, 2.1, 2.9], true).Scale > 0);
        var e = Assert.Throws<RankDeficientException>(() => MmEstimator.Fit([1.0, 2], 2, 1, [1.0, 2], true));
        Assert.Contains("n > p", e.Message, StringComparison.Ordinal);

        // collinear columns
        double[,] collinear = { { 1, 2 }, { 2, 4 }, { 3, 6 }, { 4, 8 }, { 5, 10 }, { 6, 12 } };
        Assert.Throws<RankDeficientException>(() => MmEstimator.Fit(collinear, [1.0, 2, 3, 4, 6, 5], true));

        // a column nonzero in one row of 200: almost every subsample is singular
        int n = 200;
        var x = new double[n * 2];
        var y = new double[n];
        var random = new Random(3);
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = random.NextDouble();
            x[(2 * i) + 1] = i == 0 ? 1 : 0;
            y[i] = random.NextDouble();
        }

        e = Assert.Throws<RankDeficientException>(() => MmEstimator.Fit(x, n, 2, y, true, new MmOptions { MaxSubsampleTries = 3 }));
        Assert.Contains("3 random subsamples of 3 rows in a row were singular", e.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => new MmOptions { Resamples = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MmOptions { B = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MmOptions { PsiC = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new MmOptions { MaxIterations = 1 });
    }

    [Fact]
    public void Without_an_intercept_the_coefficients_are_the_columns()
    {
        // y = 3x through the origin, two gross outliers: MM recovers 3
        double[] x = Enumerable.Range(1, 20).Select(i => (double)i).ToArray();
        double[] y = x.Select((v, i) => (3 * v) + (0.01 * Math.Sin(i)) + (i is 3 or 17 ? 40 : 0)).ToArray();
        MmFit fit = MmEstimator.Fit(x, 20, 1, y, false);
        Assert.False(fit.HasIntercept);
        Assert.Single(fit.Coefficients);
        Assert.Equal(3.0, fit.Coefficients[0], 1e-2);
        Assert.Equal([3, 17], fit.Outliers);
    }

    private static double ChiRho(double z)
    {
        const double c = MmEstimator.DefaultSC;
        if (Math.Abs(z) > c)
        {
            return 1;
        }

        double v = 1 - ((z / c) * (z / c));
        return 1 - (v * v * v);
    }

    private static double[] Residuals(double[,] x, double[] y, IReadOnlyList<double> beta)
        => y.Select((v, i) => v - beta[0] - Enumerable.Range(0, x.GetLength(1)).Sum(j => x[i, j] * beta[j + 1])).ToArray();

    /// <summary>max_j |a_j − e_j| / max(|e_j|, 0.1): relative error, absolute below 0.1 (that is 1e-5 abs at 1e-4 rel).</summary>
    private static double Error(IReadOnlyList<double> actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Count);
        return expected.Select((e, j) => Math.Abs(actual[j] - e) / Math.Max(Math.Abs(e), 0.1)).Max();
    }

    private static long[] Bits(IReadOnlyList<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static (double[,] X, double[] Y) Data(JsonElement c)
    {
        (double[,] x, double[] y, string[] features) = SolverData.Load(c.GetProperty("dataset").GetString()!).Split(c.GetProperty("target").GetString()!);
        Assert.Equal(c.GetProperty("features").EnumerateArray().Select(e => e.GetString()!), features);
        return (x, y);
    }
}
