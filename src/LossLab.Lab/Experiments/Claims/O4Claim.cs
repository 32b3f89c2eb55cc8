using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O4 — with L2, large errors and outliers give huge gradients (explosion risk with a large learning rate); gradient
/// clipping or a lower rate fix it.
/// <para>Prediction, two scenarios: <c>gradient</c> — at the true line the L2 gradient norm with 5% outliers (targets
/// shifted by 500σ) is more than 10× the norm without them; <c>explosion</c> — at the largest learning rate at which
/// plain SGD converges on the clean sample, SGD diverges on the same sample with 5% leverage outliers (the same rows moved
/// far out in x, to ±10 feature σ, keeping their targets, which are then wrong by about 20 units).</para>
/// <para>Why leverage outliers: for a linear model under L2, whether full-batch SGD diverges depends only on XᵀX (it
/// diverges when the rate exceeds 1/λmax of the mean second-moment matrix of (x, 1)); outliers in y alone leave XᵀX
/// unchanged, so with them the explosion scenario would fail by construction. Points far out in x change XᵀX, so the
/// outcome is an empirical question; the stability edge 1/λmax of each sample is reported as evidence.</para>
/// <para>Experiment: every replication draws the guide's sample (n = 100) and a start; the outlier sample is the same
/// draw with 5% of targets shifted (gradient scenario) or with the same 5% of rows moved to x = ±10 (explosion scenario). The large rate is found on the clean training rows only: the largest of 0.5, 0.6, …,
/// 1.5 at which 100 full-batch SGD epochs end within 10⁻³·(1 + ‖θ*‖) of the sample's exact least-squares optimum θ*.
/// A run diverged when the trainer stopped it as diverging or it ends farther from the exact optimum than it started. Both samples are trained at that rate, with a global-norm clip
/// at 1 and at a ten times lower rate; the largest single update and the end's distance from the exact least-squares
/// optimum of each sample (QR) are reported. The gradient at the true line (2, 1) is a measurement of the claim itself,
/// not an input of any training run.</para>
/// <para>Verdict: <see cref="ClaimRunner"/>'s rule per scenario; a split names the scenario that fails.</para>
/// </summary>
public sealed class O4Claim : IClaim
{
    private const int Epochs = 100;

    private const double Clip = 1;

    /// <inheritdoc/>
    public string Id => "O4";

    /// <inheritdoc/>
    public string Statement => "With L2, outliers give huge gradients and risk explosion at a large learning rate; clipping or a lower rate fix it";

    /// <inheritdoc/>
    public string Prediction => "at the true line the L2 gradient with 5% outliers is over 10× the clean one (gradient); at the largest rate that converges on the clean sample, SGD diverges on the sample with 5% leverage outliers, rows moved to x = ±10 with their targets kept (explosion; outliers in y alone cannot move SGD's stability edge, which depends only on XᵀX)";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "grad_norm_ratio";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["grad_norm_at_truth_clean"] = "gradient norm (L2 loss, per row)",
        ["grad_norm_at_truth_outliers"] = "gradient norm (L2 loss, per row)",
        ["grad_norm_ratio"] = "× (outliers / clean)",
        ["large_lr"] = "learning rate (largest converging on the clean sample)",
        ["clean_stability_edge_lr"] = "learning rate (1/λmax of the mean second-moment matrix of (x, 1): full-batch SGD on L2 diverges above it)",
        ["outliers_stability_edge_lr"] = "learning rate (as above, for the sample with leverage outliers)",
        ["clean_diverged"] = "1 if diverged (stopped as diverging, or ending farther from the exact optimum than it started), else 0",
        ["outliers_diverged"] = "1 if diverged (as above), else 0",
        ["outliers_clipped_diverged"] = "1 if diverged (as above), else 0",
        ["outliers_lower_lr_diverged"] = "1 if diverged (as above), else 0",
        ["clean_largest_update"] = "parameter distance (longest single update)",
        ["outliers_largest_update"] = "parameter distance (longest single update)",
        ["outliers_clipped_largest_update"] = "parameter distance (longest single update)",
        ["clean_final_distance_to_ls_optimum"] = "parameter distance",
        ["outliers_final_distance_to_ls_optimum"] = "parameter distance",
        ["outliers_clipped_final_distance_to_ls_optimum"] = "parameter distance",
        ["outliers_lower_lr_final_distance_to_ls_optimum"] = "parameter distance",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        Dataset clean = Descent.Sample(seed);
        Dataset shifted = Descent.Sample(seed, "outliers=0.05,outlier_scale=500");
        Dataset dirty = Leverage(clean, shifted);
        float[] initial = Experiment.DefaultInit(1, seed);
        double gClean = NormAtTruth(clean), gDirty = NormAtTruth(shifted);
        double[] cleanOptimum = Descent.Exact(clean, "mse"), dirtyOptimum = Descent.Exact(dirty, "mse");
        double large = 0.5;
        for (int k = 5; k <= 15; k++)
        {
            if (Converges(Descent.Train(clean, "mse", Descent.Spec("sgd", k / 10.0), initial, Epochs), cleanOptimum))
            {
                large = k / 10.0;
            }
        }

        TrainingRun cleanRun = Descent.Train(clean, "mse", Descent.Spec("sgd", large), initial, Epochs);
        TrainingRun dirtyRun = Descent.Train(dirty, "mse", Descent.Spec("sgd", large), initial, Epochs);
        TrainingRun clipped = Descent.Train(dirty, "mse", Descent.Spec("sgd", large), initial, Epochs, clip: Clip);
        TrainingRun lower = Descent.Train(dirty, "mse", Descent.Spec("sgd", large / 10), initial, Epochs);
        double End(TrainingRun r, double[] optimum)
        {
            double d = r.Diverged ? double.PositiveInfinity : Descent.Distance(Descent.At(r, r.Steps), optimum);
            return double.IsFinite(d) ? d : double.PositiveInfinity;
        }

        var evidence = new Dictionary<string, double>
        {
            ["grad_norm_at_truth_clean"] = gClean,
            ["grad_norm_at_truth_outliers"] = gDirty,
            ["grad_norm_ratio"] = gDirty / gClean,
            ["large_lr"] = large,
            ["clean_stability_edge_lr"] = StabilityEdge(clean),
            ["outliers_stability_edge_lr"] = StabilityEdge(dirty),
            ["clean_diverged"] = Explodes(cleanRun, cleanOptimum) ? 1 : 0,
            ["outliers_diverged"] = Explodes(dirtyRun, dirtyOptimum) ? 1 : 0,
            ["outliers_clipped_diverged"] = Explodes(clipped, dirtyOptimum) ? 1 : 0,
            ["outliers_lower_lr_diverged"] = Explodes(lower, dirtyOptimum) ? 1 : 0,
            ["clean_largest_update"] = LargestUpdate(cleanRun),
            ["outliers_largest_update"] = LargestUpdate(dirtyRun),
            ["outliers_clipped_largest_update"] = LargestUpdate(clipped),
            ["clean_final_distance_to_ls_optimum"] = End(cleanRun, cleanOptimum),
            ["outliers_final_distance_to_ls_optimum"] = End(dirtyRun, dirtyOptimum),
            ["outliers_clipped_final_distance_to_ls_optimum"] = End(clipped, dirtyOptimum),
            ["outliers_lower_lr_final_distance_to_ls_optimum"] = End(lower, dirtyOptimum),
        };
        return
        [
            new ClaimTrial("gradient", gDirty > 10 * gClean, evidence),
            new ClaimTrial("explosion", Explodes(dirtyRun, dirtyOptimum) && !Explodes(cleanRun, cleanOptimum), evidence),
        ];
    }

    /// <summary>
    /// The clean sample with the rows whose targets <paramref name="shifted"/> moved (its seeded 5%) moved far out in x
    /// instead: x ← 10·sign(x), target kept (now far from the line 2x + 1 at the new x).
    /// </summary>
    private static Dataset Leverage(Dataset clean, Dataset shifted)
    {
        float[] x = (float[])clean.Features.Clone();
        for (int i = 0; i < clean.Rows; i++)
        {
            if (shifted.Targets[i] != clean.Targets[i])
            {
                x[i] = x[i] < 0 ? -10f : 10f;
            }
        }

        return clean.WithFeatures(x);
    }

    /// <summary>1/λmax of the mean second-moment matrix of (x, 1): the mean L2 loss has Hessian twice it, so full-batch gradient descent diverges above this rate.</summary>
    private static double StabilityEdge(Dataset d)
    {
        double sxx = 0, sx = 0;
        for (int i = 0; i < d.Rows; i++)
        {
            sxx += d.Features[i] * (double)d.Features[i];
            sx += d.Features[i];
        }

        (double a, double b, double c) = (sxx / d.Rows, sx / d.Rows, 1.0);
        double lambda = ((a + c) / 2) + Math.Sqrt((((a - c) / 2) * ((a - c) / 2)) + (b * b));
        return 1 / lambda;
    }

    /// <summary>The norm of the mean-L2 gradient at the true line (w, b) = (2, 1) of the generator.</summary>
    private static double NormAtTruth(Dataset d)
    {
        var objective = new TrainingObjective(new LinearModel(1, 1), new Mse(), TaskKind.Regression, d.Rows);
        float[] g = new float[2];
        objective.Evaluate([2f, 1f], d.Features, d.Targets, d.Rows, g);
        return Math.Sqrt((g[0] * g[0]) + (g[1] * g[1]));
    }

    /// <summary>Converged: not diverged and within 10⁻³·(1 + ‖optimum‖) of the sample's exact optimum at the end.</summary>
    private static bool Converges(TrainingRun run, double[] optimum)
        => !run.Diverged && Descent.Distance(Descent.At(run, run.Steps), optimum) < 1e-3 * (1 + Descent.Distance(optimum, new double[optimum.Length]));

    /// <summary>Diverged: the trainer stopped it as diverging, or it ends farther from the sample's exact optimum than it started.</summary>
    private static bool Explodes(TrainingRun run, double[] optimum)
        => run.Diverged || Descent.Distance(Descent.At(run, run.Steps), optimum) > Descent.Distance(Descent.At(run, 0), optimum);

    private static double LargestUpdate(TrainingRun run)
    {
        double worst = 0;
        for (int k = 1; k <= run.Steps; k++)
        {
            worst = Math.Max(worst, Descent.Distance(Descent.At(run, k), Descent.At(run, k - 1)));
        }

        return worst;
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ScenarioSummary g = summary["gradient"], e = summary["explosion"];
        double M(string key) => g.Evidence.TryGetValue(key, out double v) ? v : double.NaN;
        return $"At the true line, 5% outliers made the L2 gradient over 10× larger in {g.Held} of {g.Replications} replications (95% interval {g.Low:P0}–{g.High:P0}; mean ratio {TextNumber.G(M("grad_norm_ratio"), 3)}×). "
            + $"At the largest rate converging on the clean sample ({TextNumber.G(M("large_lr"), 3)} on average), SGD diverged with 5% leverage outliers (x moved to ±10) in {e.Held} of {e.Replications} (95% interval {e.Low:P0}–{e.High:P0}); "
            + $"its longest single update was {TextNumber.G(M("outliers_largest_update"), 3)} with outliers against {TextNumber.G(M("clean_largest_update"), 3)} clean, and it ended {(double.IsNaN(M("outliers_final_distance_to_ls_optimum")) ? "infinitely far (every run diverged)" : M("outliers_final_distance_to_ls_optimum").ToString("G3", System.Globalization.CultureInfo.InvariantCulture))} from the exact least-squares optimum of the outlier sample "
            + $"(clean: {TextNumber.G(M("clean_final_distance_to_ls_optimum"), 3)}). Clipping at norm {Clip} capped the longest update at {TextNumber.G(M("outliers_clipped_largest_update"), 3)} and ended {TextNumber.G(M("outliers_clipped_final_distance_to_ls_optimum"), 3)} from the optimum "
            + $"(diverged in {M("outliers_clipped_diverged"):P0}); a ten times lower rate ended {TextNumber.G(M("outliers_lower_lr_final_distance_to_ls_optimum"), 3)} away (diverged in {M("outliers_lower_lr_diverged"):P0}). "
            + (g.Low > 0.5
                ? "Outliers in the targets clearly make the gradient at the true line larger. "
                : g.High < 0.5 ? "Outliers did not clearly make the gradient at the true line more than 10× larger. " : "Whether outliers make the gradient more than 10× larger is not settled by these replications. ")
            + (M("outliers_largest_update") > M("clean_largest_update")
                ? "On average the longest single update was larger with outliers than without. "
                : "On average the longest single update was not larger with outliers than without. ")
            + $"Whether plain SGD diverges on a linear model under L2 is set by the features alone (XᵀX): the stability edge 1/λmax was {TextNumber.G(M("clean_stability_edge_lr"), 3)} on the clean sample and {TextNumber.G(M("outliers_stability_edge_lr"), 3)} with the leverage outliers; "
            + (e.Low > 0.5
                ? "plain SGD clearly diverged with the leverage outliers at the clean sample's largest converging rate."
                : e.High < 0.5 ? "plain SGD clearly did not diverge with them at the clean sample's largest converging rate." : "whether plain SGD diverges with them at that rate is not settled by these replications.")
            + " Outliers in the targets alone would not have moved the edge.";
    }
}
