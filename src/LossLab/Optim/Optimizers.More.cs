using LossLab.Schedules;

namespace LossLab.Optim;

/// <content>Adadelta, Adamax, NAdam, RAdam, Rprop and Lion.</content>
public static partial class Optimizers
{
    /// <summary>
    /// Adadelta (PyTorch's <c>Adadelta</c>): g ← g + λθ; v ← ρv + (1 − ρ)g²; Δ = √(u + ε)/√(v + ε)·g;
    /// u ← ρu + (1 − ρ)Δ²; θ ← θ − ηΔ. See <see cref="ScaleByAdadelta"/>.
    /// Defaults lr = 1.0, rho = 0.9, eps = 1e-6, weight_decay = 0.
    /// </summary>
    /// <param name="lr">η ≥ 0 (a schedule; default 1.0).</param>
    /// <param name="rho">ρ ∈ [0, 1].</param>
    /// <param name="eps">ε ≥ 0, inside both square roots.</param>
    /// <param name="weightDecay">λ ≥ 0: L2 decay added to the gradient.</param>
    /// <param name="maximize">Ascend instead of descend (the gradient is negated first).</param>
    public static GradientTransform Adadelta(Schedule? lr = null, double rho = 0.9, double eps = 1e-6, double weightDecay = 0, bool maximize = false)
        => Build(maximize, weightDecay, new ScaleByAdadelta(rho, eps), LearningRate(lr ?? 1.0));

    /// <summary>
    /// Adamax (PyTorch's <c>Adamax</c>): g ← g + λθ; m ← β₁m + (1 − β₁)g; u ← max(β₂u, |g| + ε);
    /// θ ← θ − η/(1 − β₁ᵗ)·m/u. See <see cref="ScaleByAdamax"/>.
    /// Defaults lr = 2e-3, betas = (0.9, 0.999), eps = 1e-8, weight_decay = 0.
    /// </summary>
    /// <param name="lr">η ≥ 0 (a schedule; default 2e-3).</param>
    /// <param name="beta1">β₁ ∈ [0, 1) (a schedule; default 0.9).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="eps">ε ≥ 0, added to |g|.</param>
    /// <param name="weightDecay">λ ≥ 0: L2 decay added to the gradient.</param>
    /// <param name="maximize">Ascend instead of descend (the gradient is negated first).</param>
    public static GradientTransform Adamax(Schedule? lr = null, Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool maximize = false)
        => Build(maximize, weightDecay, new ScaleByAdamax(Beta1(beta1), beta2, eps), LearningRate(lr ?? 2e-3));

    /// <summary>
    /// NAdam as PyTorch 1.13 computes it: g ← g + λθ; μ_t = β₁(1 − ½·0.96^(tψ)); Π ← Π·μ_t;
    /// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; d = √(v/(1 − β₂ᵗ)) + ε;
    /// θ ← θ − η(1 − μ_t)/(1 − Π)·g/d − η·μ_{t+1}/(1 − Π·μ_t·μ_{t+1})·m/d (1.13's denominator; see <see cref="ScaleByNadam"/>).
    /// Defaults lr = 2e-3, betas = (0.9, 0.999), eps = 1e-8, weight_decay = 0, momentum_decay = 4e-3.
    /// PyTorch 1.13's NAdam has no <c>maximize</c>.
    /// </summary>
    /// <param name="lr">η ≥ 0 (a schedule; default 2e-3).</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="eps">ε ≥ 0.</param>
    /// <param name="weightDecay">λ ≥ 0: L2 decay added to the gradient.</param>
    /// <param name="momentumDecay">ψ ≥ 0 (PyTorch's <c>momentum_decay</c>).</param>
    public static GradientTransform NAdam(Schedule? lr = null, Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, double momentumDecay = 4e-3)
        => Build(false, weightDecay, new ScaleByNadam(beta1, beta2, eps, momentumDecay), LearningRate(lr ?? 2e-3));

    /// <summary>
    /// RAdam (PyTorch's <c>RAdam</c>): g ← g + λθ; Adam's m and v; m̂ = m/(1 − β₁ᵗ); when ρ_t &gt; 5,
    /// θ ← θ − η·m̂·r·√(1 − β₂ᵗ)/(√v + ε), else θ ← θ − η·m̂. See <see cref="ScaleByRadam"/>.
    /// Defaults lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8, weight_decay = 0. PyTorch 1.13's RAdam has no <c>maximize</c>.
    /// </summary>
    /// <param name="lr">η ≥ 0 (a schedule; default 1e-3).</param>
    /// <param name="beta1">β₁ ∈ [0, 1).</param>
    /// <param name="beta2">β₂ ∈ [0, 1).</param>
    /// <param name="eps">ε ≥ 0, on the raw √v.</param>
    /// <param name="weightDecay">λ ≥ 0: L2 decay added to the gradient.</param>
    public static GradientTransform RAdam(Schedule? lr = null, Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        => Build(false, weightDecay, new ScaleByRadam(beta1, beta2, eps), LearningRate(lr ?? 1e-3));

    /// <summary>
    /// Rprop (PyTorch's <c>Rprop</c>): step sizes start at lr and grow by η₊ while a gradient keeps its sign, shrink by η₋
    /// (and skip that update) when it flips, clamped to [s_min, s_max]; θ ← θ − sign(g)·s. See <see cref="ScaleByRprop"/>.
    /// The learning rate is only the initial step size (a number, not a schedule); the chain ends with a scale of −1.
    /// Defaults lr = 1e-2, etas = (0.5, 1.2), step_sizes = (1e-6, 50). PyTorch's Rprop has no weight decay.
    /// </summary>
    /// <param name="lr">The initial step size ≥ 0.</param>
    /// <param name="etaMinus">η₋ ∈ (0, 1) (PyTorch's <c>etas[0]</c>).</param>
    /// <param name="etaPlus">η₊ &gt; 1 (PyTorch's <c>etas[1]</c>).</param>
    /// <param name="minStep">s_min ≥ 0 (PyTorch's <c>step_sizes[0]</c>).</param>
    /// <param name="maxStep">s_max ≥ s_min (PyTorch's <c>step_sizes[1]</c>).</param>
    /// <param name="maximize">Ascend instead of descend (the gradient is negated first).</param>
    public static GradientTransform Rprop(double lr = 1e-2, double etaMinus = 0.5, double etaPlus = 1.2, double minStep = 1e-6, double maxStep = 50, bool maximize = false)
        => Build(maximize, 0, new ScaleByRprop(lr, etaMinus, etaPlus, minStep, maxStep), 1.0); // last link: ScaleByLearningRate(1.0), u ← −u

    /// <summary>
    /// Lion (Chen et al. 2023, as lucidrains/lion-pytorch): c = β₁m + (1 − β₁)g; θ ← θ − η·λ·θ − η·sign(c);
    /// m ← β₂m + (1 − β₂)g. The weight decay is decoupled and multiplied by the learning rate. See <see cref="ScaleByLion"/>.
    /// Defaults lr = 1e-4, betas = (0.9, 0.99), weight_decay = 0.
    /// </summary>
    /// <param name="lr">η ≥ 0 (a schedule; default 1e-4).</param>
    /// <param name="beta1">β₁ ∈ [0, 1].</param>
    /// <param name="beta2">β₂ ∈ [0, 1].</param>
    /// <param name="weightDecay">λ ≥ 0: decoupled decay, θ ← θ − η·λ·θ.</param>
    /// <param name="maximize">Ascend instead of descend (the gradient is negated first).</param>
    public static GradientTransform Lion(Schedule? lr = null, Schedule? beta1 = null, double beta2 = 0.99, double weightDecay = 0, bool maximize = false)
        => Decoupled(maximize, new ScaleByLion(beta1, beta2), weightDecay, LearningRate(lr ?? 1e-4));
}
