using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>
/// Parameter order and formulas on cases worked by hand: PyTorch's <c>nn.Linear</c> stores <c>weight</c> as
/// (out_features × in_features) and <c>parameters()</c> yields weight before bias, layer by layer; y = x·Wᵀ + b.
/// </summary>
public sealed class ModelLayoutTests
{
    [Fact]
    public void Linear_uses_weight_rows_per_output_then_bias()
    {
        // nn.Linear(2, 3): weight [[1, 2], [3, 4], [5, 6]], bias [0.1, 0.2, 0.3].
        var model = new LinearModel(2, 3);
        float[] theta = [1, 2, 3, 4, 5, 6, 0.1f, 0.2f, 0.3f];
        float[] x = [1, 10, -1, 0.5f];
        float[] y = new float[6];
        Workspace ws = model.CreateWorkspace(2);
        model.Forward(theta, x, 2, y, ws);
        double[] expected = [21.1, 43.2, 65.3, -1 + 1 + 0.1, -3 + 2 + 0.2, -5 + 3 + 0.3];
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(expected[i], y[i], 1e-5);
        }

        // dW = dyᵀx, db = Σ dy: dy = [[1, 0, 2], [0, -1, 1]].
        float[] g = new float[9];
        model.Backward(theta, x, 2, [1, 0, 2, 0, -1, 1], g, ws);
        Assert.Equal(new[] { 1f, 10, 1, -0.5f, 2 - 1, 20 + 0.5f, 1, -1, 3 }, g);
        Assert.Equal(9, model.ParameterCount);
        Assert.Equal(new[] { true, true, true, true, true, true, false, false, false }, Enumerable.Range(0, 9).Select(model.IsWeight));
    }

    [Fact]
    public void Mlp_orders_parameters_layer_by_layer_weight_then_bias()
    {
        // nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)):
        // W1 = [[1, −1], [2, 0.5]], b1 = [0, −1], W2 = [[3, −2]], b2 = [0.5]; x = [2, 1].
        // z1 = [1, 3.5], a1 = [1, 3.5], y = 3 − 7 + 0.5 = −3.5.
        var model = new Mlp(2, [2], 1, Activation.Relu);
        float[] theta = [1, -1, 2, 0.5f, 0, -1, 3, -2, 0.5f];
        Assert.Equal(theta.Length, model.ParameterCount);
        float[] y = new float[1];
        Workspace ws = model.CreateWorkspace(1);
        model.Forward(theta, [2, 1], 1, y, ws);
        Assert.Equal(-3.5f, y[0]);

        // dy = 1: dW2 = a1, db2 = 1; δ1 = W2ᵀ ⊙ relu′(z1) = [3, −2]; dW1 = δ1 ⊗ x, db1 = δ1.
        float[] g = new float[9];
        model.Backward(theta, [2, 1], 1, [1], g, ws);
        Assert.Equal(new[] { 6f, 3, -4, -2, 3, -2, 1, 3.5f, 1 }, g);
        Assert.Equal(new[] { true, true, true, true, false, false, true, true, false }, Enumerable.Range(0, 9).Select(model.IsWeight));
    }

    [Fact]
    public void Relu_passes_no_gradient_through_an_inactive_unit()
    {
        // Same net, x = [0, 2]: z1 = [−2, 0], both inactive (relu′(0) = 0 as in PyTorch): only b2 gets a gradient.
        var model = new Mlp(2, [2], 1, Activation.Relu);
        float[] theta = [1, -1, 2, 0.5f, 0, -1, 3, -2, 0.5f];
        Workspace ws = model.CreateWorkspace(1);
        float[] y = new float[1];
        model.Forward(theta, [0, 2], 1, y, ws);
        Assert.Equal(0.5f, y[0]);
        float[] g = new float[9];
        model.Backward(theta, [0, 2], 1, [1], g, ws);
        Assert.Equal(new[] { 0f, 0, 0, 0, 0, 0, 0, 0, 1 }, g);
    }

    [Theory]
    [InlineData(Activation.Gelu, -3.0, -0.00404969409489028358, -0.011945647204183927)]
    [InlineData(Activation.Gelu, -1.0, -0.15865525393145705141, -0.083315470587686298383)]
    [InlineData(Activation.Gelu, -0.5, -0.15426876936299344818, 0.13250487534383715747)]
    [InlineData(Activation.Gelu, 0.5, 0.34573123063700655182, 0.86749512465616284253)]
    [InlineData(Activation.Gelu, 1.0, 0.84134474606854294859, 1.0833154705876862984)]
    [InlineData(Activation.Gelu, 2.0, 1.9544997361036415856, 1.0852318010781968967)]
    [InlineData(Activation.Tanh, 0.5, 0.46211715726000975850, 0.78644773296592741)]
    [InlineData(Activation.Sigmoid, -2.0, 0.11920292202211755, 0.10499358540350652)]
    [InlineData(Activation.Relu, 1.5, 1.5, 1)]
    [InlineData(Activation.Relu, -1.5, 0, 0)]
    public void A_single_unit_gives_the_activation_and_its_derivative(Activation activation, double z, double value, double derivative)
    {
        // y = 1·act(1·x + 0) + 0: the output is act(x) and ∂y/∂b1 = act′(x). References: mpmath at 40 digits.
        var model = new Mlp(1, [1], 1, activation);
        float[] theta = [1, 0, 1, 0];
        float[] y = new float[1], g = new float[4];
        Workspace ws = model.CreateWorkspace(1);
        model.Forward(theta, [(float)z], 1, y, ws);
        model.Backward(theta, [(float)z], 1, [1], g, ws);
        Assert.Equal((float)value, y[0], 1e-7f * (1 + Math.Abs((float)value)));
        Assert.Equal(derivative, g[1], 1e-6 * (1 + Math.Abs(derivative)));
        Assert.Equal(derivative * z, g[0], 1e-6 * (1 + Math.Abs(derivative * z)));
    }

    [Fact]
    public void Backward_overwrites_the_gradient_and_repeats_exactly()
    {
        var random = new Random(3);
        var model = new Mlp(4, [5, 3], 2, Activation.Tanh);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        float[] x = Reference.Uniform(random, 6 * 4), dy = Reference.Uniform(random, 6 * 2);
        Workspace ws = model.CreateWorkspace(10);
        float[] y = new float[12], first = new float[theta.Length], second = new float[theta.Length];
        model.Forward(theta, x, 6, y, ws);
        model.Backward(theta, x, 6, dy, first, ws);
        Array.Fill(second, 123f);
        model.Backward(theta, x, 6, dy, second, ws);
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_batch_is_the_sum_of_its_rows()
    {
        var random = new Random(5);
        var model = new Mlp(3, [4, 4], 2, Activation.Gelu);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        float[] x = Reference.Uniform(random, 4 * 3), dy = Reference.Uniform(random, 4 * 2);
        (float[] yBatch, float[] gBatch) = Reference.Run(model, theta, x, 4, dy);
        double[] gSum = new double[theta.Length];
        for (int n = 0; n < 4; n++)
        {
            (float[] yRow, float[] gRow) = Reference.Run(model, theta, x[(n * 3)..((n + 1) * 3)], 1, dy[(n * 2)..((n + 1) * 2)]);
            Assert.Equal(yBatch[(n * 2)..((n + 1) * 2)], yRow);
            for (int i = 0; i < gSum.Length; i++)
            {
                gSum[i] += gRow[i];
            }
        }

        for (int i = 0; i < gSum.Length; i++)
        {
            Assert.Equal(gSum[i], gBatch[i], 1e-6 * (1 + Math.Abs(gSum[i])));
        }
    }

    [Fact]
    public void Names_and_shapes()
    {
        var linear = new LinearModel(3, 2);
        Assert.Equal(("linear", 3, 2, 8), (linear.Name, linear.Inputs, linear.Outputs, linear.ParameterCount));
        Assert.Equal("softmax", new LinearModel(3, 4, "softmax").Name);
        var mlp = new Mlp(3, [5, 4], 2, Activation.Sigmoid);
        Assert.Equal(("mlp", 3, 2, (3 * 5) + 5 + (5 * 4) + 4 + (4 * 2) + 2), (mlp.Name, mlp.Inputs, mlp.Outputs, mlp.ParameterCount));
        Assert.Equal(new[] { 5, 4 }, mlp.Hidden);
        Assert.Equal(Activation.Sigmoid, mlp.Activation);
    }

    [Fact]
    public void Invalid_shapes_and_calls_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearModel(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearModel(1, 0));
        Assert.Throws<ArgumentException>(() => new LinearModel(1, 1, " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp(2, [], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp(2, [3, 0], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp(2, [3], 1, (Activation)42));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp(100_000, [100_000], 1));

        var model = new Mlp(2, [3], 1);
        var other = new Mlp(2, [3], 1);
        float[] theta = new float[model.ParameterCount], g = new float[model.ParameterCount];
        Workspace ws = model.CreateWorkspace(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.CreateWorkspace(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.IsWeight(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.IsWeight(model.ParameterCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(theta, new float[6], 3, new float[3], ws));
        Assert.Throws<ArgumentException>(() => model.Forward(theta, new float[5], 2, new float[2], ws));
        Assert.Throws<ArgumentException>(() => model.Forward(theta, new float[4], 2, new float[3], ws));
        Assert.Throws<ArgumentException>(() => model.Forward(theta.AsSpan(1), new float[4], 2, new float[2], ws));
        Assert.Throws<ArgumentException>(() => model.Forward(theta, new float[4], 2, new float[2], other.CreateWorkspace(2)));
        Assert.Throws<InvalidOperationException>(() => model.Backward(theta, new float[4], 2, new float[2], g, ws));
        model.Forward(theta, new float[4], 2, new float[2], ws);
        Assert.Throws<InvalidOperationException>(() => model.Backward(theta, new float[2], 1, new float[1], g, ws));
        Assert.Throws<ArgumentException>(() => model.Backward(theta, new float[4], 2, new float[2], new float[3], ws));
        model.Backward(theta, new float[4], 2, new float[2], g, ws);
        Assert.Throws<ArgumentException>(() => model.Initialize(new float[3], Init.Zeros, new Random(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Initialize(theta, (Init)7, new Random(0)));
    }
}
