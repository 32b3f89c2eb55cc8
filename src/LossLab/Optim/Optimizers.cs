using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>
/// The familiar optimizers as one-line chains of transforms, with PyTorch's parameters, defaults and update order.
/// Every factory validates its hyper-parameters and throws <see cref="ArgumentOutOfRangeException"/> naming the
/// parameter as PyTorch spells it (<c>lr</c>, <c>momentum</c>, <c>betas</c>, <c>weight_decay</c>, …).
/// A learning rate (and SGD's momentum or Adam's β₁) may be a <see cref="Schedule"/>; a number converts to a constant.
/// </summary>
public static partial class Optimizers
{
    /// <summary>
    /// SGD: g ← g + λθ; momentum b ← μb + (1 − τ)g (b = g on the first step); g ← g + μb (Nesterov) or b; θ ← θ − ηg.
    /// Defaults lr = 1e-3, momentum = 0, dampening = 0, weight_decay = 0.
    /// </summary>
    public static GradientTransform Sgd(Schedule? lr = null, Schedule? momentum = null, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
    {
        Schedule rate = LearningRate(lr ?? 1e-3);
        Schedule mu = momentum ?? 0.0;
        if (mu is ConstantSchedule { Value: var m } && !(m >= 0 && double.IsFinite(m)))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), m, "momentum must be >= 0");
        }

        Guard.Finite(dampening, "dampening");
        Guard.NonNegative(weightDecay, "weight_decay");
        bool noMomentum = mu is ConstantSchedule { Value: 0 };
        if (nesterov && (noMomentum || dampening != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(nesterov), nesterov, "nesterov requires momentum > 0 and dampening = 0");
        }

        return Build(maximize, weightDecay, noMomentum ? null : new ScaleBySgdMomentum(mu, dampening, nesterov), rate);
    }

    /// <summary>
    /// Adam (L2 weight decay added to the gradient, as PyTorch's <c>Adam</c>): see <see cref="ScaleByAdam"/>.
    /// Defaults lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8.
    /// </summary>
    public static GradientTransform Adam(Schedule? lr = null, Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        => Build(maximize, weightDecay, new ScaleByAdam(Beta1(beta1), beta2, eps, amsgrad), LearningRate(lr ?? 1e-3));

    /// <summary>
    /// AdamW: Adam with decoupled weight decay θ ← θ − ηλθ (PyTorch's <c>AdamW</c>, decay multiplied by lr).
    /// Defaults lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8, weight_decay = 1e-2.
    /// </summary>
    public static GradientTransform AdamW(Schedule? lr = null, Schedule? beta1 = null, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        => Decoupled(maximize, new ScaleByAdam(Beta1(beta1), beta2, eps, amsgrad), weightDecay, LearningRate(lr ?? 1e-3));

    /// <summary>
    /// RMSprop: see <see cref="ScaleByRms"/>. Defaults lr = 1e-2, alpha = 0.99, eps = 1e-8, momentum = 0, centered = false.
    /// </summary>
    public static GradientTransform RmsProp(Schedule? lr = null, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, Schedule? momentum = null, bool centered = false, bool maximize = false)
    {
        Schedule mu = momentum ?? 0.0;
        if (mu is ConstantSchedule { Value: var m } && !(m >= 0 && double.IsFinite(m)))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), m, "momentum must be >= 0");
        }

        return Build(maximize, weightDecay, new ScaleByRms(alpha, eps, centered, mu), LearningRate(lr ?? 1e-2));
    }

    /// <summary>
    /// Adagrad: see <see cref="ScaleByAdagrad"/>. Defaults lr = 1e-2, lr_decay = 0, initial_accumulator_value = 0, eps = 1e-10.
    /// </summary>
    public static GradientTransform Adagrad(Schedule? lr = null, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        => Build(maximize, weightDecay, new ScaleByAdagrad(lrDecay, initialAccumulatorValue, eps), LearningRate(lr ?? 1e-2));

    /// <summary>
    /// The common shape: [negate when maximizing] → [L2 weight decay added to the gradient] → direction → −η.
    /// </summary>
    internal static GradientTransform Build(bool maximize, double weightDecay, GradientTransform? direction, Schedule lr)
    {
        Guard.NonNegative(weightDecay, "weight_decay");
        var links = new List<GradientTransform>(4);
        if (maximize)
        {
            links.Add(new Negate());
        }

        if (weightDecay != 0)
        {
            links.Add(new AddDecayedWeights(weightDecay));
        }

        if (direction is not null)
        {
            links.Add(direction);
        }

        links.Add(new ScaleByLearningRate(lr));
        return new Chain(links);
    }

    /// <summary>[negate when maximizing] → direction → decoupled decay λθ → −η (AdamW, Lion).</summary>
    internal static GradientTransform Decoupled(bool maximize, GradientTransform direction, double weightDecay, Schedule lr)
    {
        Guard.NonNegative(weightDecay, "weight_decay");
        var links = new List<GradientTransform>(4);
        if (maximize)
        {
            links.Add(new Negate());
        }

        links.Add(direction);
        if (weightDecay != 0)
        {
            links.Add(new AddDecayedWeights(weightDecay));
        }

        links.Add(new ScaleByLearningRate(lr));
        return new Chain(links);
    }

    /// <summary>Checks a constant learning rate (≥ 0, finite); schedules are checked by their own constructors.</summary>
    internal static Schedule LearningRate(Schedule lr)
        => lr is ConstantSchedule { Value: var v } && !(v >= 0 && double.IsFinite(v))
            ? throw new ArgumentOutOfRangeException(nameof(lr), v, "lr must be a finite number >= 0")
            : lr;

    /// <summary>Checks a constant β₁ ∈ [0, 1); default 0.9.</summary>
    internal static Schedule Beta1(Schedule? beta1)
    {
        Schedule b = beta1 ?? 0.9;
        if (b is ConstantSchedule { Value: var v })
        {
            OptimGuard.Beta(v, "betas");
        }

        return b;
    }
}
