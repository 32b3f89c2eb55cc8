using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>The catalog is complete and self-consistent.</summary>
public sealed class CatalogTests
{
    private static readonly string[] Required =
    [
        "l1", "mse", "huber", "smooth_l1", "log_cosh", "pseudo_huber", "quantile", "epsilon_insensitive",
        "squared_epsilon_insensitive", "msle", "mape", "poisson_nll", "tweedie", "gamma", "gaussian_nll", "cauchy", "tukey", "barron",
        "bce", "bce_with_logits", "cross_entropy", "nll", "kl_div", "hinge", "squared_hinge", "multi_margin", "focal",
        "softmax_focal", "iou", "giou", "diou", "ciou", "dice", "tversky", "jaccard",
    ];

    [Fact]
    public void Every_required_loss_is_listed_once_with_documentation()
    {
        foreach (string name in Required)
        {
            Assert.Single(LossCatalog.All, e => e.Name == name);
        }

        Assert.Equal(LossCatalog.All.Count, LossCatalog.All.Select(e => e.Name).Distinct().Count());
        Assert.All(LossCatalog.All, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Formula));
            Assert.False(string.IsNullOrWhiteSpace(e.Gradient));
            Assert.False(string.IsNullOrWhiteSpace(e.WhenToUse));
            Assert.NotEmpty(e.Tasks);
        });
    }

    [Fact]
    public void Every_entry_builds_with_its_defaults_and_reports_its_name()
    {
        foreach (LossInfo info in LossCatalog.All)
        {
            ILoss loss = LossCatalog.Create(info.Name);
            Assert.Equal(info.Name, loss.Name);
        }
    }

    [Fact]
    public void Declared_defaults_are_the_constructor_defaults()
    {
        Assert.Equal(new Huber(), LossCatalog.Create("huber"));
        Assert.Equal(new SmoothL1(), LossCatalog.Create("smooth_l1"));
        Assert.Equal(new Tukey(), LossCatalog.Create("tukey"));
        Assert.Equal(new Barron(), LossCatalog.Create("barron"));
        Assert.Equal(new PoissonNll(), LossCatalog.Create("poisson_nll"));
        Assert.Equal(new Huber(2.5), LossCatalog.Create("huber:delta=2.5"));
        Assert.Equal(new Tweedie(), LossCatalog.Create("tweedie"));
        Assert.Equal(1.5, new Tweedie().Power);
        Assert.Equal(new Tweedie(1.3), LossCatalog.Create("tweedie:power=1.3"));
        Assert.Equal(new GammaNll(), LossCatalog.Create("gamma"));
    }

    [Theory]
    [InlineData("tweedie", InputKind.Counts)]
    [InlineData("gamma", InputKind.Positive)]
    [InlineData("poisson_nll", InputKind.Counts)]
    public void Log_link_losses_are_regression_losses_on_non_negative_or_positive_targets(string name, InputKind input)
    {
        LossInfo info = LossCatalog.Find(name)!;
        Assert.Equal(["regression"], info.Tasks);
        Assert.Equal(input, info.Input);
        Assert.Contains("log", info.Formula + info.WhenToUse, StringComparison.OrdinalIgnoreCase);
    }
}
