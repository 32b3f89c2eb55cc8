using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Specs;

namespace LossLab.Lab.Tests.Training;

/// <summary><c>fit --solver coordinate_descent --model linear:l1=λ</c>: the exact minimiser of LossLab's own penalised objective.</summary>
public sealed class LassoFitTests
{
    private static Dataset Sparse(int seed)
    {
        var random = new Random(seed);
        int n = 80, d = 6;
        float[] x = new float[n * d], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            double t = 0.5;
            for (int j = 0; j < d; j++)
            {
                x[(i * d) + j] = (float)((random.NextDouble() * 4) - 2);
                t += (j < 2 ? 2 - (3 * j) : 0) * x[(i * d) + j];
            }

            y[i] = (float)(t + (0.3 * ((random.NextDouble() * 2) - 1)));
        }

        return new Dataset("sparse", ["a", "b", "c", "d", "e", "f"], "y", x, y, TaskKind.Regression);
    }

    [Fact]
    public void Coordinate_descent_satisfies_the_optimality_conditions_of_mean_squared_error_plus_l1()
    {
        Dataset data = Sparse(5);
        const double l1 = 0.2;
        FitResult r = Fitter.Fit(data, new FitSettings { Model = $"linear:l1={l1}", Loss = "mse", Solver = "coordinate_descent", Validation = 0 });
        double[] c = r.Parameters;
        int n = data.Rows, d = data.Columns;
        double[] residual = new double[n];
        for (int i = 0; i < n; i++)
        {
            residual[i] = data.Targets[i] - c[d];
            for (int j = 0; j < d; j++)
            {
                residual[i] -= c[j] * data.Features[(i * d) + j];
            }
        }

        // Objective mean(r²) + λΣ|w|: ∂/∂b = 0, and for each weight (2/n)x_jᵀr = λ·sign(w_j), or |·| ≤ λ at w_j = 0.
        Assert.Equal(0, residual.Average(), 1e-6);
        int zeros = 0;
        for (int j = 0; j < d; j++)
        {
            double g = 2 * Enumerable.Range(0, n).Sum(i => data.Features[(i * d) + j] * residual[i]) / n;
            if (c[j] == 0)
            {
                zeros++;
                Assert.True(Math.Abs(g) <= l1 + 1e-6, $"feature {j}: |g| = {Math.Abs(g)}");
            }
            else
            {
                Assert.Equal(l1 * Math.Sign(c[j]), g, 1e-5);
            }
        }

        Assert.True(zeros >= 2, $"{zeros} zeros");
        Assert.Equal(0, r.Epochs);
    }

    [Fact]
    public void Coordinate_descent_refuses_other_losses_and_l2()
    {
        Dataset data = Sparse(6);
        Assert.Throws<SpecException>(() => Fitter.Fit(data, new FitSettings { Model = "linear:l1=0.1", Loss = "l1", Solver = "coordinate_descent" }));
        Assert.Throws<SpecException>(() => Fitter.Fit(data, new FitSettings { Model = "linear:l1=0.1,l2=0.1", Loss = "mse", Solver = "coordinate_descent" }));
    }
}
