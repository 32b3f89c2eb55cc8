using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>
/// An independent double-precision reference of the dense networks, written straight from the formulas
/// (y = xWᵀ + b per layer, PyTorch's parameter order), and helpers shared by the model tests.
/// </summary>
internal static class Reference
{
    /// <summary>The layer widths of a model: inputs, hidden…, outputs.</summary>
    public static int[] Sizes(Model model) => model switch
    {
        Mlp mlp => [mlp.Inputs, .. mlp.Hidden, mlp.Outputs],
        _ => [model.Inputs, model.Outputs],
    };

    /// <summary>The network in double: every layer, every activation, no rounding to float.</summary>
    public static double[] Forward(int[] sizes, Activation activation, double[] theta, double[] x, int batch)
    {
        double[] a = x;
        int offset = 0;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            int fanIn = sizes[l], fanOut = sizes[l + 1];
            int weights = offset, bias = offset + (fanIn * fanOut);
            offset = bias + fanOut;
            double[] z = new double[batch * fanOut];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < fanOut; o++)
                {
                    double s = theta[bias + o];
                    for (int i = 0; i < fanIn; i++)
                    {
                        s += a[(n * fanIn) + i] * theta[weights + (o * fanIn) + i];
                    }

                    z[(n * fanOut) + o] = s;
                }
            }

            bool last = l + 2 == sizes.Length;
            a = last ? z : z.Select(v => Act(activation, v)).ToArray();
        }

        Assert.Equal(theta.Length, offset);
        return a;
    }

    /// <summary>The activations from their textbook definitions.</summary>
    public static double Act(Activation activation, double z) => activation switch
    {
        Activation.Relu => Math.Max(z, 0),
        Activation.Tanh => Math.Tanh(z),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Gelu => 0.5 * z * (1 + SpecialFunctions.Erf(z / Math.Sqrt(2))),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>Uniform floats in [−scale, scale).</summary>
    public static float[] Uniform(Random random, int length, double scale = 1)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(scale * ((2 * random.NextDouble()) - 1));
        }

        return values;
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    /// <summary>L = Σ c·y, the test objective whose ∂L/∂y is c.</summary>
    public static double Weighted(double[] c, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < c.Length; i++)
        {
            s += c[i] * y[i];
        }

        return s;
    }

    /// <summary>Runs Forward then Backward with ∂L/∂y = <paramref name="c"/>; returns the outputs and the gradient.</summary>
    public static (float[] Outputs, float[] Gradient) Run(Model model, float[] theta, float[] x, int batch, float[] c)
    {
        Workspace ws = model.CreateWorkspace(batch);
        float[] y = new float[batch * model.Outputs];
        float[] g = new float[model.ParameterCount];
        model.Forward(theta, x, batch, y, ws);
        model.Backward(theta, x, batch, c, g, ws);
        return (y, g);
    }
}
