using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>Random inputs of the kind a loss expects, in double with float32-representable values.</summary>
internal static class Inputs
{
    public const int Classes = 3;

    public static (double[] Predictions, double[] Targets, int Classes) For(InputKind kind, Random random, int n = 7)
    {
        double U(double lo, double hi) => (float)(lo + (random.NextDouble() * (hi - lo)));
        double[] Fill(int count, Func<double> f) => Enumerable.Range(0, count).Select(_ => f()).ToArray();

        switch (kind)
        {
            case InputKind.Regression:
                return (Fill(n, () => U(-3, 3)), Fill(n, () => U(-3, 3)), 0);
            case InputKind.NonNegative:
                return (Fill(n, () => U(0.05, 5)), Fill(n, () => U(0, 5)), 0);
            case InputKind.Counts:
                return (Fill(n, () => U(0.2, 2.5)), Fill(n, () => random.Next(0, 6)), 0);
            case InputKind.Positive:
                return (Fill(n, () => U(-1.5, 2.5)), Fill(n, () => U(0.05, 8)), 0);
            case InputKind.MeanVariance:
            {
                double[] p = new double[2 * n];
                for (int i = 0; i < n; i++)
                {
                    p[2 * i] = U(-2, 2);
                    p[(2 * i) + 1] = U(0.2, 3);
                }

                return (p, Fill(n, () => U(-2, 2)), 0);
            }

            case InputKind.Probabilities:
                return (Fill(n, () => U(0.05, 0.95)), Fill(n, () => random.Next(3) == 0 ? U(0, 1) : random.Next(2)), 0);
            case InputKind.Logits:
                return (Fill(n, () => U(-4, 4)), Fill(n, () => random.Next(2)), 0);
            case InputKind.SignedLabels:
                return (Fill(n, () => U(-3, 3)), Fill(n, () => random.Next(2) == 0 ? -1 : 1), 0);
            case InputKind.ClassLogits:
                return (Fill(n * Classes, () => U(-3, 3)), Fill(n, () => random.Next(Classes)), Classes);
            case InputKind.ClassLogProbabilities:
            {
                double[] logits = Fill(n * Classes, () => U(-3, 3));
                return (LogSoftmaxRows(logits, Classes), Fill(n, () => random.Next(Classes)), Classes);
            }

            case InputKind.Distributions:
            {
                double[] logQ = LogSoftmaxRows(Fill(n * Classes, () => U(-2, 2)), Classes);
                double[] p = LogSoftmaxRows(Fill(n * Classes, () => U(-2, 2)), Classes).Select(v => (double)(float)Math.Exp(v)).ToArray();
                return (logQ, p, Classes);
            }

            case InputKind.Boxes:
            {
                double[] pred = new double[4 * n];
                double[] target = new double[4 * n];
                for (int i = 0; i < n; i++)
                {
                    double x = U(0, 10), y = U(0, 10);
                    target[4 * i] = x;
                    target[(4 * i) + 1] = y;
                    target[(4 * i) + 2] = (float)(x + U(1, 5));
                    target[(4 * i) + 3] = (float)(y + U(1, 5));
                    double px = (float)(x + U(-3, 3)), py = (float)(y + U(-3, 3));
                    pred[4 * i] = px;
                    pred[(4 * i) + 1] = py;
                    pred[(4 * i) + 2] = (float)(px + U(1, 5));
                    pred[(4 * i) + 3] = (float)(py + U(1, 5));
                }

                return (pred, target, 0);
            }

            case InputKind.Mask:
                return (Fill(4 * n, () => U(0.05, 0.95)), Fill(4 * n, () => random.Next(4) == 0 ? 1 : 0), 0);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Inputs for a spec: as <see cref="For(InputKind, Random, int)"/>, with log-probability targets for <c>log_target</c>.</summary>
    public static (double[] Predictions, double[] Targets, int Classes) For(string spec, InputKind kind, Random random, int n = 7)
    {
        (double[] p, double[] t, int classes) = For(kind, random, n);
        return spec.Contains("log_target=true", StringComparison.Ordinal) ? (p, t.Select(v => (double)(float)Math.Log(v)).ToArray(), classes) : (p, t, classes);
    }

    public static double[] LogSoftmaxRows(double[] logits, int c)
    {
        double[] result = new double[logits.Length];
        for (int r = 0; r < logits.Length / c; r++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < c; k++)
            {
                max = Math.Max(max, logits[(r * c) + k]);
            }

            double sum = 0;
            for (int k = 0; k < c; k++)
            {
                sum += Math.Exp(logits[(r * c) + k] - max);
            }

            for (int k = 0; k < c; k++)
            {
                result[(r * c) + k] = (float)(logits[(r * c) + k] - max - Math.Log(sum));
            }
        }

        return result;
    }
}
