using LossLab.Lab.Data;
using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L5 — "the best constant prediction under L1 is the median; under L2 the mean."
/// <para><b>Prediction:</b> minimising the summed loss over a constant c gives the sample median under L1 and the
/// sample mean under L2, to within 10⁻³·(1 + |target|).</para>
/// <para><b>Experiment:</b> each replication draws a new skewed sample (log-normal, exp(2·N(0, 1)), n = 201, so the
/// median and the mean lie far apart) and minimises Σ ℓ(c, yᵢ) by golden-section search with the losses of
/// <see cref="LossCatalog"/> (both are convex in c).</para>
/// <para><b>Verdict rule:</b> <see cref="ClaimRunner"/>'s — holds when the Wilson interval of the share of
/// replications where both minimisers match lies above ½.</para>
/// </summary>
public sealed class L5Claim : IClaim
{
    private const int N = 201;

    /// <inheritdoc/>
    public string Id => "L5";

    /// <inheritdoc/>
    public string Statement => "The best constant prediction is the median under L1 and the mean under L2";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "l1_gap_to_median";

    /// <inheritdoc/>
    public string Prediction => "on a new skewed sample, argmin_c Σ|yᵢ − c| equals the median and argmin_c Σ(yᵢ − c)² the mean, within 1e-3·(1 + |value|)";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["mean"] = "target units",
        ["median"] = "target units",
        ["best_constant_l1"] = "target units",
        ["best_constant_l2"] = "target units",
        ["l1_gap_to_median"] = "target units",
        ["l2_gap_to_mean"] = "target units",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var random = new Random(seed);
        double[] sample = [.. Enumerable.Range(0, N).Select(_ => Math.Exp(2 * Builtins.Normal(random)))];
        double mean = sample.Average();
        double median = sample.Order().ElementAt(N / 2);
        double bestL1 = BestConstant("l1", sample), bestL2 = BestConstant("mse", sample);
        var evidence = new Dictionary<string, double>
        {
            ["mean"] = mean,
            ["median"] = median,
            ["best_constant_l1"] = bestL1,
            ["best_constant_l2"] = bestL2,
            ["l1_gap_to_median"] = Math.Abs(bestL1 - median),
            ["l2_gap_to_mean"] = Math.Abs(bestL2 - mean),
        };
        bool held = Math.Abs(bestL1 - median) < 1e-3 * (1 + median) && Math.Abs(bestL2 - mean) < 1e-3 * (1 + mean);
        return [new ClaimTrial("all", held, evidence)];
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ScenarioSummary s = summary.Scenarios[0];
        IReadOnlyDictionary<string, double> e = s.Evidence;
        return $"On {s.Replications} new log-normal samples (n = {N}) the L1 minimiser matched the median and the L2 minimiser the mean in {s.Held} of {s.Replications} (share {s.Share:P0}, 95% interval {s.Low:P0}–{s.High:P0}). "
            + $"Mean over replications: median {TextNumber.G(e["median"], 4)} vs best L1 constant {TextNumber.G(e["best_constant_l1"], 4)} (mean gap {TextNumber.G(e["l1_gap_to_median"], 2)}); mean {TextNumber.G(e["mean"], 4)} vs best L2 constant {TextNumber.G(e["best_constant_l2"], 4)} (mean gap {TextNumber.G(e["l2_gap_to_mean"], 2)}). "
            + $"On this skewed distribution the mean is {TextNumber.G(e["mean"] / e["median"], 3)}× the median, so the choice of loss chooses the statistic.";
    }

    /// <summary>argmin_c Σ loss(c, yᵢ) by golden-section search (the losses are convex in c).</summary>
    private static double BestConstant(string loss, double[] sample)
    {
        ILoss l = LossCatalog.Create(loss);
        double[] c = new double[sample.Length];
        double Cost(double v)
        {
            Array.Fill(c, v);
            return l.Evaluate(c, sample, Span<double>.Empty, Reduction.Sum);
        }

        double lo = sample.Min(), hi = sample.Max();
        double phi = (Math.Sqrt(5) - 1) / 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * (1 + Math.Abs(hi)); i++)
        {
            double a = hi - (phi * (hi - lo)), b = lo + (phi * (hi - lo));
            if (Cost(a) <= Cost(b))
            {
                hi = b;
            }
            else
            {
                lo = a;
            }
        }

        return (lo + hi) / 2;
    }
}
