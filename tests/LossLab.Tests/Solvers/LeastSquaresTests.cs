using FsCheck;
using FsCheck.Fluent;
using LossLab.Solvers;
using LossLab.Tests.Support;
using Xunit.Abstractions;

namespace LossLab.Tests.Solvers;

/// <summary>
/// <see cref="LeastSquares"/> against NIST StRD's certified Longley values, statsmodels' OLS
/// (tools/generate_solver_goldens.py) and the published stackloss fit; rank deficiency; a random-system property.
/// </summary>
public sealed class LeastSquaresTests(ITestOutputHelper output)
{
    // NIST StRD, Longley: certified regression coefficients (https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml),
    // intercept, GNP deflator, GNP, unemployed, armed forces, population, year — the column order of longley.csv.
    private static readonly double[] LongleyCertified =
    [
        -3482258.63459582, 15.0618722713733, -0.358191792925910E-01, -2.02022980381683,
        -1.03322686717359, -0.511041056535807E-01, 1829.15146461355,
    ];

    private static readonly Golden Goldens = Golden.Load("solvers.json");

    [Fact]
    public void Longley_column_order_is_the_certified_order()
    {
        (_, _, string[] features) = SolverData.Load("longley").Split("TOTEMP");
        Assert.Equal(["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"], features);
    }

    [Fact]
    public void Longley_reproduces_the_NIST_certified_coefficients()
    {
        (double[,] x, double[] y, _) = SolverData.Load("longley").Split("TOTEMP");
        LeastSquaresFit fit = LeastSquares.Solve(x, y, intercept: true);

        double worst = MaxRelativeError(fit.Coefficients, LongleyCertified);
        output.WriteLine($"Longley vs NIST certified: max relative error {worst:E2}; condition estimate {fit.ConditionEstimate:E2}");
        Assert.True(worst < 1e-9, $"max relative error {worst:E2}");
        Assert.Equal(7, fit.Rank);
        Assert.True(fit.HasIntercept);

        // certified residual standard deviation 304.854073561965 (n − p = 9 degrees of freedom)
        double residualSd = Math.Sqrt(fit.ResidualSumOfSquares / 9);
        Assert.Equal(304.854073561965, residualSd, 304.854073561965 * 1e-9);
    }

    [Fact]
    public void Longley_golden_holds_the_certified_values_the_test_uses()
        => Assert.Equal(LongleyCertified, Golden.Doubles(Goldens["nist-longley"].GetProperty("params")));

    [Theory]
    [InlineData("ols-stackloss", "stackloss", "STACKLOSS")]
    [InlineData("ols-longley", "longley", "TOTEMP")]
    [InlineData("ols-engel", "engel", "foodexp")]
    public void Ols_matches_statsmodels(string id, string dataset, string target)
    {
        (double[,] x, double[] y, _) = SolverData.Load(dataset).Split(target);
        LeastSquaresFit fit = LeastSquares.Solve(x, y, intercept: true);
        double[] expected = Golden.Doubles(Goldens[id].GetProperty("params"));
        double worst = MaxRelativeError(fit.Coefficients, expected);
        output.WriteLine($"{id}: max relative error vs statsmodels {worst:E2}");
        Assert.True(worst < 1e-9, $"max relative error {worst:E2}");

        double[] resid = Golden.Doubles(Goldens[id].GetProperty("resid"));
        double scale = resid.Max(Math.Abs);
        for (int i = 0; i < resid.Length; i++)
        {
            Assert.Equal(resid[i], fit.Residuals[i], 1e-8 * scale);
        }
    }

    [Fact]
    public void Stackloss_matches_the_published_ols_fit()
    {
        (double[,] x, double[] y, _) = SolverData.Load("stackloss").Split("STACKLOSS");
        LeastSquaresFit fit = LeastSquares.Solve(x, y, intercept: true);
        double[] published = [-39.9197, 0.7156, 1.2953, -0.1521];
        for (int j = 0; j < published.Length; j++)
        {
            Assert.Equal(published[j], fit.Coefficients[j], 5e-5);
        }
    }

    [Fact]
    public void Flat_row_major_input_gives_the_same_fit()
    {
        (double[,] x, double[] y, _) = SolverData.Load("longley").Split("TOTEMP");
        int n = x.GetLength(0), d = x.GetLength(1);
        var flat = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                flat[(i * d) + j] = x[i, j];
            }
        }

        Assert.Equal(LeastSquares.Solve(x, y, true).Coefficients, LeastSquares.Solve(flat, n, d, y, true).Coefficients);
    }

    [Fact]
    public void An_explicit_ones_column_without_intercept_equals_the_intercept_fit()
    {
        (double[,] x, double[] y, _) = SolverData.Load("stackloss").Split("STACKLOSS");
        var withOnes = new double[x.GetLength(0), x.GetLength(1) + 1];
        for (int i = 0; i < x.GetLength(0); i++)
        {
            withOnes[i, 0] = 1;
            for (int j = 0; j < x.GetLength(1); j++)
            {
                withOnes[i, j + 1] = x[i, j];
            }
        }

        LeastSquaresFit a = LeastSquares.Solve(x, y, intercept: true);
        LeastSquaresFit b = LeastSquares.Solve(withOnes, y, intercept: false);
        Assert.False(b.HasIntercept);
        for (int j = 0; j < a.Coefficients.Count; j++)
        {
            Assert.Equal(a.Coefficients[j], b.Coefficients[j], 1e-12 * (1 + Math.Abs(a.Coefficients[j])));
        }
    }

    [Fact]
    public void Intercept_only_fits_the_mean()
    {
        double[] y = [1, 2, 3, 10];
        LeastSquaresFit fit = LeastSquares.Solve(new double[4, 0], y, intercept: true);
        Assert.Equal(4.0, fit.Coefficients[0], 1e-15);
    }

    [Fact]
    public void A_duplicated_column_is_a_clear_rank_deficiency()
    {
        (double[,] x, double[] y, _) = SolverData.Load("stackloss").Split("STACKLOSS");
        var dup = new double[x.GetLength(0), 4];
        for (int i = 0; i < x.GetLength(0); i++)
        {
            for (int j = 0; j < 3; j++)
            {
                dup[i, j] = x[i, j];
            }

            dup[i, 3] = 2 * x[i, 1]; // column 3 = 2 · column 1
        }

        RankDeficientException e = Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(dup, y, intercept: true));
        output.WriteLine(e.Message);
        Assert.Equal(4, e.Rank);
        Assert.Equal(5, e.CoefficientCount);
        Assert.Single(e.DependentColumns);
        Assert.Contains(e.DependentColumns[0], new[] { 2, 4 }); // coefficient 2 (column 1) or 4 (column 3)
        Assert.Contains("rank 4 < 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_constant_column_with_an_intercept_is_a_rank_deficiency()
    {
        double[,] x = { { 1, 5 }, { 2, 5 }, { 3, 5 }, { 4, 5 } };
        double[] y = [1, 2, 3, 5];
        RankDeficientException e = Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(x, y, intercept: true));
        Assert.Equal(2, e.Rank);
        Assert.IsAssignableFrom<ArgumentException>(e);
    }

    [Fact]
    public void An_all_zero_column_is_a_rank_deficiency()
    {
        double[,] x = { { 1, 0 }, { 2, 0 }, { 3, 0 } };
        RankDeficientException e = Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(x, [1.0, 2, 4], intercept: true));
        Assert.Equal([2], e.DependentColumns);
        Assert.Contains("column 1 of X", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fewer_rows_than_coefficients_is_a_clear_error()
    {
        double[,] x = { { 1, 2, 3 }, { 4, 5, 7 } };
        RankDeficientException e = Assert.Throws<RankDeficientException>(() => LeastSquares.Solve(x, [1.0, 2], intercept: true));
        Assert.Contains("n >= p", e.Message, StringComparison.Ordinal);
        Assert.Equal(4, e.CoefficientCount);
    }

    [Fact]
    public void Bad_input_is_rejected_with_argument_exceptions()
    {
        double[,] x = { { 1 }, { 2 }, { double.NaN } };
        Assert.Throws<ArgumentException>(() => LeastSquares.Solve(x, [1.0, 2, 3], true));
        Assert.Throws<ArgumentException>(() => LeastSquares.Solve(new double[,] { { 1 }, { 2 } }, [1.0, 2, 3], true));
        Assert.Throws<ArgumentException>(() => LeastSquares.Solve(new double[] { 1, 2, 3 }, 2, 2, [1.0, 2], true));
        Assert.Throws<ArgumentException>(() => LeastSquares.Solve(new double[,] { { 1 }, { 2 } }, [1.0, double.PositiveInfinity], true));
        Assert.Throws<ArgumentNullException>(() => LeastSquares.Solve((double[,])null!, [1.0], true));
    }

    [Fact]
    public void Random_well_conditioned_systems_are_solved_to_1e_10()
    {
        double worst = 0;
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            int d = random.Next(1, 8);
            int n = d + 1 + random.Next(0, 40);
            bool intercept = random.Next(2) == 0;
            var x = new double[n, d];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    x[i, j] = Normal(random) * Math.Pow(10, j % 3); // mixed column scales
                }
            }

            int p = d + (intercept ? 1 : 0);
            double[] beta = Enumerable.Range(0, p).Select(_ => Normal(random) * 10).ToArray();
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = intercept ? beta[0] : 0;
                for (int j = 0; j < d; j++)
                {
                    y[i] += x[i, j] * beta[j + (intercept ? 1 : 0)];
                }
            }

            // consistent system: exact recovery
            LeastSquaresFit fit = LeastSquares.Solve(x, y, intercept);
            double error = MaxRelativeError(fit.Coefficients, beta, floor: 1);
            worst = Math.Max(worst, error);
            Assert.True(error < 1e-10, $"seed {seed}: error {error:E2}");

            // with noise: the residual is orthogonal to every column (the least-squares optimality condition)
            double[] noisy = y.Select(v => v + Normal(random)).ToArray();
            LeastSquaresFit ls = LeastSquares.Solve(x, noisy, intercept);
            for (int j = 0; j < p; j++)
            {
                double dot = 0, norm = 0;
                for (int i = 0; i < n; i++)
                {
                    double a = j == 0 && intercept ? 1 : x[i, j - (intercept ? 1 : 0)];
                    dot += a * ls.Residuals[i];
                    norm += Math.Abs(a) * (Math.Abs(noisy[i]) + Math.Abs(ls.Residuals[i]));
                }

                Assert.True(Math.Abs(dot) <= 1e-13 * norm, $"seed {seed}: column {j} not orthogonal ({dot:E2})");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
        output.WriteLine($"random systems: worst relative error {worst:E2}");
    }

    internal static double MaxRelativeError(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double floor = 0)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        for (int j = 0; j < expected.Count; j++)
        {
            worst = Math.Max(worst, Math.Abs(actual[j] - expected[j]) / Math.Max(Math.Abs(expected[j]), floor));
        }

        return worst;
    }

    internal static double Normal(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
