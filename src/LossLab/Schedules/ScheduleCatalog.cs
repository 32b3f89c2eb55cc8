using LossLab.Specs;

namespace LossLab.Schedules;

/// <summary>
/// The schedule catalog: every learning-rate schedule LossLab has, with PyTorch's argument names and defaults, the
/// closed form and advice. Spec strings are <c>name:key=value,…</c> (lists joined with <c>/</c>, as
/// <c>multi_step:milestones=30/80</c>), and <c>a&gt;b&gt;c</c> chains schedules, each taking over at the previous
/// one's natural length (total_iters of constant, linear and polynomial; t_max of cosine; total_steps of one_cycle).
/// </summary>
public static class ScheduleCatalog
{
    /// <summary>The default written for a parameter PyTorch requires (it has no default).</summary>
    public const string Required = SpecBinding.Required;

    private static readonly SpecParameter Gamma = new("gamma", "0.1", "multiplicative decay γ >= 0");
    private static readonly SpecParameter EtaMin = new("eta_min", "0", "minimum η_min >= 0");

    /// <summary>Every schedule, in catalog order.</summary>
    public static IReadOnlyList<ScheduleInfo> All { get; } =
    [
        new("constant", "Constant factor (torch ConstantLR)",
            [new("factor", "0.3333333333333333", "factor in [0, 1] applied during the first total_iters steps"),
             new("total_iters", "5", "number of reduced steps (>= 1); the length when chained")],
            "base·factor for e < total_iters, then base",
            "A short, gentle warm-up: run the first steps at a fraction of the rate while Adam's moment estimates or batch-norm statistics settle. Chain it before the main schedule (constant>cosine:t_max=90).",
            (a, b) => new ConstantLR(b, a.Number("factor"), a.WholeNumber("total_iters"))),
        new("step", "Step decay (torch StepLR)",
            [new("step_size", Required, "period of the decay in steps (>= 1)"), Gamma],
            "base·γ^⌊e/step_size⌋",
            "The classic staircase (ResNet: ×0.1 every 30 epochs). Simple and robust when you know roughly how long training takes; the sudden drops give visible jumps in the loss curve.",
            (a, b) => new StepLR(b, a.WholeNumber("step_size"), a.Number("gamma"))),
        new("multi_step", "Multi-step decay (torch MultiStepLR)",
            [new("milestones", Required, "steps at which to decay, joined with '/' (>= 0; a repeated milestone decays twice)"), Gamma],
            "base·γ^(number of milestones ≤ e)",
            "A staircase with hand-placed drops, for reproducing published recipes (e.g. milestones=30/60/80). Put the drops where the validation loss flattens.",
            (a, b) => new MultiStepLR(b, WholeNumbers(a, "multi_step", "milestones"), a.Number("gamma"))),
        new("exponential", "Exponential decay (torch ExponentialLR)",
            [new("gamma", Required, "multiplicative decay γ >= 0 per step")],
            "base·γ^e",
            "Smooth geometric decay. Choose γ so that the rate falls by the wanted total over the run (γ = 0.01^(1/steps) for ×0.01); values very close to 1 are needed when stepping per batch.",
            (a, b) => new ExponentialLR(b, a.Number("gamma"))),
        new("linear", "Linear ramp (torch LinearLR)",
            [new("start_factor", "0.3333333333333333", "factor at step 0, in (0, 1]"),
             new("end_factor", "1", "factor from total_iters on, in [0, 1]"),
             new("total_iters", "5", "length of the ramp (>= 1); the length when chained")],
            "base·(start + (end − start)·min(T, e)/T), T = total_iters",
            "Linear warm-up (start_factor small, end_factor 1) — the standard start for transformers and large batches — or a linear decay to a floor (start_factor 1, end_factor small). Chain it: linear:start_factor=0.01,total_iters=500>cosine:t_max=9500.",
            (a, b) => new LinearLR(b, a.Number("start_factor"), a.Number("end_factor"), a.WholeNumber("total_iters"))),
        new("polynomial", "Polynomial decay (torch PolynomialLR)",
            [new("total_iters", "5", "number of decaying steps (>= 1); the length when chained"),
             new("power", "1", "power of the polynomial (>= 0)")],
            "base·(1 − min(T, e)/T)^power, T = total_iters",
            "Decay to exactly zero at a known end (power 1: linear; power 0.9: DeepLab's 'poly' policy). Reaching zero lets the last steps settle into the minimum.",
            (a, b) => new PolynomialLR(b, a.WholeNumber("total_iters"), a.Number("power"))),
        new("cosine", "Cosine annealing (torch CosineAnnealingLR)",
            [new("t_max", Required, "half period T_max >= 1: the step at which η_min is reached; the length when chained"), EtaMin],
            "η_min + (base − η_min)(1 + cos(π·e/T_max))/2 (no restart: it rises again after T_max)",
            "The modern default decay: long at a high rate, then a smooth landing. Set t_max to the total number of steps; after T_max the value climbs back (as in PyTorch), so chain a constant after it if training runs longer.",
            (a, b) => new CosineAnnealingLR(b, a.WholeNumber("t_max"), a.Number("eta_min"))),
        new("cosine_warm_restarts", "Cosine with warm restarts, SGDR (torch CosineAnnealingWarmRestarts)",
            [new("t_0", Required, "first period T_0 >= 1"), new("t_mult", "1", "growth of the period at each restart (whole number >= 1)"), EtaMin],
            "η_min + (base − η_min)(1 + cos(π·T_cur/T_i))/2, T_cur steps since the last restart, T_i = t_0·t_mult^i",
            "Periodic restarts shake the model out of sharp minima and give a snapshot at each minimum (snapshot ensembles). Use t_mult=2 so later cycles are longer; stop training at the end of a cycle.",
            (a, b) => new CosineAnnealingWarmRestarts(b, a.WholeNumber("t_0"), a.WholeNumber("t_mult"), a.Number("eta_min"))),
        new("one_cycle", "One-cycle (torch OneCycleLR)",
            [new("max_lr", Required, "peak learning rate (> 0); the optimizer's lr is not used"),
             new("total_steps", Required, "length of the cycle in steps (>= 1); later steps hold the last value"),
             new("pct_start", "0.3", "share of the cycle spent warming up, in [0, 1]"),
             new("anneal_strategy", "cos", "cos or linear"),
             new("div_factor", "25", "initial lr = max_lr/div_factor (> 0)"),
             new("final_div_factor", "1e4", "final lr = initial lr/final_div_factor (> 0)"),
             new("three_phase", "false", "the paper's symmetric three phases instead of fastai's two"),
             new("cycle_momentum", "true", "cycle the momentum (sgd, rmsprop) or β₁ (adam, adamw, adamax, nadam, radam, lion) inversely to the lr; set false for other optimizers"),
             new("base_momentum", "0.85", "momentum at the peak lr (>= 0)"),
             new("max_momentum", "0.95", "momentum at the start and the end (>= 0)")],
            "anneal (cos or linear) from max_lr/div_factor up to max_lr at step pct_start·total_steps − 1, then down to max_lr/(div_factor·final_div_factor) at total_steps − 1; momentum max → base → max",
            "Smith's super-convergence policy: a warm-up to a large rate, then a long anneal far below the start, with momentum cycled the other way. Often reaches a given accuracy in fewer epochs; find max_lr with a range test (the largest rate before the loss diverges) and set total_steps to the whole run.",
            (a, _) => new OneCycleLR(
                a.Number("max_lr"), a.WholeNumber("total_steps"), a.Number("pct_start"), a.Text("anneal_strategy"),
                a.Number("div_factor"), a.Number("final_div_factor"), a.Flag("three_phase"), a.Flag("cycle_momentum"),
                a.Number("base_momentum"), a.Number("max_momentum"))),
        new("reduce_on_plateau", "Reduce on plateau (torch ReduceLROnPlateau)",
            [new("mode", "min", "min (lower is better, a loss) or max (higher is better, an accuracy)"),
             new("factor", "0.1", "reduction factor in [0, 1)"),
             new("patience", "10", "reports without improvement tolerated (>= 0); the lr drops after patience + 1"),
             new("threshold", "1e-4", "significance threshold (>= 0)"),
             new("threshold_mode", "rel", "rel (best·(1 ∓ threshold)) or abs (best ∓ threshold)"),
             new("cooldown", "0", "reports to wait after a reduction (>= 0)"),
             new("min_lr", "0", "floor of the lr (>= 0)"),
             new("eps", "1e-8", "smallest change applied (>= 0)")],
            "lr ← max(lr·factor, min_lr) once more than patience reports in a row bring no significant improvement; then cooldown",
            "When you cannot predict the length of training: the rate drops only when the monitored metric (usually the validation loss) stops improving. Stateful — it needs the metric after each step or epoch — so it cannot be chained with '>'.",
            (a, b) => new ReduceLROnPlateau(
                b, a.Text("mode"), a.Number("factor"), a.WholeNumber("patience"), a.Number("threshold"),
                a.Text("threshold_mode"), a.WholeNumber("cooldown"), a.Number("min_lr"), a.Number("eps")).CreateState()),
    ];

    /// <summary>The entry of a name, or null.</summary>
    public static ScheduleInfo? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>
    /// Builds a schedule from a spec such as <c>cosine:t_max=100</c>, or a chain such as
    /// <c>linear:start_factor=0.1,total_iters=10&gt;cosine:t_max=90</c> (a <see cref="SequentialSchedule"/> whose
    /// milestones are the running sums of the natural lengths).
    /// </summary>
    /// <param name="spec">The spec string.</param>
    /// <param name="baseValue">The base value: the optimizer's initial lr (one_cycle uses max_lr instead).</param>
    /// <returns>The schedule; for <c>reduce_on_plateau</c> a fresh <see cref="PlateauState"/>.</returns>
    /// <exception cref="SpecException">Unknown name or key, a missing required key, a value that does not parse or is
    /// out of range, or a chain that cannot be built; the message says what is accepted.</exception>
    public static Schedule Create(string spec, double baseValue)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string[] parts = spec.Split('>');
        if (parts.Length == 1)
        {
            return Create(Spec.Parse(spec), baseValue);
        }

        var schedules = new List<Schedule>(parts.Length);
        var milestones = new List<long>(parts.Length - 1);
        long at = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            if (parts[i].Trim().Length == 0)
            {
                throw new SpecException($"'{spec}' has an empty schedule around '>'; write a>b>c");
            }

            Spec part = Spec.Parse(parts[i]);
            if (part.Name == "reduce_on_plateau")
            {
                throw new SpecException("reduce_on_plateau cannot be chained with '>': it follows a metric, not the step");
            }

            Schedule schedule = Create(part, baseValue);
            if (i < parts.Length - 1)
            {
                at += NaturalLength(schedule) ?? throw new SpecException(
                    $"'{part}' cannot come before '>': only constant, linear and polynomial (total_iters), cosine (t_max) and one_cycle (total_steps) have a length at which the next schedule takes over");
                milestones.Add(at);
            }

            schedules.Add(schedule);
        }

        return new SequentialSchedule(schedules, milestones);
    }

    /// <summary>Builds one schedule (no chaining) from a parsed spec.</summary>
    /// <inheritdoc cref="Create(string, double)"/>
    public static Schedule Create(Spec spec, double baseValue)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ScheduleInfo info = Find(spec.Name)
            ?? throw new SpecException($"unknown schedule '{spec.Name}'; accepted: {string.Join(", ", All.Select(e => e.Name))}");
        SpecArguments arguments = SpecBinding.Bind(info.Name, info.Parameters, spec);
        return SpecBinding.Build(info.Name, () => info.Factory(arguments, baseValue));
    }

    /// <summary>The step at which the next schedule of a chain takes over, or null when the schedule has none.</summary>
    internal static long? NaturalLength(Schedule schedule) => schedule switch
    {
        ConstantLR c => c.TotalIters,
        LinearLR l => l.TotalIters,
        PolynomialLR p => p.TotalIters,
        CosineAnnealingLR c => c.TMax,
        OneCycleLR o => o.TotalSteps,
        _ => null,
    };

    private static int[] WholeNumbers(SpecArguments a, string owner, string key)
    {
        IReadOnlyList<double> values = a.Numbers(key)
            ?? throw new SpecException($"{owner}: {key} must be whole numbers joined with '/' (such as {key}=30/80)");
        var result = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            double v = values[i];
            if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
            {
                throw new SpecException($"{owner}: {key}={a.Text(key)} must be whole numbers joined with '/' (such as {key}=30/80)");
            }

            result[i] = (int)v;
        }

        return result;
    }
}
