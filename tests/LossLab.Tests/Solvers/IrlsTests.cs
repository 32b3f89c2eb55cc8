using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using LossLab.Solvers;
using LossLab.Tests.Support;
using Xunit.Abstractions;

namespace LossLab.Tests.Solvers;

/// <summary>
/// <see cref="Irls"/> against statsmodels 0.13.5 (RLM HuberT / TukeyBiweight at RLM's defaults, QuantReg) and the exact
/// linear-programming optimum from scipy's HiGHS (tools/generate_solver_goldens.py), and the published LAD fit of
/// stackloss.
/// </summary>
public sealed class IrlsTests(ITestOutputHelper output)
{
    private static readonly Golden Goldens = Golden.Load("solvers.json");

    public static TheoryData<string> RlmIds => Ids("rlm");

    public static TheoryData<string> QuantRegIds => Ids("quantreg");

    [Theory]
    [MemberData(nameof(RlmIds))]
    public void M_estimates_match_statsmodels_RLM(string id)
    {
        JsonElement c = Goldens[id];
        (double[,] x, double[] y, _) = Data(c);
        RobustNorm norm = c.GetProperty("norm").GetString() == "huber"
            ? RobustNorm.Huber(c.GetProperty("tuning").GetDouble())
            : RobustNorm.Tukey(c.GetProperty("tuning").GetDouble());
        RobustFit fit = Irls.Fit(x, y, intercept: true, norm);

        double[] expected = Golden.Doubles(c.GetProperty("params"));
        double coefError = LeastSquaresTests.MaxRelativeError(fit.Coefficients, expected);
        double scaleError = Math.Abs(fit.Scale - c.GetProperty("scale").GetDouble()) / c.GetProperty("scale").GetDouble();
        double[] weights = Golden.Doubles(c.GetProperty("weights"));
        double weightError = weights.Select((w, i) => Math.Abs(w - fit.Weights[i])).Max();
        output.WriteLine($"{id}: coefficients {coefError:E2} rel, scale {scaleError:E2} rel, weights {weightError:E2} abs, iterations {fit.Iterations}");

        Assert.True(fit.Converged);
        Assert.Equal(c.GetProperty("iterations").GetInt32(), fit.Iterations);
        Assert.True(coefError < 1e-9, $"coefficients {coefError:E2}");
        Assert.True(scaleError < 1e-9, $"scale {scaleError:E2}");
        Assert.True(weightError < 1e-9, $"weights {weightError:E2}");
        Assert.Empty(fit.Basis);
    }

    [Theory]
    [MemberData(nameof(QuantRegIds))]
    public void Quantile_regression_is_the_exact_optimum_and_matches_statsmodels_QuantReg(string id)
    {
        JsonElement c = Goldens[id];
        (double[,] x, double[] y, _) = Data(c);
        double tau = c.GetProperty("tau").GetDouble();
        RobustFit fit = Irls.Fit(x, y, intercept: true, RobustNorm.Quantile(tau));

        double[] exact = Golden.Doubles(c.GetProperty("exact_params"));
        double[] statsmodels = Golden.Doubles(c.GetProperty("params"));
        double exactError = LeastSquaresTests.MaxRelativeError(fit.Coefficients, exact);
        double statsmodelsError = LeastSquaresTests.MaxRelativeError(fit.Coefficients, statsmodels);
        double exactObjective = c.GetProperty("exact_objective").GetDouble();
        output.WriteLine(
            $"{id}: vs LP optimum {exactError:E2} rel, vs statsmodels QuantReg {statsmodelsError:E2} rel; objective {fit.Objective:R} " +
            $"(LP {exactObjective:R}, QuantReg {c.GetProperty("objective").GetDouble():R}); iterations {fit.Iterations}");

        Assert.True(fit.Converged);
        Assert.True(exactError < 1e-9, $"vs LP optimum {exactError:E2}");
        Assert.True(statsmodelsError < 1e-5, $"vs statsmodels {statsmodelsError:E2}");
        Assert.True(fit.Objective <= exactObjective * (1 + 1e-12), $"objective {fit.Objective:R} above the LP's {exactObjective:R}");
        Assert.True(fit.Objective <= c.GetProperty("objective").GetDouble(), "not below statsmodels' approximate IRLS objective");
        AssertInterpolates(fit, x.GetLength(1) + 1);
    }

    [Fact]
    public void Lad_stackloss_reproduces_the_published_fit()
    {
        JsonElement published = Goldens["published-lad-stackloss"];
        (double[,] x, double[] y, _) = Data(published);
        RobustFit fit = Irls.Fit(x, y, intercept: true, RobustNorm.L1());

        double[] expected = Golden.Doubles(published.GetProperty("params"));
        double worst = expected.Select((e, j) => Math.Abs(fit.Coefficients[j] - e)).Max();
        output.WriteLine($"LAD stackloss: [{string.Join(", ", fit.Coefficients.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}], SAD {fit.Objective:R}, max |Δ| vs published {worst:E2}");
        Assert.True(fit.Converged);
        Assert.True(worst <= 1e-3, $"max abs difference {worst:E2}");
        Assert.Equal(42.08, Math.Round(fit.Objective, 2));
        Assert.Equal(42.08, Math.Round(fit.Residuals.Sum(Math.Abs), 2));

        // the same as the exact LP and as quantile τ = 0.5, whose objective is half the SAD
        double[] lp = Golden.Doubles(Goldens["quantreg-stackloss-0.5"].GetProperty("exact_params"));
        Assert.True(LeastSquaresTests.MaxRelativeError(fit.Coefficients, lp) < 1e-9);
        RobustFit median = Irls.Fit(x, y, intercept: true, RobustNorm.Quantile(0.5));
        Assert.Equal(fit.Objective / 2, median.Objective, 1e-12);
        AssertInterpolates(fit, 4);
    }

    [Fact]
    public void Lad_agrees_with_a_brute_force_search_over_bases()
    {
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int d = random.Next(1, 3);
            int n = d + 2 + random.Next(0, 10);
            int p = d + 1;
            double tau = new[] { 0.5, 0.1, 0.75, 0.9 }[random.Next(4)];
            var x = new double[n, d];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    // integers now and then, to make ties and degenerate vertices
                    x[i, j] = seed % 3 == 0 ? random.Next(-3, 4) : LeastSquaresTests.Normal(random);
                }

                y[i] = 1 + x[i, 0] + (seed % 3 == 0 ? random.Next(-2, 3) : 3 * LeastSquaresTests.Normal(random));
            }

            RobustFit fit;
            try
            {
                fit = Irls.Fit(x, y, true, RobustNorm.Quantile(tau));
            }
            catch (RankDeficientException)
            {
                return; // a random integer design can be singular
            }

            double best = BruteForce(x, y, tau, p);
            Assert.True(fit.Converged, $"seed {seed}: not certified");
            Assert.True(fit.Objective <= best + (1e-9 * (1 + best)), $"seed {seed}: objective {fit.Objective:R} > brute force {best:R}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Mad_scale_is_centred_at_zero_as_in_statsmodels_RLM()
    {
        // median |r| of {-1, 2, 4, 10} = (2 + 4)/2 = 3; about median(r) = 3 it would be median{4, 1, 1, 7} = 2.5
        Assert.Equal(3 / 0.6744897501960817, Irls.MadScale([-1.0, 2, 4, 10]), 1e-15);
        Assert.Equal(2 / 0.6744897501960817, Irls.MadScale([-3.0, -2, 1, 2, 10]), 1e-15);
        Assert.Throws<ArgumentException>(() => Irls.MadScale([]));
    }

    [Fact]
    public void Norms_follow_their_formulas()
    {
        HuberNorm h = RobustNorm.Huber();
        Assert.Equal(1.345, h.T);
        Assert.Equal(0.5, h.Rho(1), 1e-15);
        Assert.Equal((1.345 * 3) - (0.5 * 1.345 * 1.345), h.Rho(-3), 1e-15);
        Assert.Equal(-1.345, h.Psi(-3));
        Assert.Equal(1.345 / 3, h.Weight(3), 1e-15);
        Assert.Equal(1.0, h.Weight(0));

        TukeyNorm t = RobustNorm.Tukey();
        Assert.Equal(4.685, t.C);
        Assert.Equal(4.685 * 4.685 / 6, t.Rho(5), 1e-12);
        Assert.Equal(0.0, t.Psi(5));
        Assert.Equal(0.0, t.Weight(-5));
        double u = 2 / 4.685;
        Assert.Equal(2 * (1 - (u * u)) * (1 - (u * u)), t.Psi(2), 1e-15);

        QuantileNorm q = RobustNorm.Quantile(0.9);
        Assert.Equal(0.9 * 2, q.Rho(2), 1e-15);
        Assert.Equal(0.1 * 2, q.Rho(-2), 1e-15);
        Assert.Equal(0.9, q.Psi(0));
        Assert.Equal(2.0, RobustNorm.L1().Rho(-2));

        // ψ = ρ′ by central differences, away from the kinks
        foreach (RobustNorm norm in new RobustNorm[] { h, t, q, RobustNorm.L1() })
        {
            foreach (double z in new[] { -6.1, -2.3, -0.7, 0.4, 1.1, 3.3, 5.2 })
            {
                double fd = (norm.Rho(z + 1e-6) - norm.Rho(z - 1e-6)) / 2e-6;
                Assert.Equal(norm.Psi(z), fd, 1e-6);
            }
        }

        Assert.Equal("huber:delta=1.345", h.ToString());
        Assert.Equal("quantile:tau=0.9", q.ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustNorm.Huber(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustNorm.Tukey(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => RobustNorm.Quantile(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IrlsOptions { MaxIterations = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new IrlsOptions { Tolerance = -1 });
    }

    [Fact]
    public void Coefficient_convergence_reaches_the_same_fixed_point()
    {
        JsonElement c = Goldens["rlm-huber-stackloss"];
        (double[,] x, double[] y, _) = Data(c);
        RobustFit fit = Irls.Fit(x, y, true, RobustNorm.Huber(), new IrlsOptions { Convergence = IrlsConvergence.Coefficients, Tolerance = 1e-12 });
        Assert.True(fit.Converged);
        Assert.True(LeastSquaresTests.MaxRelativeError(fit.Coefficients, Golden.Doubles(c.GetProperty("params"))) < 1e-7);
    }

    [Fact]
    public void The_iteration_cap_stops_unconverged()
    {
        JsonElement c = Goldens["rlm-tukey-stackloss"];
        (double[,] x, double[] y, _) = Data(c);
        RobustFit fit = Irls.Fit(x, y, true, RobustNorm.Tukey(), new IrlsOptions { MaxIterations = 3 });
        Assert.False(fit.Converged);
        Assert.Equal(3, fit.Iterations);
    }

    [Fact]
    public void Robust_fits_reject_rank_deficient_designs()
    {
        double[,] x = { { 1, 2 }, { 2, 4 }, { 3, 6 }, { 4, 8 }, { 5, 10 } };
        double[] y = [1, 2, 3, 4, 6];
        Assert.Throws<RankDeficientException>(() => Irls.Fit(x, y, true, RobustNorm.Huber()));
        Assert.Throws<RankDeficientException>(() => Irls.Fit(x, y, true, RobustNorm.L1()));
        Assert.Throws<ArgumentNullException>(() => Irls.Fit(x, y, true, null!));
    }

    [Fact]
    public void Flat_input_and_exact_data_work()
    {
        // y = 2 + 3x exactly: every norm recovers the line
        double[] x = [0, 1, 2, 3, 4, 5];
        double[] y = x.Select(v => 2 + (3 * v)).ToArray();
        foreach (RobustNorm norm in new RobustNorm[] { RobustNorm.Huber(), RobustNorm.Tukey(), RobustNorm.L1(), RobustNorm.Quantile(0.2) })
        {
            RobustFit fit = Irls.Fit(x, 6, 1, y, true, norm);
            Assert.True(fit.Converged, norm.ToString()); // for L1 / quantile: a degenerate vertex, certified over all bases
            Assert.Equal(2.0, fit.Coefficients[0], 1e-12);
            Assert.Equal(3.0, fit.Coefficients[1], 1e-12);
        }
    }

    private static void AssertInterpolates(RobustFit fit, int p)
    {
        Assert.Equal(p, fit.Basis.Count);
        foreach (int i in fit.Basis)
        {
            Assert.True(Math.Abs(fit.Residuals[i]) < 1e-9, $"basis observation {i} has residual {fit.Residuals[i]:E2}");
        }
    }

    /// <summary>min over every p-subset basis of the check loss at its interpolating β (the optimum is at a vertex).</summary>
    private static double BruteForce(double[,] x, double[] y, double tau, int p)
    {
        int n = y.Length;
        double best = double.PositiveInfinity;
        foreach (int[] subset in Subsets(n, p))
        {
            var a = new double[p, p + 1];
            for (int k = 0; k < p; k++)
            {
                a[k, 0] = 1;
                for (int j = 1; j < p; j++)
                {
                    a[k, j] = x[subset[k], j - 1];
                }

                a[k, p] = y[subset[k]];
            }

            double[]? beta = Gauss(a, p);
            if (beta is null)
            {
                continue;
            }

            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double r = y[i] - beta[0];
                for (int j = 1; j < p; j++)
                {
                    r -= x[i, j - 1] * beta[j];
                }

                sum += r >= 0 ? tau * r : (tau - 1) * r;
            }

            best = Math.Min(best, sum);
        }

        return best;
    }

    private static IEnumerable<int[]> Subsets(int n, int p)
    {
        var pick = Enumerable.Range(0, p).ToArray();
        while (true)
        {
            yield return (int[])pick.Clone();
            int t = p - 1;
            while (t >= 0 && pick[t] == n - p + t)
            {
                t--;
            }

            if (t < 0)
            {
                yield break;
            }

            pick[t]++;
            for (int k = t + 1; k < p; k++)
            {
                pick[k] = pick[k - 1] + 1;
            }
        }
    }

    private static double[]? Gauss(double[,] a, int p)
    {
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

            if (Math.Abs(a[piv, c]) < 1e-9)
            {
                return null;
            }

            for (int j = 0; j <= p; j++)
            {
                (a[c, j], a[piv, j]) = (a[piv, j], a[c, j]);
            }

            for (int k = 0; k < p; k++)
            {
                if (k != c)
                {
                    double f = a[k, c] / a[c, c];
                    for (int j = 0; j <= p; j++)
                    {
                        a[k, j] -= f * a[c, j];
                    }
                }
            }
        }

        return Enumerable.Range(0, p).Select(k => a[k, p] / a[k, k]).ToArray();
    }

    private static (double[,] X, double[] Y, string[] Features) Data(JsonElement c)
    {
        (double[,] x, double[] y, string[] features) = SolverData.Load(c.GetProperty("dataset").GetString()!).Split(c.GetProperty("target").GetString()!);
        Assert.Equal(c.GetProperty("features").EnumerateArray().Select(e => e.GetString()!), features);
        return (x, y, features);
    }

    private static TheoryData<string> Ids(string kind)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Goldens.Cases.Where(c => c.GetProperty("kind").GetString() == kind))
        {
            data.Add(c.GetProperty("id").GetString()!);
        }

        return data;
    }
}
