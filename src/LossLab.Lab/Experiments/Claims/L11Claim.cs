using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// L11, "Log-Cosh is another smooth robust regression loss", settled exactly on LossLab's <c>log_cosh</c> loss
/// (double precision) on a grid of residuals z ∈ [−20, 20] (step 0.01). Scenarios, each one computation:
/// <list type="bullet">
/// <item><c>definition</c>: the loss equals log cosh z = |z| + log(1 + e^(−2|z|)) − log 2 to 1e-12 relative;</item>
/// <item><c>smooth</c>: its second derivative (central differences of the loss's own derivative, h = 10⁻⁴) matches
/// 1/cosh²z to 1e-6, is positive on |z| ≤ 8 (beyond, 1/cosh²z is below double precision's resolution; there the slope is
/// checked never to decrease) and has no jump (largest change between grid neighbours below 0.02,
/// where Huber(δ = 1)'s second derivative jumps by 1 at |z| = δ);</item>
/// <item><c>l2_near_zero</c>: log cosh z / (z²/2) is within 10⁻⁴ of 1 at |z| = 0.01 — L2/2 near 0;</item>
/// <item><c>bounded_influence</c>: the slope |d/dz log cosh z| = |tanh z| never exceeds 1 and is within 10⁻⁸ of 1 at |z| = 20
/// — L1 far away, so an outlier's pull on the fit is bounded.</item>
/// </list>
/// </summary>
public sealed class L11Claim : IClaim
{
    /// <inheritdoc/>
    public string Id => "L11";

    /// <inheritdoc/>
    public string Statement => "Log-Cosh is another smooth robust regression loss";

    /// <inheritdoc/>
    public string Prediction => "log cosh z has a positive, continuous second derivative 1/cosh²z everywhere (smooth, convex), is ≈ z²/2 near 0 and has slope → ±1 far away (bounded influence, like L1)";

    /// <inheritdoc/>
    public bool Exact => true;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["max_relative_deviation_from_log_cosh"] = "relative",
        ["max_second_derivative_error"] = "|Δ second derivative|",
        ["min_second_derivative_within_8"] = "second derivative (|z| ≤ 8)",
        ["slope_decreases"] = "grid steps where the slope falls",
        ["max_second_derivative_step"] = "change between grid points 0.01 apart",
        ["huber_second_derivative_jump"] = "change across |z| = δ = 1",
        ["ratio_to_half_square_at_0.01"] = "×",
        ["max_abs_slope"] = "|d loss / dz|",
        ["abs_slope_at_20"] = "|d loss / dz|",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        double[] z = [.. Enumerable.Range(-2000, 4001).Select(i => i / 100.0)];
        (double[] values, double[] slopes) = Evaluate("log_cosh", z);
        double definition = z.Select((v, i) => Math.Abs(values[i] - Reference(v)) / Math.Max(Reference(v), 1e-300)).Where((_, i) => z[i] != 0).Max();
        definition = Math.Max(definition, Math.Abs(values[2000]));

        const double h = 1e-4;
        double[] curvature = SecondDerivative("log_cosh", z, h);
        double curvatureError = z.Select((v, i) => Math.Abs(curvature[i] - (1 / Math.Pow(Math.Cosh(v), 2)))).Max();
        // 1/cosh²z falls below 5e-7 beyond |z| = 8, and to ~1e-17 at 20, under what a difference of slopes resolves
        // in double precision: positivity is checked where it is resolvable, and convexity everywhere as a slope
        // that never decreases.
        double minimum = curvature.Where((_, i) => Math.Abs(z[i]) <= 8).Min();
        int decreases = slopes.Zip(slopes.Skip(1), (a, b) => b < a ? 1 : 0).Sum();
        double step = curvature.Zip(curvature.Skip(1), (a, b) => Math.Abs(b - a)).Max();
        double[] huber = SecondDerivative("huber:delta=1", [1 - 0.005, 1 + 0.005], h);
        double huberJump = Math.Abs(huber[0] - huber[1]);

        (double[] small, _) = Evaluate("log_cosh", [0.01, -0.01]);
        double ratio = small[0] / 0.00005;
        double maxSlope = slopes.Max(Math.Abs);
        double far = Math.Min(Math.Abs(slopes[0]), Math.Abs(slopes[^1]));
        return
        [
            new ClaimTrial("definition", definition < 1e-12, new Dictionary<string, double> { ["max_relative_deviation_from_log_cosh"] = definition }),
            new ClaimTrial("smooth", curvatureError < 1e-6 && minimum > 0 && decreases == 0 && step < 0.02 && huberJump > 0.5, new Dictionary<string, double>
            {
                ["max_second_derivative_error"] = curvatureError,
                ["min_second_derivative_within_8"] = minimum,
                ["slope_decreases"] = decreases,
                ["max_second_derivative_step"] = step,
                ["huber_second_derivative_jump"] = huberJump,
            }),
            new ClaimTrial("l2_near_zero", Math.Abs(ratio - 1) < 1e-4 && small[1] == small[0], new Dictionary<string, double> { ["ratio_to_half_square_at_0.01"] = ratio }),
            new ClaimTrial("bounded_influence", maxSlope <= 1 && far > 1 - 1e-8, new Dictionary<string, double> { ["max_abs_slope"] = maxSlope, ["abs_slope_at_20"] = far }),
        ];
    }

    private static double Reference(double z)
    {
        double a = Math.Abs(z);
        return a + Math.Log(1 + Math.Exp(-2 * a)) - Math.Log(2);
    }

    /// <summary>The loss and its derivative wrt the residual z = y − ŷ (prediction 0, target z; the library differentiates wrt ŷ).</summary>
    private static (double[] Values, double[] Slopes) Evaluate(string loss, double[] z)
    {
        double[] values = new double[z.Length], gradient = new double[z.Length];
        LossCatalog.Create(loss).EvaluateItems(new double[z.Length], z, values, gradient);
        return (values, [.. gradient.Select(g => -g)]);
    }

    private static double[] SecondDerivative(string loss, double[] z, double h)
    {
        (_, double[] up) = Evaluate(loss, [.. z.Select(v => v + h)]);
        (_, double[] down) = Evaluate(loss, [.. z.Select(v => v - h)]);
        return [.. up.Select((u, i) => (u - down[i]) / (2 * h))];
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        double V(string scenario, string key) => summary[scenario].Evidence[key];
        return $"Exact, on z ∈ [−20, 20]: LossLab's log_cosh equals log cosh z to {TextNumber.G(V("definition", "max_relative_deviation_from_log_cosh"), 2)} relative. "
            + $"Smooth: its second derivative matches 1/cosh²z to {TextNumber.G(V("smooth", "max_second_derivative_error"), 2)}, stays positive (smallest {TextNumber.G(V("smooth", "min_second_derivative_within_8"), 2)} on |z| ≤ 8; beyond, 1/cosh²z is below what double precision resolves, and the slope falls at {TextNumber.G(V("smooth", "slope_decreases"), 2)} of the 4000 grid steps, so the loss is convex everywhere) and changes by at most {TextNumber.G(V("smooth", "max_second_derivative_step"), 2)} between points 0.01 apart, "
            + $"whereas Huber(δ = 1)'s jumps by {TextNumber.G(V("smooth", "huber_second_derivative_jump"), 2)} at |z| = δ — log-cosh is twice differentiable everywhere, which Newton-type solvers and L-BFGS like. "
            + $"Near 0 it is L2/2: log cosh(0.01) / (0.01²/2) = {TextNumber.G(V("l2_near_zero", "ratio_to_half_square_at_0.01"), 8)}. "
            + $"Far away it is L1 shifted by log 2: the slope tanh z never exceeds {TextNumber.G(V("bounded_influence", "max_abs_slope"), 3)} in size and is {TextNumber.G(V("bounded_influence", "abs_slope_at_20"), 10)} at |z| = 20, so each outlier's pull is bounded as under L1 and Huber. "
            + "Caveat: the switch from quadratic to linear happens at |z| ≈ 1 in the target's own units — log-cosh has no δ, so it is robust only when the residuals are scaled so that clean errors are around 1 or below.";
    }
}
