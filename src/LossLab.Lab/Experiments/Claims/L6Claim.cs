using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L6 — "L1 is not differentiable at 0 (it needs a subgradient or smoothing); L2 is smooth everywhere."
/// <para><b>Prediction:</b> the one-sided difference quotients of |z| at 0 differ (−1 from the left, +1 from the
/// right) while those of z² agree (0); LossLab's <c>l1</c> returns a subgradient at exactly 0 (0, PyTorch's
/// sign(0) convention); the smoothed alternatives (<c>huber</c>, <c>smooth_l1</c>, <c>log_cosh</c>) have equal
/// one-sided slopes at 0.</para>
/// <para><b>Experiment (exact, run once):</b> loss values from <see cref="LossCatalog"/> at z = −h, 0, +h with
/// h = 10⁻⁶ give the left and right difference quotients; the catalog's derivative at exactly 0 is read too.
/// Scenarios: <c>l1_kink</c> (held when the right minus left slope is 2 ± 10⁻⁶ and the derivative at 0 lies in the
/// subdifferential [−1, 1]), <c>l2_smooth</c> and <c>smoothed_losses</c> (held when the jump is below 10⁻⁵).</para>
/// <para><b>Verdict rule:</b> exact — holds when every scenario holds.</para>
/// </summary>
public sealed class L6Claim : IClaim
{
    private const double H = 1e-6;
    private static readonly string[] Smoothed = ["huber", "smooth_l1", "log_cosh"];

    /// <inheritdoc/>
    public string Id => "L6";

    /// <inheritdoc/>
    public string Statement => "L1 is not differentiable at 0 (it needs a subgradient or smoothing); L2 is smooth everywhere";

    /// <inheritdoc/>
    public string Prediction => "at z = 0 the left and right slopes of |z| are −1 and +1 while those of z², Huber, Smooth L1 and log-cosh agree; LossLab's l1 returns a subgradient (0) there";

    /// <inheritdoc/>
    public bool Exact => true;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = BuildUnits();

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var trials = new List<ClaimTrial>();
        (Dictionary<string, double> l1, double l1Jump) = Probe("l1");
        double atZero = l1["l1_grad_at_0"];
        trials.Add(new ClaimTrial("l1_kink", Math.Abs(l1Jump - 2) < 1e-6 && atZero >= -1 && atZero <= 1, l1));
        (Dictionary<string, double> l2, double l2Jump) = Probe("mse");
        trials.Add(new ClaimTrial("l2_smooth", Math.Abs(l2Jump) < 1e-5, l2));
        var smoothed = new Dictionary<string, double>();
        double worst = 0;
        foreach (string loss in Smoothed)
        {
            (Dictionary<string, double> e, double jump) = Probe(loss);
            foreach (var (k, v) in e)
            {
                smoothed[k] = v;
            }

            worst = Math.Max(worst, Math.Abs(jump));
        }

        trials.Add(new ClaimTrial("smoothed_losses", worst < 1e-5, smoothed));
        return trials;
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        IReadOnlyDictionary<string, double> a = summary["l1_kink"].Evidence, b = summary["l2_smooth"].Evidence, c = summary["smoothed_losses"].Evidence;
        string smooth = string.Join("; ", Smoothed.Select(l => $"{l} {TextNumber.G(c[$"{l}_left_slope_at_0"], 3)} / {TextNumber.G(c[$"{l}_right_slope_at_0"], 3)}"));
        return $"At z = 0 the slope of |z| is {TextNumber.G(a["l1_left_slope_at_0"], 6)} from the left and {TextNumber.G(a["l1_right_slope_at_0"], 6)} from the right (a jump of {TextNumber.G(a["l1_slope_jump_at_0"], 6)}): no derivative exists there. "
            + $"LossLab's l1 returns {TextNumber.G(a["l1_grad_at_0"], 3)} at exactly 0 — a subgradient (any value in [−1, 1] is one), PyTorch's sign(0) = 0. "
            + $"z² has slopes {TextNumber.G(b["mse_left_slope_at_0"], 3)} / {TextNumber.G(b["mse_right_slope_at_0"], 3)} (jump {TextNumber.G(b["mse_slope_jump_at_0"], 2)}). "
            + $"The smoothed losses (left / right slope): {smooth} — they round the kink off, which is why they are the usual remedy.";
    }

    private static (Dictionary<string, double> Evidence, double Jump) Probe(string loss)
    {
        double[] v = LineSamples.Items(loss, [-H, 0, H]);
        double left = (v[1] - v[0]) / H, right = (v[2] - v[1]) / H;
        double at = LineSamples.Derivatives(loss, [0])[0];
        return (new Dictionary<string, double>
        {
            [$"{loss}_left_slope_at_0"] = left,
            [$"{loss}_right_slope_at_0"] = right,
            [$"{loss}_slope_jump_at_0"] = right - left,
            [$"{loss}_grad_at_0"] = at,
        }, right - left);
    }

    private static Dictionary<string, string> BuildUnits()
    {
        var units = new Dictionary<string, string>();
        foreach (string loss in Smoothed.Prepend("mse").Prepend("l1"))
        {
            units[$"{loss}_left_slope_at_0"] = "∂ℓ/∂z (difference quotient, h = 1e-6)";
            units[$"{loss}_right_slope_at_0"] = "∂ℓ/∂z (difference quotient, h = 1e-6)";
            units[$"{loss}_slope_jump_at_0"] = "∂ℓ/∂z";
            units[$"{loss}_grad_at_0"] = "∂ℓ/∂ŷ";
        }

        return units;
    }
}
