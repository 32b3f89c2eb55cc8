using LossLab.Functions;

namespace LossLab.Tests.Optim;

/// <summary>
/// The objectives the optimizer tests run, with gradients computed in double from the float32 parameters and
/// rounded to float32 — the rule the PyTorch goldens were generated with, so both sides see identical gradients.
/// </summary>
internal static class Problems
{
    public delegate double Gradient(ReadOnlySpan<float> theta, Span<float> gradient);

    public static Gradient Surface(string name)
    {
        ITestFunction f = TestFunctions.Find(name) ?? throw new ArgumentException(name);
        return (theta, g) => f.Evaluate(theta, g);
    }

    /// <summary>f = mean((Xw − y)²), ∇f = (2/n)·Xᵀ(Xw − y).</summary>
    public static Gradient LeastSquares(float[] x, float[] y, int d) => (w, g) =>
    {
        int n = y.Length;
        double[] grad = new double[d];
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            double r = -y[i];
            for (int j = 0; j < d; j++)
            {
                r += (double)x[(i * d) + j] * w[j];
            }

            loss += r * r;
            for (int j = 0; j < d; j++)
            {
                grad[j] += 2.0 / n * r * x[(i * d) + j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            g[j] = (float)grad[j];
        }

        return loss / n;
    };
}
