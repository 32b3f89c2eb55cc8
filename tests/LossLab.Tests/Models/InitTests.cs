using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>
/// Init.Default is PyTorch's nn.Linear default, U(−1/√fan_in, 1/√fan_in) for weights and biases alike, drawn layer by
/// layer, weights then bias, as bound·(2u − 1) with u = Random.NextDouble(); Init.Zeros is all zeros.
/// </summary>
public sealed class InitTests
{
    public static TheoryData<string> Architectures => new() { "linear", "mlp" };

    private static Model Make(string kind) => kind == "linear" ? new LinearModel(30, 20) : new Mlp(30, [50, 20], 12, Activation.Tanh);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Default_draws_layer_by_layer_weights_then_bias_in_a_documented_order(string kind)
    {
        Model model = Make(kind);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, new Random(42));

        var replay = new Random(42);
        int[] sizes = Reference.Sizes(model);
        int k = 0;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            double bound = 1 / Math.Sqrt(sizes[l]);
            for (int i = 0; i < (sizes[l] * sizes[l + 1]) + sizes[l + 1]; i++, k++)
            {
                Assert.Equal((float)(bound * ((2 * replay.NextDouble()) - 1)), theta[k]);
            }
        }

        Assert.Equal(theta.Length, k);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Default_fills_each_layer_uniformly_within_one_over_root_fan_in(string kind)
    {
        Model model = Make(kind);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, new Random(7));
        int[] sizes = Reference.Sizes(model);
        int offset = 0;
        for (int l = 0; l + 1 < sizes.Length; l++)
        {
            float bound = (float)(1 / Math.Sqrt(sizes[l]));
            int weights = sizes[l] * sizes[l + 1], biases = sizes[l + 1];
            float[] w = theta[offset..(offset + weights)], b = theta[(offset + weights)..(offset + weights + biases)];
            offset += weights + biases;
            Assert.All(w, v => Assert.InRange(v, -bound, bound));
            Assert.All(b, v => Assert.InRange(v, -bound, bound));

            // U(−β, β): mean 0, variance β²/3, and the extremes come close to ±β.
            double mean = w.Average(v => (double)v), variance = w.Average(v => ((double)v * v)) - (mean * mean);
            Assert.InRange(mean, -0.1 * bound, 0.1 * bound);
            Assert.InRange(variance, 0.8 * bound * bound / 3, 1.2 * bound * bound / 3);
            Assert.True(w.Max() > 0.9f * bound && w.Min() < -0.9f * bound, $"layer {l}: [{w.Min()}, {w.Max()}] vs ±{bound}");
            Assert.True(b.Any(v => v > 0) && b.Any(v => v < 0));
        }
    }

    [Fact]
    public void Default_is_deterministic_for_a_seed_and_differs_between_seeds()
    {
        Model model = Make("mlp");
        float[] a = new float[model.ParameterCount], b = new float[model.ParameterCount], c = new float[model.ParameterCount];
        model.Initialize(a, Init.Default, new Random(1));
        model.Initialize(b, Init.Default, new Random(1));
        model.Initialize(c, Init.Default, new Random(2));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Zeros_writes_zeros_and_draws_nothing(string kind)
    {
        Model model = Make(kind);
        float[] theta = Enumerable.Repeat(3f, model.ParameterCount).ToArray();
        var random = new Random(9);
        model.Initialize(theta, Init.Zeros, random);
        Assert.All(theta, v => Assert.Equal(0f, v));
        Assert.Equal(new Random(9).Next(), random.Next());
    }

    [Fact]
    public void A_zero_linear_model_outputs_zero()
    {
        var model = new LinearModel(3, 2);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Zeros, new Random(0));
        float[] y = Enumerable.Repeat(1f, 4).ToArray();
        model.Forward(theta, [1, 2, 3, 4, 5, 6], 2, y, model.CreateWorkspace(2));
        Assert.All(y, v => Assert.Equal(0f, v));
    }
}
