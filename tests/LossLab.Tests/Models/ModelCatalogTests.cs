using LossLab.Models;
using LossLab.Specs;

namespace LossLab.Tests.Models;

public sealed class ModelCatalogTests
{
    [Fact]
    public void Catalog_lists_the_four_models_each_with_l1_and_l2()
    {
        Assert.Equal(new[] { "linear", "logistic", "softmax", "mlp" }, ModelCatalog.All.Select(m => m.Name));
        foreach (ModelInfo info in ModelCatalog.All)
        {
            Assert.Contains(info.Parameters, p => p.Name == "l1" && p.Default == "0");
            Assert.Contains(info.Parameters, p => p.Name == "l2" && p.Default == "0");
            Assert.False(string.IsNullOrWhiteSpace(info.Description));
            Assert.False(string.IsNullOrWhiteSpace(info.Formula));
            Assert.Same(info, ModelCatalog.Find(info.Name));
        }

        Assert.Null(ModelCatalog.Find("resnet"));
        Assert.Equal(new[] { "hidden", "activation", "l1", "l2" }, ModelCatalog.Find("mlp")!.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Specs_build_the_expected_models()
    {
        Model linear = ModelCatalog.Create("linear", 5, 3);
        Assert.IsType<LinearModel>(linear);
        Assert.Equal(("linear", 5, 3, 0.0, 0.0), (linear.Name, linear.Inputs, linear.Outputs, linear.L1, linear.L2));

        Model logistic = ModelCatalog.Create("logistic:l2=0.01", 4, 1);
        Assert.Equal(("logistic", 4, 1, 0.01), (logistic.Name, logistic.Inputs, logistic.Outputs, logistic.L2));

        Model softmax = ModelCatalog.Create("softmax:l1=0.5", 4, 3);
        Assert.Equal(("softmax", 3, 0.5), (softmax.Name, softmax.Outputs, softmax.L1));

        var mlp = Assert.IsType<Mlp>(ModelCatalog.Create("mlp:hidden=64/32,activation=gelu,l1=1e-4,l2=2e-4", 10, 2));
        Assert.Equal(new[] { 64, 32 }, mlp.Hidden);
        Assert.Equal((Activation.Gelu, 10, 2, 1e-4, 2e-4), (mlp.Activation, mlp.Inputs, mlp.Outputs, mlp.L1, mlp.L2));

        var defaults = Assert.IsType<Mlp>(ModelCatalog.Create("mlp", 3, 1));
        Assert.Equal(new[] { 64 }, defaults.Hidden);
        Assert.Equal(Activation.Relu, defaults.Activation);

        foreach (string activation in new[] { "relu", "tanh", "gelu", "sigmoid" })
        {
            Assert.Equal(activation, ((Mlp)ModelCatalog.Create($"mlp:activation={activation}", 2, 1)).Activation.ToString().ToLowerInvariant());
        }
    }

    [Theory]
    [InlineData("resnet", 3, 1, "linear, logistic, softmax, mlp")]
    [InlineData("linear:depth=3", 3, 1, "accepted: l1, l2")]
    [InlineData("mlp:width=3", 3, 1, "accepted: hidden, activation, l1, l2")]
    [InlineData("linear:l1=-1", 3, 1, "l1")]
    [InlineData("mlp:l2=-0.5", 3, 1, "l2")]
    [InlineData("linear:l2=abc", 3, 1, "l2=abc is not a number")]
    [InlineData("mlp:hidden=0", 3, 1, "hidden")]
    [InlineData("mlp:hidden=64/0", 3, 1, "hidden")]
    [InlineData("mlp:hidden=1.5", 3, 1, "hidden")]
    [InlineData("mlp:hidden=none", 3, 1, "hidden")]
    [InlineData("mlp:hidden=a/b", 3, 1, "hidden")]
    [InlineData("mlp:activation=swish", 3, 1, "relu, tanh, gelu, sigmoid")]
    [InlineData("logistic", 3, 4, "use softmax for 4 classes")]
    [InlineData("softmax", 3, 1, "for a binary task use logistic")]
    [InlineData("mlp:", 3, 1, "no key=value")]
    public void Bad_specs_say_what_is_wrong(string spec, int inputs, int outputs, string expected)
    {
        var ex = Assert.Throws<SpecException>(() => ModelCatalog.Create(spec, inputs, outputs));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_values_name_the_key()
    {
        Assert.StartsWith("linear: l1 must be", Assert.Throws<SpecException>(() => ModelCatalog.Create("linear:l1=-1", 2, 1)).Message, StringComparison.Ordinal);
        Assert.StartsWith("mlp: every entry of hidden", Assert.Throws<SpecException>(() => ModelCatalog.Create("mlp:hidden=3/0", 2, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelCatalog.Create("linear", 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelCatalog.Create("linear", 2, 0));
    }
}
