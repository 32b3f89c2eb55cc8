using System.Globalization;
using LossLab.Functions;
using LossLab.Lab.Data;
using LossLab.Optim;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O7 — saddle points: SGD stalls where the gradient is ≈ 0; Adam/RMSprop rescale the step and escape.
/// <para><b>Prediction:</b> started near the saddle point of f = x² − y², Adam or RMSprop escape in fewer steps than plain
/// SGD, each optimizer at its own tuned learning rate.</para>
/// <para><b>Experiment:</b> four scenarios — the saddle <c>axis_aligned</c> (the library's <see cref="Saddle"/>) and
/// <c>rotated_45</c> (the same surface turned by 45°, so the escape direction mixes both coordinates), each exact and
/// with seeded Gaussian noise (σ = 0.01 per coordinate) added to every gradient. Each replication starts at a random
/// point 10⁻³ from the saddle (uniform direction). Escape = the first step with f ≤ −1, i.e. at least 1 from the saddle
/// along the falling direction (a run blown up along the rising direction does not count); runs that have not escaped in
/// 500 steps count as 500. Optimizers: SGD, SGD with momentum 0.9 (the guide's own fix for slow SGD), Adam and RMSprop,
/// each with library defaults otherwise. Every optimizer's rate is tuned the same way: from the grid
/// {0.003, 0.01, 0.03, 0.1, 0.3, 1}, the rate that escapes fastest from a separate tuning start (another random point
/// 10⁻³ away, other noise) of the same scenario. This compares tuned rates, not matched first steps (RMSprop's first step
/// is ≈ 10× its rate, Adam's ≈ its rate, SGD's the rate times a gradient of size ≈ 2·10⁻³).</para>
/// <para><b>Verdict:</b> per scenario, the share of replications in which min(Adam, RMSprop) escape steps &lt; SGD's;
/// <see cref="ClaimRunner"/>'s rule over the four scenarios.</para>
/// </summary>
public sealed class O7Claim : IClaim
{
    /// <summary>The learning-rate grid every optimizer is tuned on.</summary>
    public static IReadOnlyList<double> Rates { get; } = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0];

    /// <summary>The optimizers compared (evidence names, specs without the rate).</summary>
    public static IReadOnlyList<(string Name, string Spec)> Optimizers { get; } =
        [("sgd", "sgd"), ("momentum", "sgd:momentum=0.9"), ("adam", "adam"), ("rmsprop", "rmsprop")];

    /// <summary>Steps allowed before a run counts as stalled.</summary>
    public const int MaxSteps = 500;

    private const double StartRadius = 1e-3;
    private const double NoiseScale = 0.01;
    private const double EscapeLevel = -1.0;

    private static readonly (string Name, bool Rotated, bool Noisy)[] Scenarios =
        [("axis_aligned", false, false), ("axis_aligned_noisy", false, true), ("rotated_45", true, false), ("rotated_45_noisy", true, true)];

    /// <inheritdoc/>
    public string Id => "O7";

    /// <inheritdoc/>
    public string Statement => "Saddle points: SGD stalls where the gradient is ≈ 0; L1's constant push can help leave flat regions; Adam/RMSprop rescale and escape";

    /// <inheritdoc/>
    public string Prediction => "from a point 10⁻³ from the saddle of x² − y², Adam or RMSprop (tuned rate) reach f ≤ −1 in fewer steps than plain SGD (tuned rate)";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "sgd_over_best_adaptive_steps";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = BuildUnits();

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        var trials = new List<ClaimTrial>();
        for (int s = 0; s < Scenarios.Length; s++)
        {
            cancellation.ThrowIfCancellationRequested();
            (string name, bool rotated, bool noisy) = Scenarios[s];
            var random = new Random(unchecked((seed * 31) + s));
            double[] tuningStart = Start(random), start = Start(random);
            int tuningNoise = random.Next(), noise = random.Next();
            var evidence = new Dictionary<string, double>();
            foreach ((string optimizer, string spec) in Optimizers)
            {
                double best = Rates[0];
                int fastest = int.MaxValue;
                foreach (double lr in Rates)
                {
                    int steps = Escape(Demo.WithRate(spec, lr), rotated, noisy ? tuningNoise : (int?)null, tuningStart);
                    if (steps < fastest)
                    {
                        (fastest, best) = (steps, lr);
                    }
                }

                evidence[$"{optimizer}_escape_steps"] = Escape(Demo.WithRate(spec, best), rotated, noisy ? noise : (int?)null, start);
                evidence[$"{optimizer}_tuned_lr"] = best;
            }

            evidence["sgd_largest_stable_lr"] = LargestStableSgdRate();
            evidence["sgd_tuned_lr_is_largest_stable"] = evidence["sgd_tuned_lr"] == evidence["sgd_largest_stable_lr"] ? 1 : 0;

            double adaptive = Math.Min(evidence["adam_escape_steps"], evidence["rmsprop_escape_steps"]);
            evidence["sgd_over_best_adaptive_steps"] = evidence["sgd_escape_steps"] / adaptive;
            trials.Add(new ClaimTrial(name, adaptive < evidence["sgd_escape_steps"], evidence));
        }

        return trials;
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string Part(ScenarioSummary s) => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Name}: Adam or RMSprop faster than SGD in {s.Held}/{s.Replications} (95% CI {s.Low:P0}–{s.High:P0}); mean steps SGD {TextNumber.G(s.Evidence["sgd_escape_steps"], 3)}, momentum {TextNumber.G(s.Evidence["momentum_escape_steps"], 3)}, Adam {TextNumber.G(s.Evidence["adam_escape_steps"], 3)}, RMSprop {TextNumber.G(s.Evidence["rmsprop_escape_steps"], 3)}; mean tuned rates SGD {TextNumber.G(s.Evidence["sgd_tuned_lr"], 2)}, Adam {TextNumber.G(s.Evidence["adam_tuned_lr"], 2)}, RMSprop {TextNumber.G(s.Evidence["rmsprop_tuned_lr"], 2)}");
        ScenarioSummary weakest = summary.Scenarios.MinBy(s => s.Share)!;
        ScenarioSummary strongest = summary.Scenarios.MaxBy(s => s.Share)!;
        double momentumVsSgd = summary.Scenarios.Average(s => s.Evidence["momentum_escape_steps"] / s.Evidence["sgd_escape_steps"]);
        return string.Join(". ", summary.Scenarios.Select(Part))
            + string.Create(CultureInfo.InvariantCulture, $". The adaptive methods' advantage is largest in {strongest.Name} ({strongest.Share:P0}) and smallest in {weakest.Name} ({weakest.Share:P0}). ")
            + string.Create(CultureInfo.InvariantCulture, $"SGD with momentum, the guide's other fix, takes on average {TextNumber.G(momentumVsSgd, 2)}× plain SGD's steps. ")
            + string.Create(CultureInfo.InvariantCulture, $"Tuned rates, not matched first steps: every optimizer gets the grid rate that escaped fastest from a separate start; plain SGD's mean tuned rate per scenario was {string.Join(", ", summary.Scenarios.Select(s => s.Evidence["sgd_tuned_lr"].ToString("G2", CultureInfo.InvariantCulture)))}. ")
            + Handicap(summary)
            + "A linear regression has no saddle points (its loss is convex); this is a test surface. The statement's aside, that L1's constant push helps leave flat regions, is not tested here.";
    }

    /// <summary>
    /// The largest rate of <see cref="Rates"/> at which plain SGD does not blow up along the upward-curving direction of the
    /// saddle: the curvature c there is measured from the surface's gradient (∂f/∂x at (1, 0), since f is quadratic), and a
    /// rate is stable when |1 − rate·c| ≤ 1. NaN when no grid rate is stable.
    /// </summary>
    public static double LargestStableSgdRate()
    {
        Span<double> x = [1, 0], g = stackalloc double[2];
        TestFunctions.Saddle.Evaluate(x, g);
        double curvature = g[0];
        double[] stable = [.. Rates.Where(r => Math.Abs(1 - (r * curvature)) <= 1)];
        return stable.Length > 0 ? stable.Max() : double.NaN;
    }

    /// <summary>Whether plain SGD was tuned to the grid's largest stable rate, scenario by scenario, from the evidence.</summary>
    private static string Handicap(ClaimSummary summary)
    {
        double limit = LargestStableSgdRate();
        string[] all = [.. summary.Scenarios.Where(s => s.Evidence["sgd_tuned_lr_is_largest_stable"] == 1).Select(s => s.Name)];
        string[] some = [.. summary.Scenarios.Where(s => s.Evidence["sgd_tuned_lr_is_largest_stable"] < 1).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} ({s.Evidence["sgd_tuned_lr_is_largest_stable"]:P0} of replications)"))];
        string head = string.Create(CultureInfo.InvariantCulture, $"The largest grid rate at which plain SGD is stable along the upward-curving direction (|1 − rate·curvature| ≤ 1) is {TextNumber.G(limit, 2)}. ");
        if (some.Length == 0)
        {
            return head + "SGD was tuned to that rate in every replication of every scenario, so it is not handicapped by a timid rate. ";
        }

        return head + (all.Length > 0 ? $"SGD was tuned to it in every replication of {string.Join(", ", all)}; " : string.Empty)
            + $"it was tuned to it only in {string.Join(", ", some)}, so there SGD may have run below its fastest stable rate. ";
    }

    /// <summary>Steps until f ≤ −1 from <paramref name="start"/> (<see cref="MaxSteps"/> when it never gets there).</summary>
    /// <param name="optimizer">The optimizer spec with its rate.</param>
    /// <param name="rotated">Turn the saddle by 45°.</param>
    /// <param name="noiseSeed">Seed of the gradient noise; null for exact gradients.</param>
    /// <param name="start">The starting point.</param>
    public static int Escape(string optimizer, bool rotated, int? noiseSeed, double[] start)
    {
        ArgumentNullException.ThrowIfNull(start);
        Saddle saddle = TestFunctions.Saddle;
        var state = new Optimizer(OptimizerCatalog.Create(optimizer).Transform!, 2);
        Random? noise = noiseSeed is int n ? new Random(n) : null;
        float[] theta = [(float)start[0], (float)start[1]];
        float[] g = new float[2];
        Span<double> x = stackalloc double[2], gx = stackalloc double[2];
        double c = Math.Sqrt(0.5);
        for (int k = 0; k <= MaxSteps; k++)
        {
            // The rotated surface is f(R·θ) with R the 45° rotation; its gradient is Rᵀ·∇f(R·θ).
            x[0] = rotated ? c * (theta[0] - theta[1]) : theta[0];
            x[1] = rotated ? c * (theta[0] + theta[1]) : theta[1];
            double f = saddle.Evaluate(x, gx);
            if (f <= EscapeLevel)
            {
                return k;
            }

            if (k == MaxSteps || !double.IsFinite(f))
            {
                break;
            }

            g[0] = (float)((rotated ? c * (gx[0] + gx[1]) : gx[0]) + (noise is null ? 0 : NoiseScale * Builtins.Normal(noise)));
            g[1] = (float)((rotated ? c * (gx[1] - gx[0]) : gx[1]) + (noise is null ? 0 : NoiseScale * Builtins.Normal(noise)));
            state.Step(theta, g);
        }

        return MaxSteps;
    }

    private static double[] Start(Random random)
    {
        double angle = 2 * Math.PI * random.NextDouble();
        return [StartRadius * Math.Cos(angle), StartRadius * Math.Sin(angle)];
    }

    private static Dictionary<string, string> BuildUnits()
    {
        var units = new Dictionary<string, string>
        {
            ["sgd_over_best_adaptive_steps"] = "×",
            ["sgd_largest_stable_lr"] = "learning rate",
            ["sgd_tuned_lr_is_largest_stable"] = "1 = yes",
        };
        foreach ((string optimizer, _) in Optimizers)
        {
            units[$"{optimizer}_escape_steps"] = "steps";
            units[$"{optimizer}_tuned_lr"] = "learning rate";
        }

        return units;
    }
}
