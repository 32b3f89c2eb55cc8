using LossLab.Schedules;
using LossLab.Specs;

namespace LossLab.Optim;

/// <summary>A built optimizer: either a chain of transforms or L-BFGS options, with the learning-rate schedule in force.</summary>
/// <param name="Name">The catalog name.</param>
/// <param name="Transform">The chain, for every optimizer but L-BFGS.</param>
/// <param name="Lbfgs">The L-BFGS options, for <c>lbfgs</c>.</param>
/// <param name="LearningRate">The learning rate as a schedule (a constant when no schedule was given).</param>
public sealed record OptimizerRule(string Name, GradientTransform? Transform, LbfgsOptions? Lbfgs, Schedule LearningRate);

/// <summary>A catalog entry of an optimizer.</summary>
/// <param name="Name">The spec name (PyTorch's class name in snake_case).</param>
/// <param name="Title">A human title.</param>
/// <param name="Parameters">The parameters with PyTorch's defaults.</param>
/// <param name="UpdateRule">The update rule.</param>
/// <param name="WhenToUse">Advice drawn from the guide.</param>
/// <param name="Reference">The reference implementation it is faithful to.</param>
/// <param name="Factory">Builds the rule from the spec, the learning-rate schedule and an optional momentum schedule.</param>
public sealed record OptimizerInfo(
    string Name,
    string Title,
    IReadOnlyList<SpecParameter> Parameters,
    string UpdateRule,
    string WhenToUse,
    string Reference,
    Func<SpecArguments, Schedule, Schedule?, OptimizerRule> Factory);

/// <summary>
/// The optimizer catalog: PyTorch's optimizers by name, built from spec strings such as <c>adam:lr=0.01,betas=0.9/0.99</c>,
/// optionally with a learning-rate schedule spec (<c>cosine:t_max=100</c>) and clipping.
/// </summary>
public static class OptimizerCatalog
{
    private static readonly SpecParameter Maximize = new("maximize", "false", "ascend instead of descend");
    private static readonly SpecParameter WeightDecay = new("weight_decay", "0", "L2 penalty λ >= 0 added to the gradient");
    private static readonly SpecParameter Betas = new("betas", "0.9/0.999", "decay rates β1/β2 of the moment estimates, each in [0, 1)");
    private static readonly SpecParameter Eps8 = new("eps", "1e-8", "added to the denominator for stability");

    /// <summary>
    /// The optimizers whose PyTorch (or lion-pytorch) defaults hold <c>momentum</c> or <c>betas</c>, which a one-cycle
    /// schedule with <c>cycle_momentum</c> cycles: SGD's and RMSprop's momentum (even when it is 0, as PyTorch's
    /// <c>momentum</c> key exists), the others' β₁.
    /// </summary>
    private static readonly string[] CyclesMomentum = ["sgd", "rmsprop", "adam", "adamw", "adamax", "nadam", "radam", "lion"];

    /// <summary>Every optimizer.</summary>
    public static IReadOnlyList<OptimizerInfo> All { get; } =
    [
        new("sgd", "Stochastic gradient descent (momentum, Nesterov)",
            [new("lr", "0.001", "learning rate η >= 0"), new("momentum", "0", "momentum μ >= 0"), new("dampening", "0", "dampening τ of the momentum"), WeightDecay, new("nesterov", "false", "Nesterov momentum (needs momentum > 0, dampening 0)"), Maximize],
            "b ← μb + (1 − τ)g (b = g at first); θ ← θ − η·(g + μb if Nesterov else b)",
            "Looks at the slope and steps. Plain SGD is the baseline: stable with L2 but slow near the optimum, and with L1 it oscillates at a fixed learning rate (decay it). Momentum (0.9) smooths the path and speeds up ill-conditioned valleys.",
            "torch.optim.SGD",
            (a, lr, mu) => Rule("sgd", Optimizers.Sgd(lr, mu ?? a.Number("momentum"), a.Number("dampening"), a.Number("weight_decay"), a.Flag("nesterov"), a.Flag("maximize")), lr)),
        new("adam", "Adam",
            [new("lr", "0.001", "learning rate η >= 0"), Betas, Eps8, WeightDecay, new("amsgrad", "false", "use the running maximum of v (AMSGrad)"), Maximize],
            "m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²; θ ← θ − η·m̂/(√v̂ + ε)",
            "Remembers and brakes: per-parameter steps of about η whatever the gradient scale, so it copes with L1's constant and L2's vanishing gradients. Huber + Adam is the common industrial choice. With a constant η it still jitters at the scale of η near the optimum.",
            "torch.optim.Adam",
            (a, lr, mu) => Rule("adam", Optimizers.Adam(lr, mu ?? Beta(a, 0), Beta(a, 1), a.Number("eps"), a.Number("weight_decay"), a.Flag("amsgrad"), a.Flag("maximize")), lr)),
        new("adamw", "AdamW (decoupled weight decay)",
            [new("lr", "0.001", "learning rate η >= 0"), Betas, Eps8, new("weight_decay", "0.01", "decoupled decay λ >= 0 (θ ← θ − ηλθ)"), new("amsgrad", "false", "use the running maximum of v"), Maximize],
            "θ ← θ − ηλθ; then Adam's step",
            "Adam with weight decay that does not interact with the adaptive scaling: the right choice when you regularise an Adam-trained network.",
            "torch.optim.AdamW",
            (a, lr, mu) => Rule("adamw", Optimizers.AdamW(lr, mu ?? Beta(a, 0), Beta(a, 1), a.Number("eps"), a.Number("weight_decay"), a.Flag("amsgrad"), a.Flag("maximize")), lr)),
        new("rmsprop", "RMSprop",
            [new("lr", "0.01", "learning rate η >= 0"), new("alpha", "0.99", "decay α of the squared-gradient average"), Eps8, WeightDecay, new("momentum", "0", "momentum μ >= 0"), new("centered", "false", "normalise by the variance instead of the second moment"), Maximize],
            "s ← αs + (1−α)g²; θ ← θ − η·g/(√s + ε)",
            "Divides each step by a running RMS of the gradient: suits losses whose gradient changes abruptly (Huber's kink) and escapes saddles quickly.",
            "torch.optim.RMSprop",
            (a, lr, mu) => Rule("rmsprop", Optimizers.RmsProp(lr, a.Number("alpha"), a.Number("eps"), a.Number("weight_decay"), mu ?? a.Number("momentum"), a.Flag("centered"), a.Flag("maximize")), lr)),
        new("adagrad", "Adagrad",
            [new("lr", "0.01", "learning rate η >= 0"), new("lr_decay", "0", "η/(1 + (t−1)·lr_decay)"), WeightDecay, new("initial_accumulator_value", "0", "starting value of Σg²"), new("eps", "1e-10", "added to the denominator"), Maximize],
            "S ← S + g²; θ ← θ − η·g/(√S + ε)",
            "Steps shrink as squared gradients accumulate: a built-in decay that calms L1's oscillation; good for sparse features, too slow for long non-convex training.",
            "torch.optim.Adagrad",
            (a, lr, _) => Rule("adagrad", Optimizers.Adagrad(lr, a.Number("lr_decay"), a.Number("weight_decay"), a.Number("initial_accumulator_value"), a.Number("eps"), a.Flag("maximize")), lr)),
        new("adadelta", "Adadelta",
            [new("lr", "1", "scale of the step"), new("rho", "0.9", "decay ρ of the averages"), new("eps", "1e-6", "inside both square roots"), WeightDecay, Maximize],
            "v ← ρv + (1−ρ)g²; Δ = √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − ηΔ",
            "Adagrad without the ever-shrinking step: units-consistent steps from ratios of running averages; little tuning of η needed.",
            "torch.optim.Adadelta",
            (a, lr, _) => Rule("adadelta", Optimizers.Adadelta(lr, a.Number("rho"), a.Number("eps"), a.Number("weight_decay"), a.Flag("maximize")), lr)),
        new("adamax", "Adamax",
            [new("lr", "0.002", "learning rate η >= 0"), Betas, Eps8, WeightDecay, Maximize],
            "m ← β1m + (1−β1)g; u ← max(β2u, |g| + ε); θ ← θ − η/(1 − β1ᵗ)·m/u",
            "Adam with the infinity norm: steps bounded by η even for heavy-tailed gradients.",
            "torch.optim.Adamax",
            (a, lr, mu) => Rule("adamax", Optimizers.Adamax(lr, mu ?? Beta(a, 0), Beta(a, 1), a.Number("eps"), a.Number("weight_decay"), a.Flag("maximize")), lr)),
        new("nadam", "NAdam",
            [new("lr", "0.002", "learning rate η >= 0"), Betas, Eps8, WeightDecay, new("momentum_decay", "0.004", "ψ of the momentum schedule")],
            "Adam with Nesterov momentum: μ_t = β1(1 − ½·0.96^(tψ))",
            "Adam that looks ahead like Nesterov momentum; often a little faster than Adam on smooth problems.",
            "torch.optim.NAdam",
            (a, lr, mu) => Rule("nadam", Optimizers.NAdam(lr, mu ?? Beta(a, 0), Beta(a, 1), a.Number("eps"), a.Number("weight_decay"), a.Number("momentum_decay")), lr)),
        new("radam", "RAdam",
            [new("lr", "0.001", "learning rate η >= 0"), Betas, Eps8, WeightDecay],
            "Adam whose adaptive step is switched on only once the variance estimate is reliable (ρ_t > 5)",
            "Adam without the warm-up it usually needs: the first steps are plain momentum steps.",
            "torch.optim.RAdam",
            (a, lr, mu) => Rule("radam", Optimizers.RAdam(lr, mu ?? Beta(a, 0), Beta(a, 1), a.Number("eps"), a.Number("weight_decay")), lr)),
        new("rprop", "Rprop",
            [new("lr", "0.01", "initial step size"), new("etas", "0.5/1.2", "η−/η+: step shrink and growth factors (0 < η− < 1 < η+)"), new("step_sizes", "1e-6/50", "smallest and largest step"), Maximize],
            "step ← step·η+ if g keeps its sign, ·η− if it flips; θ ← θ − sign(g)·step",
            "Uses only the sign of the gradient, so the loss scale does not matter; for full-batch training of small models.",
            "torch.optim.Rprop",
            (a, lr, _) => Rule("rprop", Optimizers.Rprop(a.Number("lr"), Pair(a, "etas", 0), Pair(a, "etas", 1), Pair(a, "step_sizes", 0), Pair(a, "step_sizes", 1), a.Flag("maximize")), lr)),
        new("lion", "Lion",
            [new("lr", "0.0001", "learning rate η >= 0 (use 3–10× smaller than Adam's)"), new("betas", "0.9/0.99", "β1 for the update, β2 for the momentum"), new("weight_decay", "0", "decoupled decay λ >= 0"), Maximize],
            "c = β1m + (1−β1)g; θ ← θ(1 − ηλ) − η·sign(c); m ← β2m + (1−β2)g",
            "Sign of an interpolated momentum: every parameter moves by exactly η; memory-light and robust to gradient scale.",
            "Chen et al. 2023 (lion-pytorch)",
            (a, lr, mu) => Rule("lion", Optimizers.Lion(lr, mu ?? Beta(a, 0), Beta(a, 1), a.Number("weight_decay"), a.Flag("maximize")), lr)),
        new("lbfgs", "L-BFGS",
            [new("lr", "1", "step length scale"), new("max_iter", "20", "iterations per step"), new("max_eval", "0", "function evaluations per step (0: max_iter·5/4)"), new("tolerance_grad", "1e-7", "stop when max|g| <= this"), new("tolerance_change", "1e-9", "stop when the change is below this"), new("history_size", "100", "curvature pairs kept"), new("line_search_fn", "none", "none or strong_wolfe")],
            "quasi-Newton: two-loop recursion over the last curvature pairs, with an optional strong-Wolfe line search",
            "For small smooth full-batch problems: far fewer steps than first-order methods; not for noisy mini-batches or non-smooth losses (L1).",
            "torch.optim.LBFGS",
            (a, lr, _) => new OptimizerRule("lbfgs", null, LbfgsFrom(a), lr)),
    ];

    /// <summary>The entry of a name, or null.</summary>
    public static OptimizerInfo? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>
    /// Builds an optimizer from its spec, an optional schedule spec (whose base value is the optimizer's <c>lr</c>;
    /// a one-cycle schedule also cycles SGD/RMSprop momentum or Adam's β1), and an optional clip norm applied first.
    /// </summary>
    /// <exception cref="SpecException">Unknown name or key, a bad value, or an out-of-range hyper-parameter.</exception>
    public static OptimizerRule Create(string optimizerSpec, string? scheduleSpec = null, double? clipNorm = null)
    {
        Spec spec = Spec.Parse(optimizerSpec);
        OptimizerInfo info = Find(spec.Name)
            ?? throw new SpecException($"unknown optimizer '{spec.Name}'; accepted: {string.Join(", ", All.Select(e => e.Name))}");
        SpecArguments arguments = SpecBinding.Bind(info.Name, info.Parameters, spec);
        return SpecBinding.Build(info.Name, () =>
        {
            double baseLr = arguments.Number("lr");
            Schedule lr = baseLr;
            Schedule? momentum = null;
            if (scheduleSpec is not null)
            {
                lr = ScheduleCatalog.Create(scheduleSpec, baseLr);
                momentum = (lr as OneCycleLR)?.Momentum;
                if (momentum is not null && !CyclesMomentum.Contains(info.Name))
                {
                    throw new SpecException(
                        $"one_cycle: {info.Name} has no momentum or betas for cycle_momentum to cycle (PyTorch refuses it too: \"optimizer must support momentum with `cycle_momentum` option enabled\"); set one_cycle:cycle_momentum=false or use an optimizer with momentum or betas ({string.Join(", ", CyclesMomentum)})");
                }
            }

            OptimizerRule rule = info.Factory(arguments, lr, momentum);
            if (clipNorm is double c && rule.Transform is not null)
            {
                rule = rule with { Transform = new Chain(new ClipByGlobalNorm(c), rule.Transform) };
            }
            else if (clipNorm is not null)
            {
                throw new SpecException("lbfgs: --clip-norm does not apply to L-BFGS (it takes whole steps along a search direction)");
            }

            return rule;
        });
    }

    private static OptimizerRule Rule(string name, GradientTransform transform, Schedule lr) => new(name, transform, null, lr);

    private static double Beta(SpecArguments a, int index) => Pair(a, "betas", index);

    private static double Pair(SpecArguments a, string key, int index)
    {
        IReadOnlyList<double> values = a.Numbers(key) ?? throw new SpecException($"{key} must have two entries separated by '/'");
        return values.Count == 2 ? values[index] : throw new SpecException($"{key} must have two entries separated by '/' (got {values.Count})");
    }

    private static LbfgsOptions LbfgsFrom(SpecArguments a)
    {
        string search = a.Text("line_search_fn");
        int maxIter = a.WholeNumber("max_iter");
        int maxEval = a.WholeNumber("max_eval");
        return new LbfgsOptions
        {
            Lr = a.Number("lr"),
            MaxIter = maxIter,
            MaxEval = maxEval == 0 ? null : maxEval,
            ToleranceGrad = a.Number("tolerance_grad"),
            ToleranceChange = a.Number("tolerance_change"),
            HistorySize = a.WholeNumber("history_size"),
            LineSearchFn = search == "none" ? null : search,
        };
    }
}
