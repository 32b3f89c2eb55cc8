using LossLab.Losses;
using LossLab.Specs;

namespace LossLab.Tests.Losses;

/// <summary>Invalid hyper-parameters and inputs are clear exceptions naming what is wrong.</summary>
public sealed class ValidationTests
{
    [Theory]
    [InlineData("huber:delta=0", "delta")]
    [InlineData("huber:delta=-1", "delta")]
    [InlineData("pseudo_huber:delta=0", "delta")]
    [InlineData("smooth_l1:beta=-0.5", "beta")]
    [InlineData("quantile:tau=0", "tau")]
    [InlineData("quantile:tau=1", "tau")]
    [InlineData("quantile:tau=1.5", "tau")]
    [InlineData("epsilon_insensitive:epsilon=-0.1", "epsilon")]
    [InlineData("cauchy:c=0", "c")]
    [InlineData("tukey:c=-2", "c")]
    [InlineData("barron:c=0", "c")]
    [InlineData("barron:alpha=inf", "alpha")]
    [InlineData("gaussian_nll:eps=0", "eps")]
    [InlineData("poisson_nll:eps=-1", "eps")]
    [InlineData("tweedie:power=1", "power")]
    [InlineData("tweedie:power=2", "power")]
    [InlineData("tweedie:power=0.5", "power")]
    [InlineData("cross_entropy:label_smoothing=1.5", "label_smoothing")]
    [InlineData("cross_entropy:label_smoothing=-0.1", "label_smoothing")]
    [InlineData("cross_entropy:weight=1/-2", "weight")]
    [InlineData("bce_with_logits:pos_weight=-3", "pos_weight")]
    [InlineData("multi_margin:p=3", "p")]
    [InlineData("focal:gamma=-1", "gamma")]
    [InlineData("focal:alpha=1.5", "alpha")]
    [InlineData("tversky:alpha=-1", "alpha")]
    [InlineData("dice:smooth=-1", "smooth")]
    [InlineData("giou:eps=0", "eps")]
    public void Out_of_range_parameters_are_rejected_naming_the_parameter(string spec, string parameter)
    {
        var ex = Assert.Throws<SpecException>(() => LossCatalog.Create(spec));
        Assert.Contains(parameter, ex.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<ArgumentOutOfRangeException>(ex.InnerException);
        Assert.Equal(parameter, inner.ParamName);
    }

    [Fact]
    public void Library_constructors_and_with_expressions_validate()
    {
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => new Huber(0)).ParamName);
        var huber = new Huber(1.5);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => huber with { Delta = -2 }).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new SmoothL1(-1)).ParamName);
        Assert.Equal("tau", Assert.Throws<ArgumentOutOfRangeException>(() => new Quantile(0)).ParamName);
        Assert.Equal(1.5, huber.Delta);
    }

    [Theory]
    [InlineData("hubber", "unknown loss 'hubber'; accepted: l1, mse, huber")]
    [InlineData("huber:beta=1", "huber: unknown parameter 'beta'; accepted: delta")]
    [InlineData("mse:delta=1", "mse: unknown parameter 'delta'; it takes no parameters")]
    [InlineData("huber:delta=abc", "huber: delta=abc is not a number")]
    [InlineData("huber:delta", "is not key=value")]
    [InlineData("huber:delta=1,delta=2", "'delta' is given twice")]
    [InlineData("poisson_nll:full=maybe", "full=maybe is not true or false")]
    [InlineData(":delta=1", "has no name")]
    public void Malformed_specs_get_messages_that_say_what_is_accepted(string spec, string expected)
    {
        var ex = Assert.Throws<SpecException>(() => LossCatalog.Create(spec));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mismatched_lengths_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Mse().Evaluate(new float[3], new float[4], Span<float>.Empty));
        Assert.Contains("same length", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Mse().Evaluate(new float[3], new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => new Mse().Evaluate(Array.Empty<float>(), Array.Empty<float>(), Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => new Mse().Evaluate(new float[2], new float[2], Span<float>.Empty, Reduction.BatchMean));
        Assert.Throws<ArgumentException>(() => new GaussianNll().Evaluate(new float[3], new float[2], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => LossCatalog.Create("giou").Evaluate(new float[6], new float[6], Span<float>.Empty));
    }

    [Fact]
    public void Class_index_out_of_range_is_rejected_naming_the_index()
    {
        ILoss ce = LossCatalog.Create("cross_entropy", classes: 3);
        var ex = Assert.Throws<ArgumentException>(() => ce.Evaluate(new float[6], [1f, 3f], Span<float>.Empty));
        Assert.Contains("3", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ce.Evaluate(new float[6], [1f, -1f], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => LossCatalog.Create("nll").Evaluate(new float[6], [0f, 5f], Span<float>.Empty));
    }

    [Fact]
    public void Probabilities_outside_0_1_are_rejected_by_bce()
    {
        ILoss bce = LossCatalog.Create("bce");
        Assert.Throws<ArgumentException>(() => bce.Evaluate([0.5f, 1.2f], [1f, 0f], Span<float>.Empty));
        Assert.Throws<ArgumentException>(() => bce.Evaluate([-0.1f, 0.5f], [1f, 0f], Span<float>.Empty));
    }

    [Fact]
    public void Negative_variance_is_rejected_by_gaussian_nll()
        => Assert.Throws<ArgumentException>(() => new GaussianNll().Evaluate([0f, -1f], [0f], Span<float>.Empty));

    [Fact]
    public void Hinge_labels_must_be_plus_or_minus_one()
        => Assert.Throws<ArgumentException>(() => LossCatalog.Create("hinge").Evaluate([0.5f, 1f], [1f, 0f], Span<float>.Empty));

    [Fact]
    public void Tweedie_needs_non_negative_targets_and_gamma_positive_ones()
    {
        ILoss tweedie = LossCatalog.Create("tweedie");
        var ex = Assert.Throws<ArgumentException>(() => tweedie.Evaluate([0.5f, 1f, 0f], [1f, -0.5f, 0f], Span<float>.Empty));
        Assert.Contains("tweedie: target 1 is -0.5", ex.Message, StringComparison.Ordinal);
        Assert.Equal("targets", ex.ParamName);
        Assert.Throws<ArgumentException>(() => tweedie.Evaluate([0.5, 1.0], [1.0, double.NaN], Span<double>.Empty));
        Assert.True(double.IsFinite(tweedie.Evaluate([0.5f, 1f], [0f, 0f], Span<float>.Empty)));

        ILoss gamma = LossCatalog.Create("gamma");
        ex = Assert.Throws<ArgumentException>(() => gamma.Evaluate([0.5f, 1f], [2f, 0f], Span<float>.Empty));
        Assert.Contains("gamma: target 1 is 0", ex.Message, StringComparison.Ordinal);
        Assert.Contains("> 0", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => gamma.EvaluateItems([0.5f], [-1f], new float[1], new float[1]));
        Assert.Throws<ArgumentException>(() => gamma.Evaluate([0.5, 1.0], [1.0, double.PositiveInfinity], Span<double>.Empty));
        Assert.Equal("power", Assert.Throws<ArgumentOutOfRangeException>(() => new Tweedie(2.5)).ParamName);
    }

    [Theory]
    [InlineData("bce", new[] { 0.5f, 0.5f }, new[] { 1f, 2f }, "bce: target 1 is 2; targets must be probabilities in [0, 1]")]
    [InlineData("bce_with_logits", new[] { 0.5f, 3f }, new[] { 2f, 0f }, "bce_with_logits: target 0 is 2; targets must be probabilities in [0, 1]")]
    [InlineData("bce_with_logits:pos_weight=3", new[] { 0.5f, 3f }, new[] { 1f, -0.5f }, "bce_with_logits: target 1 is -0.5;")]
    [InlineData("focal", new[] { 0.5f, 3f }, new[] { -1f, 1f }, "focal: target 0 is -1; targets must be probabilities in [0, 1]")]
    [InlineData("dice", new[] { 0.5f, 0.2f }, new[] { 2f, 0f }, "dice: target 0 is 2; targets must be probabilities in [0, 1]")]
    [InlineData("tversky", new[] { 0.5f, 0.2f }, new[] { 1f, -1f }, "tversky: target 1 is -1;")]
    [InlineData("jaccard:from_logits=true", new[] { 0.5f, 0.2f }, new[] { 1f, 1.5f }, "jaccard: target 1 is 1.5;")]
    [InlineData("kl_div", new[] { -1f, -1f }, new[] { 0.5f, 1.5f }, "kl_div: target 1 is 1.5; probability targets must lie in [0, 1]")]
    [InlineData("kl_div:log_target=true", new[] { -1f, -1f }, new[] { -0.5f, 0.5f }, "kl_div: target 1 is 0.5; with log_target the targets are log-probabilities and must be <= 0")]
    public void Targets_outside_their_domain_are_rejected_naming_the_loss_the_index_and_the_domain(string spec, float[] predictions, float[] targets, string expected)
    {
        ILoss loss = LossCatalog.Create(spec);
        var ex = Assert.Throws<ArgumentException>(() => loss.Evaluate(predictions, targets, new float[predictions.Length]));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("targets", ex.ParamName);
        Assert.Throws<ArgumentException>(() => loss.Evaluate([.. predictions.Select(v => (double)v)], [.. targets.Select(v => (double)v)], Span<double>.Empty));
    }

    [Fact]
    public void Bce_with_logits_no_longer_gives_a_negative_loss_for_a_target_of_2()
    {
        // Before the domain check, (1 − y)x + softplus(−x) at y = 2, x = 3 was −3 + 0.049 < 0.
        ILoss loss = LossCatalog.Create("bce_with_logits");
        Assert.Throws<ArgumentException>(() => loss.Evaluate([3f], [2f], Span<float>.Empty));
        Assert.True(loss.Evaluate([3f], [1f], Span<float>.Empty) > 0);
    }

    [Fact]
    public void Cross_entropy_probability_targets_must_lie_in_0_1()
    {
        ILoss ce = LossCatalog.Create("cross_entropy", classes: 2);
        var ex = Assert.Throws<ArgumentException>(() => ce.Evaluate([1f, 2f, 0f, 1f], [1.5f, -0.5f, 0.5f, 0.5f], new float[4]));
        Assert.StartsWith("cross_entropy: target 0 is 1.5; targets must be probabilities in [0, 1]", ex.Message, StringComparison.Ordinal);
        Assert.True(double.IsFinite(ce.Evaluate([1f, 2f, 0f, 1f], [1f, 0f, 0.5f, 0.5f], new float[4])));
    }

    [Theory]
    [InlineData("giou", new[] { 0f, 0f, 1f, 1f }, new[] { 1f, 1f, 0f, 0f }, "giou: target box 0 is (1, 1, 0, 0), which is inverted (x2 < x1 or y2 < y1)")]
    [InlineData("iou", new[] { 0f, 0f, 1f, 1f }, new[] { 0f, 0f, 1f, 0f }, "iou: target box 0 is (0, 0, 1, 0), which is empty (zero width or height)")]
    [InlineData("ciou", new[] { 0f, 0f, 1f, 1f }, new[] { 2f, 2f, 2f, 2f }, "ciou: target box 0 is (2, 2, 2, 2), which is empty")]
    [InlineData("diou", new[] { 0f, 0f, 1f, 1f, 0f, 0f, 1f, 1f }, new[] { 0f, 0f, 1f, 1f, 0f, 0f, 1f, float.NaN }, "diou: target box 1 is (0, 0, 1, NaN); coordinates must be finite")]
    public void Degenerate_and_inverted_boxes_are_rejected_naming_the_box(string spec, float[] predictions, float[] targets, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => LossCatalog.Create(spec).Evaluate(predictions, targets, new float[predictions.Length]));
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_inverted_predicted_box_no_longer_scores_a_perfect_0()
    {
        // torchvision counts w·h = (−1)(−1) as a positive area, so the inverted copy of a box scored 0 under giou.
        ILoss giou = LossCatalog.Create("giou");
        float[] g = new float[4];
        double inverted = giou.Evaluate([1f, 1f, 0f, 0f], [0f, 0f, 1f, 1f], g);
        Assert.Equal(2, inverted, 6);
        Assert.True(g[0] > 0 && g[2] < 0, "a descent step un-inverts the box (x1 down, x2 up)");
        Assert.True(inverted > giou.Evaluate([0.5f, 0.5f, 0.5f, 0.5f], [0f, 0f, 1f, 1f], Span<float>.Empty), "worse than an empty box");
        Assert.Equal(0, giou.Evaluate([0f, 0f, 1f, 1f], [0f, 0f, 1f, 1f], Span<float>.Empty), 6);

        // A predicted point has no CIoU aspect term: the DIoU value, finite, with a finite gradient.
        float[] gc = new float[4];
        double ciou = LossCatalog.Create("ciou").Evaluate([0f, 0f, 0f, 0f], [0f, 0f, 1f, 1f], gc);
        Assert.Equal(LossCatalog.Create("diou").Evaluate([0f, 0f, 0f, 0f], [0f, 0f, 1f, 1f], Span<float>.Empty), ciou, 6);
        Assert.All(gc, v => Assert.True(float.IsFinite(v)));
    }
}
