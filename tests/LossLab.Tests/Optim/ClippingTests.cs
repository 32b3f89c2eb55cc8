using LossLab.Optim;

namespace LossLab.Tests.Optim;

/// <summary>Clipping with PyTorch's semantics.</summary>
public sealed class ClippingTests
{
    [Fact]
    public void Clip_by_norm_scales_to_max_norm_over_norm_plus_1e_6_and_returns_the_pre_clip_norm()
    {
        float[] g = [3f, 4f];
        double norm = Clipping.ClipByNorm(g, 1.0);
        Assert.Equal(5.0, norm, 6);
        Assert.Equal(3 / (5 + 1e-6), g[0], 6);
        Assert.Equal(4 / (5 + 1e-6), g[1], 6);
    }

    [Fact]
    public void Small_gradients_pass_unchanged()
    {
        float[] g = [0.3f, -0.4f];
        Clipping.ClipByNorm(g, 1.0);
        Assert.Equal([0.3f, -0.4f], g);
    }

    [Fact]
    public void Infinity_norm_and_value_clipping()
    {
        float[] g = [3f, -4f];
        Assert.Equal(4.0, Clipping.ClipByNorm(g, 2.0, double.PositiveInfinity));
        Assert.Equal(-2f, g[1], 5);
        float[] v = [3f, -4f, 0.5f];
        var state = new ClipByValue(1).CreateState(3);
        state.Update(v, new float[3], new StepContext(0));
        Assert.Equal([1f, -1f, 0.5f], v);
    }

    [Fact]
    public void Non_finite_norm_throws_only_when_asked()
    {
        float[] g = [float.NaN, 1f];
        Assert.Throws<NonFiniteGradientException>(() => Clipping.ClipByNorm(g, 1, errorIfNonfinite: true));
        float[] h = [float.PositiveInfinity, 1f];
        Assert.True(double.IsInfinity(Clipping.ClipByNorm(h, 1)));
    }

    [Fact]
    public void Invalid_clip_parameters_are_rejected()
    {
        Assert.Equal("max_norm", Assert.Throws<ArgumentOutOfRangeException>(() => new ClipByGlobalNorm(0)).ParamName);
        Assert.Equal("norm_type", Assert.Throws<ArgumentOutOfRangeException>(() => new ClipByGlobalNorm(1, -2)).ParamName);
        Assert.Equal("clip_value", Assert.Throws<ArgumentOutOfRangeException>(() => new ClipByValue(-1)).ParamName);
    }

    [Fact]
    public void The_clip_coefficient_is_computed_in_float32_as_PyTorch_does()
    {
        // ‖g‖∞ = 10: PyTorch's max_norm/(total + 1e-6) in float32 is 0.099999994f; in float64 rounded once it would be
        // 0.09999999f, so 3 would become 0.29999995f instead of PyTorch's 0.29999998f.
        float[] g = [3f, -10f];
        Clipping.ClipByNorm(g, 1.0, double.PositiveInfinity);
        Assert.Equal(3f * (1f / (10f + 1e-6f)), g[0]);
        Assert.Equal(0.29999998f, g[0]);
    }

    [Fact]
    public void A_NaN_norm_gives_a_NaN_coefficient_as_in_PyTorch()
    {
        float[] g = [float.NaN, 1f];
        Clipping.ClipByNorm(g, 1);
        Assert.True(float.IsNaN(g[1]));
    }
}
