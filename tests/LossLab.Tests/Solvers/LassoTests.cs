using System.Text.Json;
using LossLab.Solvers;
using LossLab.Tests.Support;
using Xunit.Abstractions;

namespace LossLab.Tests.Solvers;

/// <summary>
/// <see cref="LassoCoordinateDescent"/> against scikit-learn 1.2's <c>Lasso</c> (tools/generate_lasso_goldens.py): three
/// seeded data sets (sparse, correlated, wider than tall) at α = 0.01, 0.1, 0.5 and just above α_max, at sklearn's
/// default tolerance and at a tight one.
/// </summary>
public sealed class LassoTests(ITestOutputHelper output)
{
    private static readonly Golden Goldens = Golden.Load("lasso.json");

    public static TheoryData<string> CaseIds => Goldens.Ids();

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Lasso_matches_scikit_learn(string id)
    {
        JsonElement c = Goldens[id];
        double[] x = Golden.Doubles(c.GetProperty("x")), y = Golden.Doubles(c.GetProperty("y"));
        int n = c.GetProperty("rows").GetInt32(), d = c.GetProperty("columns").GetInt32();
        double alpha = c.GetProperty("alpha").GetDouble();
        foreach ((string setting, double tol, int maxIterations) in new[] { ("default", 1e-4, 1000), ("tight", 1e-12, 100000) })
        {
            JsonElement g = c.GetProperty(setting);
            double[] weights = Golden.Doubles(g.GetProperty("weights"));
            LassoFit fit = LassoCoordinateDescent.Fit(x, n, d, y, alpha, tolerance: tol, maxIterations: maxIterations);
            double error = Math.Abs(fit.Intercept - g.GetProperty("intercept").GetDouble());
            for (int j = 0; j < d; j++)
            {
                error = Math.Max(error, Math.Abs(fit.Weights[j] - weights[j]));
                Assert.Equal(weights[j] == 0, fit.Weights[j] == 0);
            }

            int iterations = g.GetProperty("iterations").GetInt32();
            output.WriteLine($"{id} {setting}: max |Δ| {error:E2}, sweeps {fit.Iterations} (sklearn {iterations}), zeros {fit.Zeros}, gap/n {fit.DualityGap:E2}");
            Assert.True(fit.Converged);
            Assert.True(error < 1e-9, $"{setting}: max |Δ| {error:E2}");
            Assert.InRange(fit.Iterations, iterations - 1, iterations + 1);
        }
    }

    [Fact]
    public void Above_lambda_max_every_weight_is_zero_and_the_intercept_is_the_mean()
    {
        JsonElement c = Goldens.Cases.First();
        double[] x = Golden.Doubles(c.GetProperty("x")), y = Golden.Doubles(c.GetProperty("y"));
        int n = c.GetProperty("rows").GetInt32(), d = c.GetProperty("columns").GetInt32();
        double max = LassoCoordinateDescent.LambdaMax(x, n, d, y);
        Assert.Equal(c.GetProperty("alpha_max").GetDouble(), max, 1e-9 * max);
        LassoFit fit = LassoCoordinateDescent.Fit(x, n, d, y, max * 1.000001);
        Assert.Equal(d, fit.Zeros);
        Assert.Equal(y.Average(), fit.Intercept, 1e-12);
        Assert.Equal(1, fit.Iterations);
    }
}
