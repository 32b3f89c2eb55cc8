using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>P(θ) = l1·Σ|w| + l2·Σw² over the weights only; ∂P/∂w = l1·sign(w) + 2·l2·w, added to the gradient.</summary>
public sealed class PenaltyTests
{
    // Mlp(2, [2], 1): W1 = [[1, −1], [2, 0]], b1 = [5, −5], W2 = [[−3, 0.5]], b2 = [7].
    private static readonly float[] Theta = [1, -1, 2, 0, 5, -5, -3, 0.5f, 7];

    [Fact]
    public void Value_and_gradient_by_hand_skip_the_biases()
    {
        var model = new Mlp(2, [2], 1) { L1 = 0.1, L2 = 0.25 };
        float[] g = [1, 1, 1, 1, 1, 1, 1, 1, 1];
        double value = model.AddPenalty(Theta, g);

        // Σ|w| = 1 + 1 + 2 + 0 + 3 + 0.5 = 7.5; Σw² = 1 + 1 + 4 + 0 + 9 + 0.25 = 15.25.
        Assert.Equal((0.1 * 7.5) + (0.25 * 15.25), value, 1e-12);
        double[] expected =
        [
            1 + 0.1 + (0.5 * 1), 1 - 0.1 + (0.5 * -1), 1 + 0.1 + (0.5 * 2), 1 + 0, // sign(0) = 0
            1, 1,
            1 - 0.1 + (0.5 * -3), 1 + 0.1 + (0.5 * 0.5),
            1,
        ];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], g[i], 1e-6);
        }

        Assert.Equal(value, model.PenaltyValue(Theta), 1e-15);
    }

    [Fact]
    public void Gradient_is_the_derivative_of_the_value()
    {
        var random = new Random(11);
        var model = new Mlp(3, [4], 2, Activation.Gelu) { L1 = 0.3, L2 = 0.7 };
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        float[] g = new float[theta.Length];
        model.AddPenalty(theta, g);
        for (int i = 0; i < theta.Length; i++)
        {
            // P is separable, so the derivative in θᵢ is exact from its own term: in double, h small against |θᵢ|.
            double w = theta[i], h = 1e-7;
            double Term(double v) => model.IsWeight(i) ? (0.3 * Math.Abs(v)) + (0.7 * v * v) : 0;
            double central = (Term(w + h) - Term(w - h)) / (2 * h);
            Assert.Equal(central, g[i], 1e-5);
        }
    }

    [Fact]
    public void No_penalty_by_default_and_validation()
    {
        var model = new LinearModel(2, 3);
        Assert.Equal((0.0, 0.0, false), (model.L1, model.L2, model.HasPenalty));
        float[] theta = [1, 2, 3, 4, 5, 6, 7, 8, 9], g = new float[9];
        Assert.Equal(0, model.AddPenalty(theta, g));
        Assert.All(g, v => Assert.Equal(0f, v));

        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearModel(2, 1) { L1 = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearModel(2, 1) { L2 = double.NaN });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearModel(2, 1) { L2 = double.PositiveInfinity });
        var penalised = new LinearModel(2, 3) { L2 = 1 };
        Assert.Throws<ArgumentException>(() => penalised.AddPenalty(theta.AsSpan(1), g));
        Assert.Throws<ArgumentException>(() => penalised.AddPenalty(theta, new float[4]));
        Assert.Equal(1 + 4 + 9 + 16 + 25 + 36, penalised.PenaltyValue(theta), 1e-12);
    }
}
