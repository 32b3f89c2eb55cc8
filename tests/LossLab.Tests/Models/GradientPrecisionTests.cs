using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>
/// The parameter gradient is the double sum of exact float products rounded once: where the terms cancel (near a
/// least-squares fit, on features far from zero) it still equals the correctly rounded sum.
/// </summary>
public sealed class GradientPrecisionTests
{
    [Theory]
    [InlineData(1, 4096)]
    [InlineData(20, 1000)]
    [InlineData(33, 300)]
    public void Weight_gradients_are_the_rounded_double_sums_even_when_terms_cancel(int inputs, int rows)
    {
        var random = new Random(11);
        float[] x = Enumerable.Range(0, rows * inputs).Select(_ => (float)(1000 + (random.NextDouble() * 10))).ToArray();
        float[] dy = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        double mean = dy.Average(v => (double)v);
        for (int n = 0; n < rows; n++)
        {
            dy[n] -= (float)mean; // residual-like: the sums cancel
        }

        var model = new LinearModel(inputs, 1);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, new Random(2));
        Workspace ws = model.CreateWorkspace(rows);
        model.Forward(theta, x, rows, new float[rows], ws);
        float[] gradient = new float[model.ParameterCount];
        model.Backward(theta, x, rows, dy, gradient, ws);
        for (int i = 0; i < inputs; i++)
        {
            double exact = 0;
            for (int n = 0; n < rows; n++)
            {
                exact += (double)dy[n] * x[(n * inputs) + i];
            }

            Assert.True(Math.Abs(gradient[i] - exact) <= Math.Abs(exact) * 1e-6 + 1e-9, $"w{i}: {gradient[i]} vs {exact}");
        }

        double bias = dy.Sum(v => (double)v);
        Assert.True(Math.Abs(gradient[^1] - bias) <= Math.Abs(bias) * 1e-6 + 1e-9, $"b: {gradient[^1]} vs {bias}");
    }

    [Fact]
    public void Mlp_weight_gradients_are_the_rounded_double_sums()
    {
        var random = new Random(4);
        const int rows = 300, inputs = 12, hidden = 24;
        float[] x = Enumerable.Range(0, rows * inputs).Select(_ => (float)(50 + (random.NextDouble() * 4))).ToArray();
        float[] dy = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var model = new Mlp(inputs, [hidden], 1);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, new Random(3));
        Workspace ws = model.CreateWorkspace(rows);
        float[] y = new float[rows];
        model.Forward(theta, x, rows, y, ws);
        float[] gradient = new float[model.ParameterCount];
        model.Backward(theta, x, rows, dy, gradient, ws);

        // The second layer's weights: ∂W2[0, h] = Σₙ dyₙ·a[n, h], with a = relu(z) recomputed in double from the first layer.
        int w2 = (inputs * hidden) + hidden;
        for (int h = 0; h < hidden; h++)
        {
            double exact = 0;
            for (int n = 0; n < rows; n++)
            {
                double z = theta[(inputs * hidden) + h];
                for (int i = 0; i < inputs; i++)
                {
                    z += (double)x[(n * inputs) + i] * theta[(h * inputs) + i];
                }

                exact += (double)dy[n] * Math.Max(z, 0);
            }

            Assert.True(Math.Abs(gradient[w2 + h] - exact) <= Math.Abs(exact) * 1e-4 + 1e-3, $"W2[{h}]: {gradient[w2 + h]} vs {exact}");
        }
    }

    [Fact]
    public void Relu_passes_the_gradient_through_a_nan_pre_activation_as_pytorch_does()
    {
        // One hidden unit whose pre-activation is NaN (a NaN weight) and one that is negative.
        var model = new Mlp(1, [2], 1);
        float[] theta = [float.NaN, -1f, 0f, 0f, 1f, 1f, 0f];
        Workspace ws = model.CreateWorkspace(9);
        float[] x = Enumerable.Repeat(1f, 9).ToArray();
        model.Forward(theta, x, 9, new float[9], ws);
        float[] gradient = new float[theta.Length];
        model.Backward(theta, x, 9, Enumerable.Repeat(1f, 9).ToArray(), gradient, ws);
        // z₀ = NaN is not ≤ 0, so δ passes: ∂W1[0] = Σₙ 1·W2[0]·xₙ = 9 (the old mask z > 0 dropped it to 0).
        Assert.Equal(9f, gradient[0]);
        Assert.Equal(0f, gradient[1]);
    }
}
