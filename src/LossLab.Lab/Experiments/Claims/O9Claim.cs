using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O9 — changing the loss usually means re-tuning the optimizer (its learning rate).
/// <para><b>Prediction:</b> on a data set, the learning rate tuned for one loss is not a good rate for another: for at
/// least two of mse, l1 and huber the sets of near-best rates share no rate.</para>
/// <para><b>Experiment:</b> four data sets as scenarios — <c>seed_data</c> (the guide's builtin:seed, new data each
/// replication), <c>diabetes</c>, <c>stackloss</c> and <c>engel</c>; each replication draws a new 80/20 split and a new
/// PyTorch-default start. Tuning uses the training rows only: features and target standardised with the training rows'
/// mean and σ, a linear model, plain SGD, 100 full-batch steps for every rate of the same grid
/// {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1} and every loss (huber with δ = 1 in units of the target's σ). A rate is scored
/// by its relative excess: (mean training loss over the last 10 steps − that loss's exact minimum on the training rows) /
/// (the same at the start); a run that diverged or ends 10³× worse than it started scores +∞ (diverged). A loss's near-best rates: those within a factor 2 of its best
/// score, or below 10⁻⁶ (converged).</para>
/// <para><b>Verdict:</b> per data set, the share of replications in which some pair of losses has disjoint near-best
/// rates; <see cref="ClaimRunner"/>'s rule. Also reported: the cost of running a loss at the rate tuned for another
/// (decades of relative excess, 10⁻¹² added to both so converged runs compare as equal) and how often that rate diverges.</para>
/// </summary>
public sealed class O9Claim : IClaim
{
    /// <summary>The learning-rate grid, the same for every loss.</summary>
    public static IReadOnlyList<double> Rates { get; } = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0];

    /// <summary>Full-batch steps of every run.</summary>
    public const int Steps = 100;

    private const int Tail = 10;
    private const double Converged = 1e-6;
    private const double Floor = 1e-12;
    private const double Blowup = 1e3;

    private static readonly string[] Losses = ["mse", "l1", "huber"];

    private static readonly (string Name, string Data)[] Scenarios =
        [("seed_data", "builtin:seed"), ("diabetes", "builtin:diabetes"), ("stackloss", "builtin:stackloss"), ("engel", "builtin:engel")];

    private static readonly Lazy<Dataset[]> Fixed = new(() => [.. Scenarios.Select(s => s.Data == "builtin:seed" ? null! : Builtins.Load(s.Data))]);

    /// <inheritdoc/>
    public string Id => "O9";

    /// <inheritdoc/>
    public string Statement => "Changing the loss usually means re-tuning the optimizer (learning rate)";

    /// <inheritdoc/>
    public string Prediction => "with plain SGD and one rate grid, tuned on training rows, at least two of mse, l1 and huber have no near-best rate in common on a data set";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "disjoint_pairs";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = BuildUnits();

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        var trials = new List<ClaimTrial>();
        for (int s = 0; s < Scenarios.Length; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            Dataset all = Scenarios[s].Data == "builtin:seed"
                ? Builtins.Load(string.Create(CultureInfo.InvariantCulture, $"builtin:seed:seed={seed}"))
                : Fixed.Value[s];
            (int[] rows, _) = Splits.TrainValidation(all.Rows, 0.2, unchecked((seed * 13) + s));
            Dataset raw = all.Subset(rows);
            Dataset train = LinearRuns.StandardizeTargets(Standardizer.Fit(raw).Apply(raw), raw);
            float[] start = Experiment.DefaultInit(train.Columns, unchecked((seed * 17) + s));
            var scores = new Dictionary<string, double[]>();
            foreach (string lossSpec in Losses)
            {
                ILoss loss = LossCatalog.Create(lossSpec);
                (_, double optimum) = LinearRuns.Optimum(lossSpec, train);
                double initial = LinearRuns.Excess(loss, train, start, optimum);
                scores[lossSpec] = [.. Rates.Select(lr => LinearRuns.MeanExcess(loss, train, LinearRuns.Train(loss, Demo.WithRate("sgd", lr), train, start, Steps, Tail), optimum) / initial)
                    .Select(v => v > Blowup ? double.PositiveInfinity : v)];
            }

            trials.Add(Judge(Scenarios[s].Name, scores));
        }

        return trials;
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string Part(ScenarioSummary s) => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Name}: re-tuning needed in {s.Held}/{s.Replications} (95% CI {s.Low:P0}–{s.High:P0}); geometric-mean tuned rate mse {Math.Pow(10, s.Evidence["mse_log10_best_lr"]):G2}, l1 {Math.Pow(10, s.Evidence["l1_log10_best_lr"]):G2}, huber {Math.Pow(10, s.Evidence["huber_log10_best_lr"]):G2}; mean cost of reusing another loss's tuned rate (worst pair) {s.Evidence["worst_reuse_cost"]:F2} decades of relative excess (at most 12: 10⁻¹² is added to both); a borrowed rate diverged in {s.Evidence["reused_rates_diverging"]:G2} of 6 ordered pairs on average; mean disjoint pairs {s.Evidence["disjoint_pairs"]:G2} of 3");
        return string.Join(". ", summary.Scenarios.Select(Part))
            + ". Tuning saw only the training rows, with standardised features and target, so the rates differ because the losses' gradients differ (L2's grows with the residual, L1's is bounded, Huber's in between), not because of the target's units.";
    }

    private static ClaimTrial Judge(string scenario, Dictionary<string, double[]> scores)
    {
        var evidence = new Dictionary<string, double>();
        var near = new Dictionary<string, HashSet<int>>();
        var best = new Dictionary<string, int>();
        foreach (string loss in Losses)
        {
            double[] score = scores[loss];
            int b = Enumerable.Range(0, score.Length).MinBy(i => score[i]);
            best[loss] = b;
            near[loss] = [.. Enumerable.Range(0, score.Length).Where(i => score[i] <= Math.Max(2 * score[b], Converged))];
            evidence[$"{loss}_log10_best_lr"] = Math.Log10(Rates[b]);
            evidence[$"{loss}_best_relative_excess"] = score[b];
            evidence[$"{loss}_near_best_rates"] = near[loss].Count;
        }

        int disjoint = 0, diverged = 0;
        double worst = 0;
        for (int a = 0; a < Losses.Length; a++)
        {
            for (int c = 0; c < Losses.Length; c++)
            {
                if (a == c)
                {
                    continue;
                }

                (string la, string lc) = (Losses[a], Losses[c]);
                if (a < c && !near[la].Overlaps(near[lc]))
                {
                    disjoint++;
                }

                // Loss c run at the rate tuned for loss a, against its own tuned rate.
                double reuse = scores[lc][best[la]], own = scores[lc][best[lc]];
                if (double.IsPositiveInfinity(reuse))
                {
                    diverged++;
                    continue;
                }

                worst = Math.Max(worst, Math.Log10((reuse + Floor) / (own + Floor)));
            }
        }

        evidence["disjoint_pairs"] = disjoint;
        evidence["worst_reuse_cost"] = worst;
        evidence["reused_rates_diverging"] = diverged;
        return new ClaimTrial(scenario, disjoint > 0, evidence);
    }

    private static Dictionary<string, string> BuildUnits()
    {
        var units = new Dictionary<string, string>
        {
            ["disjoint_pairs"] = "pairs of losses",
            ["worst_reuse_cost"] = "log₁₀ × (decades of excess objective, over the borrowed rates that do not diverge)",
            ["reused_rates_diverging"] = "ordered pairs of losses",
        };
        foreach (string loss in Losses)
        {
            units[$"{loss}_log10_best_lr"] = "log₁₀ learning rate";
            units[$"{loss}_best_relative_excess"] = "share of the starting excess objective";
            units[$"{loss}_near_best_rates"] = "rates of the grid";
        }

        return units;
    }
}
