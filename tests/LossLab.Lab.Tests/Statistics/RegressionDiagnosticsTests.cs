using System.Text.Json;
using LossLab.Lab.Statistics;
using Xunit.Abstractions;
using static LossLab.Lab.Tests.Statistics.StatisticsGolden;

namespace LossLab.Lab.Tests.Statistics;

public sealed class RegressionDiagnosticsTests(ITestOutputHelper output)
{
    private static readonly StatisticsGolden Goldens = StatisticsGolden.Load("regression.json");

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Goldens.Cases)
        {
            data.Add(c.GetProperty("id").GetString()!);
        }

        return data;
    }

    private static (double[] X, int Rows, int Columns) Design(JsonElement c)
        => (Numbers(c, "x"), c.GetProperty("rows").GetInt32(), c.GetProperty("columns").GetInt32());

    [Theory]
    [MemberData(nameof(Ids))]
    public void Leverage_and_Cooks_distance_match_statsmodels(string id)
    {
        JsonElement c = Goldens[id];
        (double[] x, int n, int d) = Design(c);
        double[] h = RegressionDiagnostics.Leverage(x, n, d);
        double[] cooks = RegressionDiagnostics.CooksDistance(x, n, d, Numbers(c, "y"));
        var leverage = new WorstError(id + " leverage");
        var cook = new WorstError(id + " Cook");
        double[] expectedH = Numbers(c, "leverage"), expectedD = Numbers(c, "cooks");
        for (int i = 0; i < n; i++)
        {
            leverage.Add(h[i], expectedH[i], $"row {i}");
            cook.Add(cooks[i], expectedD[i], $"row {i}");
        }

        Assert.Equal(d + 1, h.Sum(), 10);
        // Longley's design is ill-conditioned (κ ≈ 10⁵ after equilibration): about 1e-11 there, 1e-14 elsewhere
        leverage.AssertBelow(id == "regression-longley" ? 5e-11 : 1e-13, output);
        cook.AssertBelow(id == "regression-longley" ? 1e-8 : 1e-11, output);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Heteroscedasticity_and_autocorrelation_tests_match_statsmodels(string id)
    {
        JsonElement c = Goldens[id];
        (double[] x, int n, int d) = Design(c);
        double[] e = Numbers(c, "residuals");
        var worst = new WorstError(id + " tests");

        TestResult bp = RegressionDiagnostics.BreuschPagan(e, x, n, d);
        Assert.Equal(c.GetProperty("bp_df").GetInt32(), bp.DegreesOfFreedom);
        worst.Add(bp.Statistic, Number(c, "bp_lm"), "BP LM");
        worst.Add(bp.PValue, Number(c, "bp_p"), "BP p");
        if (c.TryGetProperty("white_lm", out _))
        {
            TestResult white = RegressionDiagnostics.White(e, x, n, d);
            Assert.Equal(c.GetProperty("white_df").GetInt32(), white.DegreesOfFreedom);
            worst.Add(white.Statistic, Number(c, "white_lm"), "White LM");
            worst.Add(white.PValue, Number(c, "white_p"), "White p");
        }

        worst.Add(RegressionDiagnostics.DurbinWatson(e), Number(c, "dw"), "DW");
        LagOneTest lag = RegressionDiagnostics.LagOneAutocorrelation(e);
        worst.Add(lag.Autocorrelation, Number(c, "acf1"), "acf1");
        Assert.Equal(lag.Autocorrelation * Math.Sqrt(n), lag.ZStatistic, 14);
        worst.AssertBelow(1e-12, output);
    }

    [Fact]
    public void White_drops_the_square_of_a_binary_column_and_detects_heteroscedasticity()
    {
        JsonElement c = Goldens["regression-hetero-synthetic"];
        (double[] x, int n, int d) = Design(c);
        TestResult white = RegressionDiagnostics.White(Numbers(c, "residuals"), x, n, d);
        Assert.Equal(8, white.DegreesOfFreedom); // 1 + 3 + 6 products = 10 columns, flag² = flag dropped → rank 9
        Assert.True(white.PValue < 1e-10);
        Assert.True(RegressionDiagnostics.WhiteIsAdvisable(n, d));
        Assert.False(RegressionDiagnostics.WhiteIsAdvisable(21, 3));
        Assert.Throws<ArgumentException>(() => RegressionDiagnostics.White(new double[10], new double[30], 10, 3));
    }

    [Fact]
    public void Rank_deficient_designs_use_their_column_space()
    {
        // column 2 = 2·column 1: hat values are those of the design without it, Σh = rank = 2
        var random = new Random(2);
        int n = 30;
        double[] x = new double[n * 2], xOne = new double[n], y = new double[n];
        for (int i = 0; i < n; i++)
        {
            xOne[i] = random.NextDouble();
            x[2 * i] = xOne[i];
            x[(2 * i) + 1] = 2 * xOne[i];
            y[i] = xOne[i] + random.NextDouble();
        }

        double[] h = RegressionDiagnostics.Leverage(x, n, 2);
        double[] h1 = RegressionDiagnostics.Leverage(xOne, n, 1);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(h1[i], h[i], 12);
        }

        Assert.Equal(2, h.Sum(), 12);
        double[] cooks = RegressionDiagnostics.CooksDistance(x, n, 2, y);
        double[] cooks1 = RegressionDiagnostics.CooksDistance(xOne, n, 1, y);
        Assert.Equal(cooks1[3], cooks[3], 12);
        Assert.Equal(1, RegressionDiagnostics.BreuschPagan(y, x, n, 2).DegreesOfFreedom);
    }

    [Fact]
    public void Edge_cases_are_documented_values()
    {
        double[] constant = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
        double[] x = [1, 2, 3, 4, 5, 6];
        TestResult bp = RegressionDiagnostics.BreuschPagan(constant, x, 6, 1);
        Assert.Equal((0.0, 1.0), (bp.Statistic, bp.PValue));
        Assert.Equal(2, RegressionDiagnostics.DurbinWatson([0.0, 0.0, 0.0]));
        Assert.Equal(1, RegressionDiagnostics.LagOneAutocorrelation([2.0, 2.0, 2.0]).PValue);
        Assert.Throws<ArgumentException>(() => RegressionDiagnostics.DurbinWatson([1.0]));

        // an alternating series has strong negative lag-one autocorrelation and DW near 4
        double[] alternating = Enumerable.Range(0, 100).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray();
        Assert.True(RegressionDiagnostics.DurbinWatson(alternating) > 3.9);
        LagOneTest lag = RegressionDiagnostics.LagOneAutocorrelation(alternating);
        Assert.True(lag.Autocorrelation < -0.95 && lag.PValue < 1e-15);

        // a row alone in its own indicator column has h = 1: Cook's distance is +∞ there
        double[] indicator = [1, 0, 0, 0, 0, 0];
        double[] y = [3, 1, 2, 1.5, 2.5, 1.2];
        double[] d = RegressionDiagnostics.CooksDistance(indicator, 6, 1, y);
        Assert.Equal(double.PositiveInfinity, d[0]);
        Assert.All(d.Skip(1), v => Assert.True(double.IsFinite(v) && v >= 0));
        Assert.Throws<ArgumentException>(() => RegressionDiagnostics.Leverage([1, 2, double.NaN], 3, 1));
    }
}
