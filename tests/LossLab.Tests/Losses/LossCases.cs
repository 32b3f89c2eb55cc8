using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>The specs the catalog-driven tests run: every catalog entry at its defaults, plus the main variants.</summary>
public static class LossCases
{
    private static readonly string[] Variants =
    [
        "huber:delta=0.5", "huber:delta=2.5", "smooth_l1:beta=0.5", "smooth_l1:beta=0", "pseudo_huber:delta=2",
        "quantile:tau=0.1", "quantile:tau=0.9", "epsilon_insensitive:epsilon=0.5", "squared_epsilon_insensitive:epsilon=0.5",
        "poisson_nll:log_input=false", "poisson_nll:full=true", "tweedie:power=1.1", "tweedie:power=1.9", "gaussian_nll:full=true",
        "cauchy:c=0.5", "tukey:c=1", "barron:alpha=2", "barron:alpha=0", "barron:alpha=-2", "barron:alpha=0.5",
        "barron:alpha=-inf", "barron:alpha=1.5,c=2",
        "bce:weight=0.5", "bce_with_logits:pos_weight=3", "bce_with_logits:weight=2,pos_weight=0.5",
        "cross_entropy:weight=1/2/0.5", "cross_entropy:label_smoothing=0.1", "cross_entropy:weight=1/2/0.5,label_smoothing=0.2",
        "cross_entropy:ignore_index=1", "nll:weight=0.5/1/2", "kl_div:log_target=true",
        "multi_margin:p=2", "multi_margin:margin=0.5,weight=1/2/3",
        "focal:alpha=-1", "focal:gamma=0", "focal:alpha=0.5,gamma=1.5", "softmax_focal:gamma=0", "softmax_focal:alpha=0.25,gamma=1",
        "dice:smooth=1", "dice:from_logits=true", "tversky:alpha=0.3,beta=0.7", "tversky:from_logits=true", "jaccard:smooth=1",
    ];

    /// <summary>Every catalog loss with default parameters, then the variants.</summary>
    public static IEnumerable<string> Specs => LossCatalog.All.Select(e => e.Name).Concat(Variants);

    /// <summary>xunit member data: one row per spec.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string spec in Specs)
            {
                data.Add(spec);
            }

            return data;
        }
    }

    /// <summary>The reductions a loss accepts.</summary>
    public static Reduction[] ReductionsOf(string name)
        => name == "kl_div" ? [Reduction.None, Reduction.Mean, Reduction.Sum, Reduction.BatchMean] : [Reduction.None, Reduction.Mean, Reduction.Sum];
}
