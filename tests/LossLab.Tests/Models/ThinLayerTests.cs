using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>
/// The one-input, one-output layer (the guide's line) takes a path in double lanes across rows; it gives the bits of
/// the row-by-row double sum for every batch size, vector tails included.
/// </summary>
public sealed class ThinLayerTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(100)]
    [InlineData(1027)]
    public void The_line_forward_is_the_rounded_double_sum_row_by_row(int rows)
    {
        var random = new Random(rows);
        float[] x = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() * 200) - 100)).ToArray();
        x[0] = -0f;
        var model = new LinearModel(1, 1);
        foreach (float[] theta in new[] { new[] { 0.37f, -1.25f }, new[] { 3.1e-5f, -0f }, new[] { -7.5f, 1e6f } })
        {
            float[] y = new float[rows];
            model.Forward(theta, x, rows, y, model.CreateWorkspace(rows));
            for (int n = 0; n < rows; n++)
            {
                double sum = 0;
                sum += (double)x[n] * theta[0];
                float expected = (float)(sum + theta[1]);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[n]), $"row {n}: {y[n]} vs {expected}");
            }
        }
    }

    [Fact]
    public void The_line_backward_sums_in_double()
    {
        const int rows = 1003;
        var random = new Random(8);
        float[] x = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] dy = Enumerable.Range(0, rows).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var model = new LinearModel(1, 1);
        float[] theta = [0.5f, 0.25f];
        Workspace ws = model.CreateWorkspace(rows);
        model.Forward(theta, x, rows, new float[rows], ws);
        float[] gradient = new float[2];
        model.Backward(theta, x, rows, dy, gradient, ws);
        // Products of two floats are exact in double; the double sum then rounds to the nearest float (within an ulp).
        double weight = dy.Zip(x, (d, v) => (double)d * v).Sum();
        double bias = dy.Sum(d => (double)d);
        Assert.True(Math.Abs(gradient[0] - weight) <= Ulp(gradient[0]), $"w: {gradient[0]} vs {weight}");
        Assert.True(Math.Abs(gradient[1] - bias) <= Ulp(gradient[1]), $"b: {gradient[1]} vs {bias}");
    }

    private static double Ulp(float v) => MathF.BitIncrement(Math.Abs(v)) - Math.Abs(v);
}
