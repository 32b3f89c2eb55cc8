using LossLab.Specs;

namespace LossLab.Losses;

/// <summary>
/// The loss catalog: every loss LossLab has, with its parameters and defaults, formula, gradient, tasks and advice.
/// The command line and the tests are driven by it, so a loss listed here is exposed and tested at once.
/// </summary>
public static class LossCatalog
{
    private static readonly string[] Regression = ["regression"];
    private static readonly string[] Binary = ["binary"];
    private static readonly string[] Multiclass = ["multiclass"];
    private static readonly string[] BinaryMulticlass = ["binary", "multiclass"];
    private static readonly string[] Detection = ["detection"];
    private static readonly string[] Segmentation = ["segmentation"];
    private static readonly string[] BoxRegression = ["regression", "detection"];
    private static readonly string[] BinarySegmentation = ["binary", "segmentation"];
    private static readonly string[] MulticlassSegmentation = ["multiclass", "segmentation"];

    private static readonly SpecParameter Weight = new("weight", "none", "per-class rescaling weights (list with '/'), broadcast over the last dimension; entries >= 0");
    private static readonly SpecParameter Classes = new("classes", "0", "number of classes C (row length); 0 infers it from index targets");
    private static readonly SpecParameter IgnoreIndex = new("ignore_index", "-100", "target index that contributes neither loss nor gradient");
    private static readonly SpecParameter Smooth = new("smooth", "0", "added to numerator and denominator (>= 0)");
    private static readonly SpecParameter SegEps = new("eps", "1e-7", "added to the denominator (>= 0)");
    private static readonly SpecParameter FromLogits = new("from_logits", "false", "apply a sigmoid to the predictions first");
    private static readonly SpecParameter BoxEps = new("eps", "1e-7", "added to denominators (> 0)");

    /// <summary>Every loss, in catalog order (regression, classification, detection, segmentation).</summary>
    public static IReadOnlyList<LossInfo> All { get; } =
    [
        new("l1", "L1 / mean absolute error", [],
            "|ŷ − y|", "sign(ŷ − y), 0 at ŷ = y (PyTorch's sgn)", Regression,
            "Robust to outliers: a 10× larger error costs only 10× more, and every point pulls with the same force, so the best constant is the median. Use it when the data are dirty or the KPI is the average error. Its gradient never shrinks, so plain SGD with a fixed learning rate oscillates near the optimum: decay the rate or use Adam/Adagrad.",
            InputKind.Regression, "torch.nn.L1Loss", _ => new L1()),
        new("mse", "L2 / mean squared error", [],
            "(ŷ − y)²", "2(ŷ − y)", Regression,
            "The default for regression and the maximum-likelihood choice under Gaussian noise; smooth, with a closed-form linear solution, and the best constant is the mean. Large errors dominate (10× the error costs 100×), so outliers pull the fit and can blow up gradients with a large learning rate: clip or lower the rate. Use it when big mistakes must be avoided.",
            InputKind.Regression, "torch.nn.MSELoss", _ => new Mse()),
        new("huber", "Huber", [new("delta", "1", "threshold δ > 0 between the quadratic and the linear part")],
            "½z² if |z| < δ, else δ(|z| − ½δ), z = ŷ − y", "z if |z| < δ, else δ·sign(z)", Regression,
            "L2 near zero and L1 far away: smooth like MSE for small errors, robust like MAE for outliers. The common industrial choice with Adam. Choose δ on the scale of normal residuals (a robust choice is 1.345 × 1.4826 × MAD of the residuals). Huber(δ) = δ·SmoothL1(β = δ).",
            InputKind.Regression, "torch.nn.HuberLoss", a => new Huber(a.Number("delta"))),
        new("smooth_l1", "Smooth L1 (Fast R-CNN)", [new("beta", "1", "threshold β >= 0; β = 0 is exactly L1")],
            "½z²/β if |z| < β, else |z| − ½β, z = ŷ − y", "z/β if |z| < β, else sign(z)", BoxRegression,
            "Huber divided by its threshold: the gradient is capped at 1 instead of δ. The classic box-regression loss of Faster R-CNN and YOLO, and a robust regression loss in general. Pair it with Adam or SGD with momentum.",
            InputKind.Regression, "torch.nn.SmoothL1Loss", a => new SmoothL1(a.Number("beta"))),
        new("log_cosh", "Log-cosh", [],
            "log cosh(ŷ − y), computed stably", "tanh(ŷ − y)", Regression,
            "Another smooth robust loss: about ½z² for small errors and |z| − log 2 for large ones, twice differentiable everywhere. A good choice when you want Huber's behaviour without choosing δ (the scale is fixed at about 1, so standardise the target).",
            InputKind.Regression, "Keras LogCosh / optax log_cosh", _ => new LogCosh()),
        new("pseudo_huber", "Pseudo-Huber (Charbonnier)", [new("delta", "1", "scale δ > 0")],
            "δ²(√(1 + (z/δ)²) − 1), z = ŷ − y", "z/√(1 + (z/δ)²)", Regression,
            "A smooth Huber: quadratic near zero, linear far away, with continuous derivatives of every order. Use it where Huber's kink in the second derivative hurts (second-order methods such as L-BFGS).",
            InputKind.Regression, "Barron α = 1 scaled by δ²", a => new PseudoHuber(a.Number("delta"))),
        new("quantile", "Quantile (pinball)", [new("tau", "0.5", "quantile τ in (0, 1)")],
            "τ(y − ŷ) if y ≥ ŷ, else (1 − τ)(ŷ − y)", "−τ if y ≥ ŷ, else 1 − τ", Regression,
            "Predicts a quantile instead of the mean: τ = 0.5 gives the median (½·L1), τ = 0.9 an upper bound that is exceeded 10% of the time. Use it for prediction intervals and asymmetric costs.",
            InputKind.Regression, "scikit-learn PinballLoss", a => new Quantile(a.Number("tau"))),
        new("epsilon_insensitive", "ε-insensitive", [new("epsilon", "0.1", "half-width ε >= 0 of the zero-cost tube")],
            "max(0, |z| − ε), z = ŷ − y", "sign(z) outside the tube, 0 inside", Regression,
            "Support-vector regression: errors smaller than ε cost nothing, larger ones grow linearly. Use it when small errors do not matter and robustness does.",
            InputKind.Regression, "scikit-learn SGDRegressor", a => new EpsilonInsensitive(a.Number("epsilon"))),
        new("squared_epsilon_insensitive", "Squared ε-insensitive", [new("epsilon", "0.1", "half-width ε >= 0 of the zero-cost tube")],
            "max(0, |z| − ε)², z = ŷ − y", "2·max(0, |z| − ε)·sign(z)", Regression,
            "Like ε-insensitive but quadratic outside the tube: smooth, and sensitive to large errors like MSE.",
            InputKind.Regression, "scikit-learn SGDRegressor", a => new SquaredEpsilonInsensitive(a.Number("epsilon"))),
        new("msle", "Mean squared logarithmic error", [new("eps", "1e-7", "floor ε >= 0 before the logarithm")],
            "(log(1 + max(ŷ, ε)) − log(1 + max(y, ε)))²", "2(log(1 + ŷ) − log(1 + y))/(1 + ŷ) for ŷ > ε, else 0", Regression,
            "For non-negative targets spanning orders of magnitude (prices, counts): penalises relative rather than absolute errors, and under-prediction more than over-prediction.",
            InputKind.NonNegative, "Keras MeanSquaredLogarithmicError", a => new Msle(a.Number("eps"))),
        new("mape", "Mean absolute percentage error", [new("eps", "1e-7", "floor ε > 0 on |y|")],
            "100·|y − ŷ| / max(|y|, ε)", "100·sign(ŷ − y)/max(|y|, ε)", Regression,
            "When the business reads errors in percent. It explodes for targets near zero and favours under-prediction; prefer MAE or MSLE unless the KPI is MAPE itself.",
            InputKind.Regression, "Keras MeanAbsolutePercentageError", a => new Mape(a.Number("eps"))),
        new("poisson_nll", "Poisson negative log-likelihood",
            [new("log_input", "true", "predictions are log-rates (else rates)"), new("full", "false", "add Stirling's term for log(y!)"), new("eps", "1e-8", "added to the rate inside the log when log_input is false")],
            "e^x − y·x (log_input), or x − y·log(x + eps)", "e^x − y, or 1 − y/(x + eps)", Regression,
            "For count targets (events, visits, claims): the maximum-likelihood loss under Poisson noise. Predict the log-rate so the rate stays positive.",
            InputKind.Counts, "torch.nn.PoissonNLLLoss", a => new PoissonNll(a.Flag("log_input"), a.Flag("full"), a.Number("eps"))),
        new("tweedie", "Tweedie negative log-likelihood (log link)",
            [new("power", "1.5", "variance power ρ in the open interval (1, 2): Var y ∝ μ^ρ")],
            "−y·e^((1−ρ)f)/(1−ρ) + e^((2−ρ)f)/(2−ρ), f = log μ", "−y·e^((1−ρ)f) + e^((2−ρ)f) = μ^(1−ρ)(μ − y)", Regression,
            "For non-negative, right-skewed targets with exact zeros: insurance claim amounts (most policies claim nothing, a few claim a lot), rainfall, spend per customer. A compound Poisson–gamma model: ρ near 1 behaves like Poisson, near 2 like gamma; 1.5 is the usual start (tune it by validation deviance). The output is log μ, so predictions stay positive.",
            InputKind.Counts, "XGBoost reg:tweedie / LightGBM tweedie", a => new Tweedie(a.Number("power"))),
        new("gamma", "Gamma negative log-likelihood (log link)", [],
            "y·e^(−f) + f, f = log μ", "1 − y·e^(−f)", Regression,
            "For strictly positive, continuous, right-skewed targets whose spread grows in proportion to their level (a constant coefficient of variation): claim severities, costs, durations, waiting times. Errors count relative to the prediction, so a 10% miss costs the same at 100 as at 10 000. The output is log μ. Targets must be > 0: use tweedie when there are exact zeros.",
            InputKind.Positive, "XGBoost reg:gamma", _ => new GammaNll()),
        new("gaussian_nll", "Gaussian negative log-likelihood",
            [new("full", "false", "add the constant ½·log 2π"), new("eps", "1e-6", "floor on the variance (> 0)")],
            "½(log v + (μ − y)²/v), v = max(σ², eps); predictions are (μ, σ²) pairs", "∂/∂μ = (μ − y)/v, ∂/∂σ² = ½(1/v − (μ − y)²/v²)", Regression,
            "When the model predicts its own uncertainty (heteroscedastic noise): the mean and the variance are learned together; large residuals are discounted where the predicted variance is large.",
            InputKind.MeanVariance, "torch.nn.GaussianNLLLoss", a => new GaussianNll(a.Flag("full"), a.Number("eps"))),
        new("cauchy", "Cauchy (Lorentzian)", [new("c", "1", "scale c > 0")],
            "log(1 + ½(z/c)²), z = ŷ − y", "2z/(z² + 2c²)", Regression,
            "A redescending robust loss: the pull of an error shrinks once it exceeds about c√2, so gross outliers are nearly ignored. Non-convex: start from a least-squares or Huber fit.",
            InputKind.Regression, "Barron α = 0", a => new Cauchy(a.Number("c"))),
        new("tukey", "Tukey biweight", [new("c", "4.685", "tuning constant c > 0 (in residual units)")],
            "c²/6·(1 − (1 − (z/c)²)³) for |z| ≤ c, c²/6 outside", "z(1 − (z/c)²)² inside, 0 outside", Regression,
            "The strongest rejection of outliers: errors beyond c have no influence at all. With c = 4.685 on residuals scaled by a robust scale it keeps 95% efficiency on Gaussian data. Non-convex: needs a good start (IRLS from a Huber fit).",
            InputKind.Regression, "statsmodels TukeyBiweight", a => new Tukey(a.Number("c"))),
        new("barron", "Barron general robust loss", [new("alpha", "1", "shape α: 2 L2, 1 Charbonnier, 0 Cauchy, −2 Geman–McClure, -inf Welsch"), new("c", "1", "scale c > 0")],
            "(|α − 2|/α)·(((z/c)²/|α − 2| + 1)^(α/2) − 1)", "(z/c²)·((z/c)²/|α − 2| + 1)^(α/2 − 1)", Regression,
            "One family that contains L2, Charbonnier, Cauchy, Geman–McClure and Welsch: lower α means more robustness. Use it to tune robustness as a hyper-parameter instead of picking a loss by hand.",
            InputKind.Regression, "Barron (CVPR 2019), robust_loss_pytorch general.py", a => new Barron(a.Number("alpha"), a.Number("c"))),

        new("bce", "Binary cross-entropy on probabilities", [Weight],
            "−w(y·log p + (1 − y)·log(1 − p)), logs clamped at −100", "w(p − y)/max(p(1 − p), 1e-12)", Binary,
            "Binary classification when the model already outputs probabilities. Prefer bce_with_logits: applying a sigmoid and then a log loses precision and saturates. Never use L1/L2 for classification.",
            InputKind.Probabilities, "torch.nn.BCELoss", a => new Bce(a.Numbers("weight"))),
        new("bce_with_logits", "Binary cross-entropy with logits",
            [Weight, new("pos_weight", "none", "weight of positive examples (list with '/'), broadcast over the last dimension; > 1 raises recall")],
            "w((1 − y)x + (1 + (p_w − 1)y)·softplus(−x))", "w((p_w·y + 1 − y)σ(x) − p_w·y)", BinaryMulticlass,
            "The binary classification loss: sigmoid and log fused in a stable form. For imbalanced data set pos_weight to about negatives/positives, or switch to focal.",
            InputKind.Logits, "torch.nn.BCEWithLogitsLoss", a => new BceWithLogits(a.Numbers("weight"), a.Numbers("pos_weight"))),
        new("cross_entropy", "Cross-entropy (softmax + NLL)",
            [Weight, IgnoreIndex, new("label_smoothing", "0", "label smoothing ε in [0, 1]"), Classes],
            "−Σ_c w_c·t_c·log softmax(x)_c, t = (1 − ε)·onehot(y) + ε/C", "(w_y/W)(softmax(x) − onehot(y)) for ε = 0 (weighted mean)", MulticlassSegmentation,
            "The multi-class loss: softmax and log-likelihood fused stably. Class weights rebalance rare classes (note: mean divides by the sum of the weights); label smoothing keeps the model from becoming over-confident.",
            InputKind.ClassLogits, "torch.nn.CrossEntropyLoss",
            a => new CrossEntropy(a.Numbers("weight"), a.WholeNumber("ignore_index"), a.Number("label_smoothing")) { Classes = ClassCount(a) }),
        new("nll", "Negative log-likelihood", [Weight, IgnoreIndex, Classes],
            "−w_y·x_y (x are log-probabilities)", "−w_y/W at the target class, 0 elsewhere (weighted mean)", Multiclass,
            "Cross-entropy for models whose last layer is already a log-softmax.",
            InputKind.ClassLogProbabilities, "torch.nn.NLLLoss",
            a => new Nll(a.Numbers("weight"), a.WholeNumber("ignore_index")) { Classes = ClassCount(a) }),
        new("kl_div", "Kullback–Leibler divergence", [new("log_target", "false", "targets are log-probabilities"), Classes],
            "t·(log t − x), x = log Q, t = P", "−t (or −e^t with log_target)", Multiclass,
            "Match a predicted distribution to a target distribution (distillation, soft labels). Inputs are log-probabilities; use reduction batchmean for the true KL divergence per sample.",
            InputKind.Distributions, "torch.nn.KLDivLoss",
            a => new KlDiv(a.Flag("log_target")) { Classes = ClassCount(a) }),
        new("hinge", "Hinge", [],
            "max(0, 1 − y·ŷ), y ∈ {−1, +1}", "−y where 1 − y·ŷ > 0, else 0", Binary,
            "The support-vector-machine loss: only points inside the margin or misclassified contribute. Gives a classifier, not probabilities.",
            InputKind.SignedLabels, "scikit-learn / Keras Hinge", _ => new Hinge()),
        new("squared_hinge", "Squared hinge", [],
            "max(0, 1 − y·ŷ)², y ∈ {−1, +1}", "−2y·max(0, 1 − y·ŷ)", Binary,
            "A smooth hinge: differentiable at the margin and more sensitive to badly misclassified points.",
            InputKind.SignedLabels, "Keras SquaredHinge", _ => new SquaredHinge()),
        new("soft_margin", "Soft margin (logistic)", [],
            "log(1 + e^(−y·ŷ)), y ∈ {−1, +1}", "−y·σ(−y·ŷ)", Binary,
            "Logistic regression written for ±1 labels; computed as softplus so large margins neither overflow nor underflow.",
            InputKind.SignedLabels, "torch.nn.SoftMarginLoss", _ => new SoftMargin()),
        new("multi_margin", "Multi-class margin",
            [new("p", "1", "power 1 or 2"), new("margin", "1", "margin"), Weight, Classes],
            "Σ_{i≠y} w_y·max(0, margin − x_y + x_i)^p / C", "±w_y·(p = 1 ? 1 : 2z)/C on the violating classes", Multiclass,
            "The multi-class SVM loss: the right class must beat every other by the margin.",
            InputKind.ClassLogits, "torch.nn.MultiMarginLoss",
            a => new MultiMargin(a.WholeNumber("p"), a.Number("margin"), a.Numbers("weight")) { Classes = ClassCount(a) }),
        new("focal", "Sigmoid focal loss", [new("alpha", "0.25", "weight of positives in [0, 1]; -1 disables"), new("gamma", "2", "focusing exponent γ >= 0")],
            "α_t·(1 − p_t)^γ·BCE(x, y), p = σ(x), p_t = p·y + (1 − p)(1 − y)", "α_t[(p − y)(1 − p_t)^γ − γ·BCE·(1 − p_t)^(γ−1)(2y − 1)p(1 − p)]", BinarySegmentation,
            "For heavy class imbalance (dense detection, segmentation with little foreground): easy, well-classified examples are down-weighted by (1 − p_t)^γ so the rare hard ones drive learning.",
            InputKind.Logits, "torchvision.ops.sigmoid_focal_loss", a => new Focal(a.Number("alpha"), a.Number("gamma"))),
        new("softmax_focal", "Softmax focal loss", [new("alpha", "1", "scale α >= 0"), new("gamma", "2", "focusing exponent γ >= 0"), Classes],
            "−α(1 − p_y)^γ·log p_y, p = softmax(x)", "α[γ(1 − p_y)^(γ−1)p_y·log p_y − (1 − p_y)^γ](δ_ky − p_k)", MulticlassSegmentation,
            "Multi-class focal loss: cross-entropy that down-weights easy examples; γ = 0 is cross-entropy times α.",
            InputKind.ClassLogits, "Lin et al. 2017 (softmax form)",
            a => new SoftmaxFocal(a.Number("alpha"), a.Number("gamma")) { Classes = ClassCount(a) }),

        new("iou", "IoU loss", [BoxEps],
            "1 − |A∩B| / (|A∪B| + eps)", "through the intersection and union areas; 0 for disjoint boxes", Detection,
            "Scale-invariant box regression that optimises the evaluation metric directly; gives no gradient when the boxes do not overlap — prefer giou/diou/ciou.",
            InputKind.Boxes, "torchvision.ops box IoU", a => new Iou(a.Number("eps"))),
        new("giou", "Generalized IoU loss", [BoxEps],
            "1 − IoU + (|C| − |A∪B|)/(|C| + eps), C the enclosing box", "derived through IoU and the enclosing box", Detection,
            "IoU plus a penalty for the empty part of the enclosing box, so disjoint boxes still get a gradient.",
            InputKind.Boxes, "torchvision.ops.generalized_box_iou_loss", a => new Giou(a.Number("eps"))),
        new("diou", "Distance IoU loss", [BoxEps],
            "1 − IoU + ρ²/(c² + eps), ρ centre distance, c enclosing diagonal", "derived through IoU and the centre distance", Detection,
            "Adds a centre-distance penalty: converges faster than GIoU when one box contains the other.",
            InputKind.Boxes, "torchvision.ops.distance_box_iou_loss", a => new Diou(a.Number("eps"))),
        new("ciou", "Complete IoU loss", [BoxEps],
            "DIoU + α·v, v = (4/π²)(atan(w_g/h_g) − atan(w/h))², α = v/(1 − IoU + v + eps) constant", "DIoU's plus α·∂v", Detection,
            "DIoU plus aspect-ratio consistency: the most complete of the IoU losses for box regression.",
            InputKind.Boxes, "torchvision.ops.complete_box_iou_loss", a => new Ciou(a.Number("eps"))),

        new("dice", "Soft Dice loss", [Smooth, SegEps, FromLogits],
            "1 − (2Σyŷ + smooth)/(Σy + Σŷ + smooth + eps)", "(2I + smooth − 2y·D)/D² per pixel, D the denominator", Segmentation,
            "Segmentation with a small foreground: measures overlap, so the many background pixels cannot dominate as they do in per-pixel BCE. Often combined with BCE or focal.",
            InputKind.Mask, "Keras Dice", a => new Dice(a.Number("smooth"), a.Number("eps"), a.Flag("from_logits"))),
        new("tversky", "Tversky loss",
            [new("alpha", "0.5", "weight of false positives (>= 0)"), new("beta", "0.5", "weight of false negatives (>= 0)"), Smooth, SegEps, FromLogits],
            "1 − (TP + smooth)/(TP + α·FP + β·FN + smooth + eps)", "derived through TP, FP, FN", Segmentation,
            "Dice with separate prices for false positives (α) and false negatives (β): raise β to favour recall on small structures. α = β = 0.5 is Dice, α = β = 1 is Jaccard.",
            InputKind.Mask, "Salehi et al. 2017", a => new Tversky(a.Number("alpha"), a.Number("beta"), a.Number("smooth"), a.Number("eps"), a.Flag("from_logits"))),
        new("jaccard", "Soft Jaccard (IoU) loss", [Smooth, SegEps, FromLogits],
            "1 − (I + smooth)/(Σy + Σŷ − I + smooth + eps), I = Σyŷ", "derived through I and the union", Segmentation,
            "Optimises the IoU of masks directly; like Dice but penalises errors a little more.",
            InputKind.Mask, "segmentation_models_pytorch JaccardLoss", a => new Jaccard(a.Number("smooth"), a.Number("eps"), a.Flag("from_logits"))),
    ];

    /// <summary>The entry of a name, or null.</summary>
    public static LossInfo? Find(string name) => All.FirstOrDefault(e => e.Name == name);

    /// <summary>Builds a loss from a spec such as <c>huber:delta=1.5</c>.</summary>
    /// <param name="spec">The spec string.</param>
    /// <param name="classes">The number of classes for class losses (0: infer from index targets); a <c>classes</c> key in the spec wins.</param>
    /// <exception cref="SpecException">Unknown name or key, a value that does not parse, or an out-of-range value; the message lists what is accepted.</exception>
    public static ILoss Create(string spec, int classes = 0) => Create(Spec.Parse(spec), classes);

    /// <inheritdoc cref="Create(string, int)"/>
    public static ILoss Create(Spec spec, int classes = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        LossInfo info = Find(spec.Name)
            ?? throw new SpecException($"unknown loss '{spec.Name}'; accepted: {string.Join(", ", All.Select(e => e.Name))}");
        SpecArguments arguments = SpecBinding.Bind(info.Name, info.Parameters, spec, classes);
        return SpecBinding.Build(info.Name, () => info.Factory(arguments));
    }

    private static int ClassCount(SpecArguments a)
    {
        int fromSpec = a.WholeNumber("classes");
        return fromSpec != 0 ? fromSpec : a.Classes;
    }
}
