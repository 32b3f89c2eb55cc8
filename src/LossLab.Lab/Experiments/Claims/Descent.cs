using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// Gradient descent on a linear model for the optimizer claims (O2–O5, O8): a fresh run from given initial parameters,
/// learning-rate tuning that sees only the training rows, the exact optimum of the same sample, and the measures the
/// claims compare (steps to reach the optimum, excess objective, jitter). Parameters are in trace order (w…, b).
/// </summary>
internal static class Descent
{
    /// <summary>The learning rates every optimizer is tuned over (the same grid for all).</summary>
    public static readonly double[] RateGrid = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

    /// <summary>Final training losses within this relative distance of the best count as the same floor when tuning.</summary>
    public const double TieTolerance = 1e-6;

    /// <summary>The guide's sample: x ~ N(0, 1), y = 2x + 1 + 0.1·ε (options as in <c>builtin:seed</c>).</summary>
    public static Dataset Sample(int seed, string options = "")
        => Builtins.Load(string.IsNullOrEmpty(options) ? $"builtin:seed:seed={seed}" : $"builtin:seed:{options},seed={seed}");

    /// <summary>An optimizer spec with its learning rate (<paramref name="extra"/>: further arguments such as <c>momentum=0.9</c>).</summary>
    public static string Spec(string optimizer, double lr, string extra = "")
        => $"{optimizer}:lr={lr.ToString("R", CultureInfo.InvariantCulture)}" + (extra.Length > 0 ? "," + extra : string.Empty);

    /// <summary>Trains a fresh linear model on <paramref name="train"/> from <paramref name="initial"/> (not modified).</summary>
    public static TrainingRun Train(Dataset train, string loss, string optimizer, float[] initial, int epochs, int batch = 0, int seed = 0, string? schedule = null, double? clip = null)
    {
        var objective = new TrainingObjective(new LinearModel(train.Columns, 1), LossCatalog.Create(loss), TaskKind.Regression, Math.Max(train.Rows, 1));
        return Trainer.Train(objective, OptimizerCatalog.Create(optimizer, schedule, clip), initial, train, null, new TrainOptions { Epochs = epochs, BatchSize = batch, Seed = seed });
    }

    /// <summary>
    /// The learning rate of <see cref="RateGrid"/> with the lowest final training loss (runs that diverge are out); among
    /// rates whose final loss is within <see cref="TieTolerance"/> of the best (they reach the same floor), the one with
    /// the lowest mean training loss over the run (it got there faster). It sees only the training rows, the start and
    /// the budget: never the true parameters nor the exact optimum. Returns NaN when every rate diverges.
    /// </summary>
    public static double TuneRate(Dataset train, string loss, string optimizer, string extra, float[] initial, int epochs, int batch = 0, int seed = 0, string? schedule = null)
        => Tune(train, loss, optimizer, [extra], initial, epochs, batch, seed, schedule).Lr;

    /// <summary>
    /// <see cref="TuneRate"/> over the learning-rate grid and, jointly, over alternative further arguments
    /// (<paramref name="extras"/>, such as two momentum values): the same rule, the same training rows only.
    /// </summary>
    public static (double Lr, string Extra) Tune(Dataset train, string loss, string optimizer, IReadOnlyList<string> extras, float[] initial, int epochs, int batch = 0, int seed = 0, string? schedule = null)
    {
        var (lr, extra, _) = TuneRun(train, loss, optimizer, extras, initial, epochs, batch, seed, schedule);
        return (lr, extra);
    }

    /// <summary><see cref="Tune"/>, also returning the chosen run (null when every rate diverges), so it need not be trained again.</summary>
    public static (double Lr, string Extra, TrainingRun? Run) TuneRun(Dataset train, string loss, string optimizer, IReadOnlyList<string> extras, float[] initial, int epochs, int batch = 0, int seed = 0, string? schedule = null)
    {
        var scored = new List<(double Lr, string Extra, double Final, double Mean, TrainingRun Run)>();
        foreach (string extra in extras)
        {
            foreach (double lr in RateGrid)
            {
                TrainingRun run = Train(train, loss, Spec(optimizer, lr, extra), initial, epochs, batch, seed, schedule);
                double final = run.Loss[run.Steps];
                if (run.Diverged || !double.IsFinite(final))
                {
                    continue;
                }

                double mean = 0;
                for (int k = 0; k <= run.Steps; k++)
                {
                    mean += run.Loss[k];
                }

                scored.Add((lr, extra, final, mean / (run.Steps + 1), run));
            }
        }

        if (scored.Count == 0)
        {
            return (double.NaN, extras[0], null);
        }

        double best = scored.Min(s => s.Final);
        var pick = scored.Where(s => s.Final <= best + (TieTolerance * Math.Max(Math.Abs(best), 1e-12))).MinBy(s => s.Mean);
        return (pick.Lr, pick.Extra, pick.Run);
    }

    /// <summary>The exact optimum of the sample: least squares by QR (<c>mse</c>) or least absolute deviations by IRLS (<c>l1</c>).</summary>
    public static double[] Exact(Dataset data, string loss)
        => loss == "mse" ? ExactSolvers.Solve("closed_form", new Mse(), data) : ExactSolvers.Solve("irls", new L1(), data);

    /// <summary>The mean loss (<c>mse</c>: squared, <c>l1</c>: absolute residual) of parameters on the data, in double precision.</summary>
    public static double Objective(Dataset data, string loss, IReadOnlyList<double> theta)
    {
        int d = data.Columns;
        double sum = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            double r = theta[d] - data.Targets[i];
            for (int j = 0; j < d; j++)
            {
                r += theta[j] * data.Features[(i * d) + j];
            }

            sum += loss == "mse" ? r * r : Math.Abs(r);
        }

        return sum / data.Rows;
    }

    /// <summary>The parameters after step <paramref name="k"/>, as doubles.</summary>
    public static double[] At(TrainingRun run, int k)
    {
        ReadOnlySpan<float> p = run.ParametersAt(k);
        double[] theta = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            theta[i] = p[i];
        }

        return theta;
    }

    /// <summary>Euclidean distance.</summary>
    public static double Distance(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Count; i++)
        {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }

        return Math.Sqrt(s);
    }

    /// <summary>
    /// The first step after which the run stays within <paramref name="radius"/> of <paramref name="optimum"/> to the end of
    /// the run; <c>Steps + 1</c> when it is not there at the end (never reached within the budget).
    /// </summary>
    public static int StepsWithin(TrainingRun run, double[] optimum, double radius)
    {
        if (run.Diverged)
        {
            return run.Steps + 1;
        }

        int first = run.Steps + 1;
        for (int k = run.Steps; k >= 0; k--)
        {
            if (Distance(At(run, k), optimum) > radius)
            {
                break;
            }

            first = k;
        }

        return first;
    }

    /// <summary>The parameters at the end of every epoch (row 0 is the start).</summary>
    public static List<float[]> EpochPath(TrainingRun run)
    {
        int perEpoch = run.Epochs == 0 ? 1 : Math.Max(1, run.Steps / run.Epochs);
        var path = new List<float[]>();
        for (int k = 0; k <= run.Steps; k += perEpoch)
        {
            path.Add(run.ParametersAt(k).ToArray());
        }

        return path;
    }

    /// <summary>Jitter: the largest range (max − min) of any parameter over the last <paramref name="window"/> epoch ends.</summary>
    public static double Jitter(TrainingRun run, int window = 20) => Experiment.Jitter(EpochPath(run), window);

    /// <summary>The mean distance of the last <paramref name="window"/> epoch ends from <paramref name="optimum"/>.</summary>
    public static double MeanDistance(TrainingRun run, double[] optimum, int window = 20)
    {
        List<float[]> path = EpochPath(run);
        int from = Math.Max(0, path.Count - window);
        double sum = 0;
        for (int k = from; k < path.Count; k++)
        {
            sum += Distance([.. path[k].Select(v => (double)v)], optimum);
        }

        return sum / (path.Count - from);
    }

    /// <summary>Jitter per update: the largest range (max − min) of any parameter over the last <paramref name="window"/> updates.</summary>
    public static double StepJitter(TrainingRun run, int window)
    {
        int from = Math.Max(0, run.Steps - window + 1);
        double worst = 0;
        for (int i = 0; i < run.ParameterCount; i++)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int k = from; k <= run.Steps; k++)
            {
                double v = run.ParametersAt(k)[i];
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }

            worst = Math.Max(worst, hi - lo);
        }

        return worst;
    }

    /// <summary>The mean distance of the last <paramref name="window"/> updates from <paramref name="optimum"/>.</summary>
    public static double StepDistance(TrainingRun run, double[] optimum, int window)
    {
        int from = Math.Max(0, run.Steps - window + 1);
        double sum = 0;
        for (int k = from; k <= run.Steps; k++)
        {
            sum += Distance(At(run, k), optimum);
        }

        return sum / (run.Steps - from + 1);
    }

    /// <summary>The condition number (largest over smallest singular value) of the design [X, 1].</summary>
    public static double DesignCondition(Dataset data)
    {
        int d = data.Columns, m = d + 1;
        double[,] g = new double[m, m];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int a = 0; a < m; a++)
            {
                double xa = a < d ? data.Features[(i * d) + a] : 1;
                for (int b = 0; b < m; b++)
                {
                    g[a, b] += xa * (b < d ? data.Features[(i * d) + b] : 1);
                }
            }
        }

        double[] eigen = SymmetricEigenvalues(g);
        return Math.Sqrt(eigen.Max() / eigen.Min());
    }

    /// <summary>Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations.</summary>
    private static double[] SymmetricEigenvalues(double[,] a)
    {
        int m = a.GetLength(0);
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < m; p++)
            {
                for (int q = p + 1; q < m; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }

            if (off < 1e-30)
            {
                break;
            }

            for (int p = 0; p < m; p++)
            {
                for (int q = p + 1; q < m; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300)
                    {
                        continue;
                    }

                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt((theta * theta) + 1));
                    double c = 1 / Math.Sqrt((t * t) + 1), s = t * c;
                    for (int k = 0; k < m; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = (c * akp) - (s * akq);
                        a[k, q] = (s * akp) + (c * akq);
                    }

                    for (int k = 0; k < m; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = (c * apk) - (s * aqk);
                        a[q, k] = (s * apk) + (c * aqk);
                    }
                }
            }
        }

        return [.. Enumerable.Range(0, m).Select(i => a[i, i])];
    }

    /// <summary>Mean, for explanations.</summary>
    public static double Mean(this ClaimSummary summary, string key) => summary.Evidence.TryGetValue(key, out double v) ? v : double.NaN;
}
