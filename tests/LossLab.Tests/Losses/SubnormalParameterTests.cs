using LossLab.Losses;
using LossLab.Optim;
using LossLab.Specs;

namespace LossLab.Tests.Losses;

public sealed class SubnormalParameterTests
{
    [Theory]
    [InlineData("huber:delta=1e-45")]
    [InlineData("pseudo_huber:delta=1e-40")]
    [InlineData("quantile:tau=1e-39")]
    [InlineData("cauchy:c=1e-40")]
    public void A_loss_parameter_in_float32s_subnormal_range_is_refused(string spec)
    {
        var error = Assert.Throws<SpecException>(() => LossCatalog.Create(spec));
        Assert.Contains("smallest normal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_optimizer_parameter_in_the_subnormal_range_is_refused_and_zero_and_tiny_normal_values_pass()
    {
        Assert.Throws<SpecException>(() => OptimizerCatalog.Create("adam:eps=1e-42"));
        Assert.Equal(new Huber(1e-30), LossCatalog.Create("huber:delta=1e-30"));
        _ = OptimizerCatalog.Create("sgd:lr=0.1,momentum=0");
    }
}
