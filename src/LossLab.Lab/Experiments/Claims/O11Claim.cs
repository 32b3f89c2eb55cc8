using System.Globalization;
using LossLab.Losses;
using LossLab.Optim;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O11 — the picture: L2 is a smooth bowl, L1 a V-shaped groove, Huber a bowl with a rounded bottom and straight sides;
/// SGD "looks at the slope and steps", Adam "remembers and brakes".
/// <para><b>Prediction:</b> the picture's exact shape facts hold for the library's losses and optimizers.</para>
/// <para><b>Experiment (exact, run once):</b> each fact is a scenario, computed from the library, not asserted.
/// Shapes, in the residual z = ŷ − y (target 0), from the library's element-wise derivative ℓ'(z) and its central
/// difference ℓ''(z) ≈ (ℓ'(z + h) − ℓ'(z − h)) / 2h, h = 10⁻⁴, at points away from the joins:
/// <c>l2_smooth_bowl</c> — ℓ'' = 2 everywhere and ℓ' continuous through 0; <c>l1_v_groove</c> — ℓ'' = 0 on both sides,
/// the slope jumps by 2 across 0 (a kink) and ℓ(z) = |z|; <c>huber_rounded_bottom_straight_sides</c> (δ = 1) —
/// ℓ'' = 1 inside δ and 0 outside, |ℓ'| ≤ δ on z ∈ [−100, 100], and no jump in ℓ' at ±δ. Optimizers, from their first
/// updates: <c>sgd_steps_along_the_slope</c> — an SGD update is −η·g for gradients of size 10⁻³, 1 and 10³;
/// <c>adam_first_step_is_eta</c> — Adam's first update has length η (to 1%) per coordinate whatever the gradient's scale;
/// <c>adam_remembers_and_brakes</c> — after a gradient g and then −g, Adam's second update is less than half its first
/// (the first moment remembers g and brakes the reversal) while SGD's second update is as large as its first.</para>
/// <para><b>Verdict:</b> holds if every fact checks (an exact claim: <see cref="ClaimRunner"/> runs it once).</para>
/// </summary>
public sealed class O11Claim : IClaim
{
    private const double H = 1e-4;
    private const double Eta = 0.1;
    private static readonly double[] Scales = [1e-3, 1, 1e3];

    /// <inheritdoc/>
    public string Id => "O11";

    /// <inheritdoc/>
    public string Statement => "The picture: L2 is a smooth bowl, L1 a V-shaped groove, Huber a bowl with a rounded bottom and straight sides; SGD looks at the slope and steps, Adam remembers and brakes";

    /// <inheritdoc/>
    public string Prediction => "computed from the library: ℓ'' = 2 for L2; ℓ'' = 0 with a slope jump of 2 at 0 for L1; ℓ'' = 1 inside δ, 0 outside and |ℓ'| ≤ δ for Huber; an SGD update is −η·g; Adam's first update is η long at any gradient scale; Adam brakes a reversal, SGD does not";

    /// <inheritdoc/>
    public bool Exact => true;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["l2_second_derivative_min"] = "loss / residual²",
        ["l2_second_derivative_max"] = "loss / residual²",
        ["l2_slope_jump_at_0"] = "loss / residual",
        ["l1_second_derivative_max_abs"] = "loss / residual²",
        ["l1_slope_jump_at_0"] = "loss / residual",
        ["l1_max_deviation_from_abs"] = "loss",
        ["huber_second_derivative_inside_min"] = "loss / residual²",
        ["huber_second_derivative_inside_max"] = "loss / residual²",
        ["huber_second_derivative_outside_max_abs"] = "loss / residual²",
        ["huber_max_abs_slope"] = "loss / residual",
        ["huber_slope_jump_at_delta"] = "loss / residual",
        ["sgd_max_relative_deviation_from_minus_eta_g"] = "share of η·|g|",
        ["adam_first_step_min_over_eta"] = "×",
        ["adam_first_step_max_over_eta"] = "×",
        ["adam_second_over_first_step_after_reversal"] = "×",
        ["sgd_second_over_first_step_after_reversal"] = "×",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        double[] away = [-5, -2, -0.5, -0.1, 0.1, 0.5, 2, 5];
        ILoss l2 = LossCatalog.Create("mse"), l1 = LossCatalog.Create("l1"), huber = LossCatalog.Create("huber:delta=1");
        const double delta = 1;

        double[] l2Curvature = [.. away.Select(z => Second(l2, z))];
        var l2Facts = new Dictionary<string, double>
        {
            ["l2_second_derivative_min"] = l2Curvature.Min(),
            ["l2_second_derivative_max"] = l2Curvature.Max(),
            ["l2_slope_jump_at_0"] = Slope(l2, H) - Slope(l2, -H),
        };
        bool bowl = l2Curvature.All(c => Math.Abs(c - 2) < 1e-6) && Math.Abs(l2Facts["l2_slope_jump_at_0"]) < 1e-3;

        var l1Facts = new Dictionary<string, double>
        {
            ["l1_second_derivative_max_abs"] = away.Max(z => Math.Abs(Second(l1, z))),
            ["l1_slope_jump_at_0"] = Slope(l1, H) - Slope(l1, -H),
            ["l1_max_deviation_from_abs"] = away.Max(z => Math.Abs(Value(l1, z) - Math.Abs(z))),
        };
        bool groove = l1Facts["l1_second_derivative_max_abs"] < 1e-9 && Math.Abs(l1Facts["l1_slope_jump_at_0"] - 2) < 1e-9 && l1Facts["l1_max_deviation_from_abs"] < 1e-12;

        double[] inside = [-0.9, -0.5, -0.1, 0.1, 0.5, 0.9], outside = [-5, -2, -1.1, 1.1, 2, 5];
        double[] wide = [.. Enumerable.Range(-1000, 2001).Select(i => i / 10.0)];
        var huberFacts = new Dictionary<string, double>
        {
            ["huber_second_derivative_inside_min"] = inside.Min(z => Second(huber, z)),
            ["huber_second_derivative_inside_max"] = inside.Max(z => Second(huber, z)),
            ["huber_second_derivative_outside_max_abs"] = outside.Max(z => Math.Abs(Second(huber, z))),
            ["huber_max_abs_slope"] = wide.Max(z => Math.Abs(Slope(huber, z))),
            ["huber_slope_jump_at_delta"] = Math.Max(Math.Abs(Slope(huber, delta + H) - Slope(huber, delta - H)), Math.Abs(Slope(huber, -delta + H) - Slope(huber, -delta - H))),
        };
        bool rounded = Math.Abs(huberFacts["huber_second_derivative_inside_min"] - 1) < 1e-6 && Math.Abs(huberFacts["huber_second_derivative_inside_max"] - 1) < 1e-6
            && huberFacts["huber_second_derivative_outside_max_abs"] < 1e-9 && huberFacts["huber_max_abs_slope"] <= delta + 1e-12 && huberFacts["huber_slope_jump_at_delta"] < 1e-3;

        double sgdDeviation = Scales.Max(s =>
        {
            float[] g = [(float)s, (float)(-0.5 * s)];
            float[] u = FirstUpdates("sgd", [g])[0];
            return Math.Max(Math.Abs(u[0] + (Eta * g[0])) / (Eta * Math.Abs(g[0])), Math.Abs(u[1] + (Eta * g[1])) / (Eta * Math.Abs(g[1])));
        });
        var sgdFacts = new Dictionary<string, double> { ["sgd_max_relative_deviation_from_minus_eta_g"] = sgdDeviation };

        double[] adamFirst = [.. Scales.SelectMany(s => FirstUpdates("adam", [[(float)s, (float)(-0.5 * s)]])[0].ToArray().Select(u => Math.Abs(u) / Eta))];
        var adamFacts = new Dictionary<string, double>
        {
            ["adam_first_step_min_over_eta"] = adamFirst.Min(),
            ["adam_first_step_max_over_eta"] = adamFirst.Max(),
        };
        bool adamEta = adamFirst.All(r => Math.Abs(r - 1) < 0.01);

        double Brake(string optimizer)
        {
            float[][] u = FirstUpdates(optimizer, [[1f], [-1f]]);
            return Math.Abs(u[1][0]) / Math.Abs(u[0][0]);
        }

        var brakeFacts = new Dictionary<string, double>
        {
            ["adam_second_over_first_step_after_reversal"] = Brake("adam"),
            ["sgd_second_over_first_step_after_reversal"] = Brake("sgd"),
        };
        bool brakes = brakeFacts["adam_second_over_first_step_after_reversal"] < 0.5 && Math.Abs(brakeFacts["sgd_second_over_first_step_after_reversal"] - 1) < 1e-6;

        return
        [
            new ClaimTrial("l2_smooth_bowl", bowl, l2Facts),
            new ClaimTrial("l1_v_groove", groove, l1Facts),
            new ClaimTrial("huber_rounded_bottom_straight_sides", rounded, huberFacts),
            new ClaimTrial("sgd_steps_along_the_slope", sgdDeviation < 1e-6, sgdFacts),
            new ClaimTrial("adam_first_step_is_eta", adamEta, adamFacts),
            new ClaimTrial("adam_remembers_and_brakes", brakes, brakeFacts),
        ];
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        IReadOnlyDictionary<string, double> e(string scenario) => summary[scenario].Evidence;
        string Check(string scenario) => summary[scenario].Held == summary[scenario].Replications ? "checks" : "FAILS";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"L2 ({Check("l2_smooth_bowl")}): ℓ'' between {e("l2_smooth_bowl")["l2_second_derivative_min"]:F6} and {e("l2_smooth_bowl")["l2_second_derivative_max"]:F6} — one curvature everywhere, a bowl. ")
            + string.Create(CultureInfo.InvariantCulture, $"L1 ({Check("l1_v_groove")}): ℓ'' = {TextNumber.G(e("l1_v_groove")["l1_second_derivative_max_abs"], 2)} on both sides and the slope jumps by {TextNumber.G(e("l1_v_groove")["l1_slope_jump_at_0"], 3)} at 0 — straight walls meeting in a kink, a V. ")
            + string.Create(CultureInfo.InvariantCulture, $"Huber δ = 1 ({Check("huber_rounded_bottom_straight_sides")}): ℓ'' = {e("huber_rounded_bottom_straight_sides")["huber_second_derivative_inside_min"]:F6} inside δ and {TextNumber.G(e("huber_rounded_bottom_straight_sides")["huber_second_derivative_outside_max_abs"], 2)} outside, slope never above {TextNumber.G(e("huber_rounded_bottom_straight_sides")["huber_max_abs_slope"], 3)}, no jump at ±δ ({TextNumber.G(e("huber_rounded_bottom_straight_sides")["huber_slope_jump_at_delta"], 2)}) — a rounded bottom with straight sides. ")
            + string.Create(CultureInfo.InvariantCulture, $"SGD ({Check("sgd_steps_along_the_slope")}): its update is −η·g to {TextNumber.G(e("sgd_steps_along_the_slope")["sgd_max_relative_deviation_from_minus_eta_g"], 2)} relative, so its step is as large as the slope. ")
            + string.Create(CultureInfo.InvariantCulture, $"Adam ({Check("adam_first_step_is_eta")}): its first update is {e("adam_first_step_is_eta")["adam_first_step_min_over_eta"]:F4}–{e("adam_first_step_is_eta")["adam_first_step_max_over_eta"]:F4} × η for gradients from 10⁻³ to 10³; ")
            + string.Create(CultureInfo.InvariantCulture, $"({Check("adam_remembers_and_brakes")}) after the gradient reverses its next update is {TextNumber.G(e("adam_remembers_and_brakes")["adam_second_over_first_step_after_reversal"], 3)} × the first, SGD's {TextNumber.G(e("adam_remembers_and_brakes")["sgd_second_over_first_step_after_reversal"], 3)} ×: Adam's memory brakes, SGD just follows the slope.");
    }

    private static double Slope(ILoss loss, double z)
    {
        Span<double> g = stackalloc double[1];
        loss.Evaluate([z], [0.0], g, Reduction.None);
        return g[0];
    }

    private static double Value(ILoss loss, double z) => loss.Evaluate([z], [0.0], Span<double>.Empty, Reduction.None);

    private static double Second(ILoss loss, double z) => (Slope(loss, z + H) - Slope(loss, z - H)) / (2 * H);

    /// <summary>The updates an optimizer at rate η applies to a sequence of gradients (from θ = 0).</summary>
    private static float[][] FirstUpdates(string optimizer, float[][] gradients)
    {
        var state = new Optimizer(OptimizerCatalog.Create(Demo.WithRate(optimizer, Eta)).Transform!, gradients[0].Length);
        float[] theta = new float[gradients[0].Length];
        var updates = new List<float[]>();
        foreach (float[] g in gradients)
        {
            state.Step(theta, g);
            updates.Add(state.LastUpdate.ToArray());
        }

        return [.. updates];
    }
}
