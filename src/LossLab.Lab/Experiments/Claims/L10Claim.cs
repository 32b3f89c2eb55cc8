namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L10 — "Huber(δ) = ½z² for |z| ≤ δ, δ(|z| − ½δ) otherwise; Smooth L1 is the same idea; it is L2 near zero and L1 far
/// away."
/// <para><b>Prediction:</b> LossLab's <c>huber:delta=1.5</c> equals the definition at every residual, <c>smooth_l1</c>
/// with β = δ equals Huber/δ, and far out Huber's slope is ±δ (an L1 with slope δ).</para>
/// <para><b>Experiment (exact, run once):</b> loss values and derivatives from <see cref="Losses.LossCatalog"/> at
/// residuals on both sides of δ (−4, −1.2, −0.3, 0.2, 1, 1.49, 1.51, 3, 9) and at ±100. Scenarios:
/// <c>huber_definition</c>, <c>smooth_l1_is_huber_over_delta</c>, <c>linear_tails</c>; each holds when its deviation
/// is below 10⁻¹².</para>
/// <para><b>Verdict rule:</b> exact — holds when every scenario holds.</para>
/// </summary>
public sealed class L10Claim : IClaim
{
    private const double Delta = 1.5;
    private static readonly double[] Residuals = [-4, -1.2, -0.3, 0.2, 1.0, 1.49, 1.51, 3, 9];

    /// <inheritdoc/>
    public string Id => "L10";

    /// <inheritdoc/>
    public string Statement => "Huber(δ) = ½z² for |z| ≤ δ and δ(|z| − ½δ) beyond: L2 near zero, L1 far away; Smooth L1 is the same idea";

    /// <inheritdoc/>
    public string Prediction => "huber:delta=1.5 matches the definition at every residual, smooth_l1:beta=1.5 equals Huber/δ, and Huber's slope far out is ±δ";

    /// <inheritdoc/>
    public bool Exact => true;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["max_deviation_from_definition"] = "loss units",
        ["max_deviation_smooth_l1_vs_huber_over_delta"] = "loss units",
        ["huber_slope_far_right"] = "∂ℓ/∂ŷ",
        ["huber_slope_far_left"] = "∂ℓ/∂ŷ",
        ["huber_slope_at_0.2"] = "∂ℓ/∂ŷ",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        double[] huber = LineSamples.Items($"huber:delta={Delta:R}", Residuals);
        double[] smooth = LineSamples.Items($"smooth_l1:beta={Delta:R}", Residuals);
        double worstDefinition = Residuals.Select((v, i) => Math.Abs(huber[i] - (Math.Abs(v) <= Delta ? 0.5 * v * v : Delta * (Math.Abs(v) - (0.5 * Delta))))).Max();
        double worstRelation = Residuals.Select((_, i) => Math.Abs(smooth[i] - (huber[i] / Delta))).Max();
        double[] slopes = LineSamples.Derivatives($"huber:delta={Delta:R}", [100, -100, 0.2]);
        return
        [
            new ClaimTrial("huber_definition", worstDefinition < 1e-12, new Dictionary<string, double> { ["max_deviation_from_definition"] = worstDefinition }),
            new ClaimTrial("smooth_l1_is_huber_over_delta", worstRelation < 1e-12, new Dictionary<string, double> { ["max_deviation_smooth_l1_vs_huber_over_delta"] = worstRelation }),
            new ClaimTrial("linear_tails", Math.Abs(slopes[0] - Delta) < 1e-12 && Math.Abs(slopes[1] + Delta) < 1e-12 && Math.Abs(slopes[2] - 0.2) < 1e-12, new Dictionary<string, double>
            {
                ["huber_slope_far_right"] = slopes[0],
                ["huber_slope_far_left"] = slopes[1],
                ["huber_slope_at_0.2"] = slopes[2],
            }),
        ];
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        IReadOnlyDictionary<string, double> e = summary.Evidence;
        return $"Huber (δ = {TextNumber.G(Delta, 3)}) matches ½z² inside δ and δ(|z| − ½δ) outside to {TextNumber.G(e["huber_definition:max_deviation_from_definition"], 2)}; "
            + $"its slope is z near zero ({TextNumber.G(e["linear_tails:huber_slope_at_0.2"], 3)} at z = 0.2, the L2 part) and {TextNumber.G(e["linear_tails:huber_slope_far_right"], 3)} / {TextNumber.G(e["linear_tails:huber_slope_far_left"], 3)} at z = ±100 (an L1 with slope δ). "
            + $"Smooth L1 with β = δ equals Huber/δ to {TextNumber.G(e["smooth_l1_is_huber_over_delta:max_deviation_smooth_l1_vs_huber_over_delta"], 2)}: the same idea, with the slope capped at 1 instead of δ. "
            + $"{summary.Scenarios.Count(s => s.Held == s.Replications)} of {summary.Scenarios.Count} checks hold.";
    }
}
