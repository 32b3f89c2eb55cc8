using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Solvers;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// Shared machinery of the optimizer claims on linear regression: the exact minimiser of a mean loss over a sample (the
/// reference an excess objective is measured from) and a full-batch run of a library optimizer from a given start.
/// </summary>
internal static class LinearRuns
{
    /// <summary>
    /// The exact minimiser (weights, then intercept) of the mean loss over <paramref name="data"/> and its objective.
    /// <c>mse</c>: least squares by QR (<see cref="ExactSolvers.LeastSquaresFit"/>); <c>l1</c>: exact least absolute
    /// deviations (<see cref="ExactSolvers.Robust"/>); <c>huber</c> with its δ fixed in the data's units and
    /// <c>log_cosh</c>: iteratively reweighted least squares with weights ψ(r)/r (min(1, δ/|r|), tanh(r)/r), which
    /// descends monotonically for these convex losses, run until the coefficients change by less than 10⁻¹².
    /// (<see cref="ExactSolvers.Robust"/>'s Huber rescales δ by a MAD estimate of scale, so it solves another problem.)
    /// </summary>
    public static (double[] Coefficients, double Objective) Optimum(string lossSpec, Dataset data)
    {
        ILoss loss = LossCatalog.Create(lossSpec);
        double[] c = loss switch
        {
            Mse => ExactSolvers.LeastSquaresFit(data),
            L1 => ExactSolvers.Robust(loss, data).Coefficients,
            Huber h => Irls(data, r => Math.Abs(r) <= h.Delta ? 1 : h.Delta / Math.Abs(r)),
            LogCosh => Irls(data, r => Math.Abs(r) < 1e-8 ? 1 : Math.Tanh(r) / r),
            _ => throw new ArgumentException($"no exact solver for {lossSpec}", nameof(lossSpec)),
        };
        return (c, Objective(loss, data, c));
    }

    /// <summary>The mean loss of the linear model with <paramref name="coefficients"/> (weights, intercept), in float64.</summary>
    public static double Objective(ILoss loss, Dataset data, IReadOnlyList<double> coefficients)
    {
        int d = data.Columns;
        double[] p = new double[data.Rows], y = new double[data.Rows];
        for (int i = 0; i < data.Rows; i++)
        {
            double v = coefficients[d];
            for (int j = 0; j < d; j++)
            {
                v += coefficients[j] * data.Features[(i * d) + j];
            }

            p[i] = v;
            y[i] = data.Targets[i];
        }

        return loss.Evaluate(p, y, Span<double>.Empty, Reduction.Mean);
    }

    /// <summary>
    /// <paramref name="steps"/> full-batch steps of an optimizer on the mean loss of a fresh linear model from
    /// <paramref name="initial"/>; the final parameters, or null when the loss became non-finite (diverged).
    /// </summary>
    public static float[]? Train(ILoss loss, string optimizer, Dataset data, float[] initial, int steps)
        => Train(loss, optimizer, data, initial, steps, 1)?[^1];

    /// <summary>
    /// As <see cref="Train(ILoss, string, Dataset, float[], int)"/>, returning the parameters after each of the last
    /// <paramref name="tail"/> steps (the last one last), or null when the run diverged.
    /// </summary>
    public static float[][]? Train(ILoss loss, string optimizer, Dataset data, float[] initial, int steps, int tail)
    {
        var kept = new List<float[]>();
        var objective = new TrainingObjective(new LinearModel(data.Columns, 1), loss, TaskKind.Regression, data.Rows);
        var state = new Optimizer(OptimizerCatalog.Create(optimizer).Transform!, initial.Length);
        float[] theta = (float[])initial.Clone(), g = new float[initial.Length];
        for (int k = 0; k < steps; k++)
        {
            double value = objective.Evaluate(theta, data.Features, data.Targets, data.Rows, g);
            if (!double.IsFinite(value) || !AllFinite(g))
            {
                return null;
            }

            state.Step(theta, g);
            if (k >= steps - tail)
            {
                kept.Add((float[])theta.Clone());
            }
        }

        if (kept.Count == 0)
        {
            kept.Add(theta);
        }

        return AllFinite(theta) && double.IsFinite(objective.Evaluate(theta, data.Features, data.Targets, data.Rows, Span<float>.Empty)) ? [.. kept] : null;
    }

    /// <summary>The excess objective (L(θ) − L*) of a run's end over the exact optimum; +∞ when it diverged.</summary>
    public static double Excess(ILoss loss, Dataset data, float[]? theta, double optimum)
        => theta is null ? double.PositiveInfinity : Math.Max(0, Objective(loss, data, [.. theta.Select(v => (double)v)]) - optimum);

    /// <summary>The mean excess objective over a run's last iterates; +∞ when it diverged.</summary>
    public static double MeanExcess(ILoss loss, Dataset data, float[][]? iterates, double optimum)
        => iterates is null ? double.PositiveInfinity : iterates.Average(theta => Excess(loss, data, theta, optimum));

    /// <summary>A copy whose targets are standardised with the mean and population σ of <paramref name="reference"/>'s targets.</summary>
    public static Dataset StandardizeTargets(Dataset data, Dataset reference)
    {
        double mean = reference.Targets.Average(v => (double)v);
        double sd = Math.Sqrt(reference.Targets.Average(v => ((double)v - mean) * ((double)v - mean)));
        sd = sd > 1e-12 ? sd : 1;
        return data.WithTargets([.. data.Targets.Select(v => (float)((v - mean) / sd))]);
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>IRLS from the least-squares fit: weighted least squares with weights w(rᵢ) until the coefficients settle.</summary>
    private static double[] Irls(Dataset data, Func<double, double> weight)
    {
        int n = data.Rows, d = data.Columns;
        double[] c = ExactSolvers.LeastSquaresFit(data);
        double[,] x = new double[n, d + 1];
        double[] y = new double[n];
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            for (int i = 0; i < n; i++)
            {
                double r = data.Targets[i] - c[d];
                for (int j = 0; j < d; j++)
                {
                    r -= c[j] * data.Features[(i * d) + j];
                }

                double s = Math.Sqrt(weight(r));
                for (int j = 0; j < d; j++)
                {
                    x[i, j] = s * data.Features[(i * d) + j];
                }

                x[i, d] = s;
                y[i] = s * data.Targets[i];
            }

            // Without an added intercept column the coefficients come back in the design's order: weights, then the intercept.
            double[] next = [.. LeastSquares.Solve(x, y, intercept: false).Coefficients];
            double change = next.Select((v, j) => Math.Abs(v - c[j]) / (1 + Math.Abs(c[j]))).Max();
            c = next;
            if (change < 1e-12)
            {
                break;
            }
        }

        return c;
    }
}
