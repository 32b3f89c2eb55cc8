using LossLab.Lab.Data;
using LossLab.Specs;

namespace LossLab.Lab.Advice;

/// <summary>What to train with, why, and what to verify it against.</summary>
/// <param name="Loss">The recommended loss as a LossLab spec string (for example <c>huber:delta=0.137</c>).</param>
/// <param name="Optimizer">The recommended optimizer as a spec string with its learning rate (for example <c>adam:lr=0.01</c>).</param>
/// <param name="Reasons">Plain-language reasons, each tied to a rule of the guide and quoting the measured numbers.</param>
/// <param name="Alternatives">The obvious competing losses (spec strings) to compare against on a validation set (guide L13).</param>
/// <param name="OptimizerAlternatives">Competing optimizers for the recommended loss (spec strings).</param>
/// <param name="Metric">The <see cref="Training.Metrics"/> key to compare the candidates by: the KPI's, or a default for the data.</param>
/// <param name="LowerIsBetter">The direction of <paramref name="Metric"/>.</param>
public sealed record Recommendation(
    string Loss,
    string Optimizer,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Alternatives,
    IReadOnlyList<string> OptimizerAlternatives,
    string Metric,
    bool LowerIsBetter);

/// <summary>
/// Turns <see cref="DataDiagnostics"/> and an optional business <see cref="Kpi"/> into a loss and an optimizer, following
/// the guide (claims L3, L5, L9, L12, L13, O2–O6). The rules, in order:
/// <list type="number">
/// <item><b>The KPI first</b> (it must fit the task, else <see cref="SpecException"/>). <c>mae</c> → <c>l1</c> (L13:
/// "average error" → L1; its best constant is the median, L5). <c>rmse</c> → <c>mse</c> (MSE minimises it directly).
/// <c>max</c> → <c>mse</c> (L13: "avoid big accidents" → L2). <c>quantile:τ</c> → <c>quantile:tau=τ</c> (the pinball loss
/// is the KPI). <c>accuracy</c> → unweighted <c>bce_with_logits</c> / <c>cross_entropy</c> (accuracy is maximised by the
/// 0.5 threshold on the true class probability, which an unweighted log-likelihood estimates; class weights move that
/// threshold toward the minority and usually cost accuracy — the weighted losses are listed as alternatives).
/// <c>f1</c> (binary only) → the imbalance rules below.</item>
/// <item><b>Regression without a KPI.</b> A count target (non-negative whole numbers) → <c>poisson_nll</c> (the
/// maximum-likelihood loss for counts; the guide is silent on counts). Otherwise, if the outlier share is ≥ 10% →
/// <c>l1</c> (so many gross errors that the median line is the safest target, L3/L5); if the outlier share is ≥ 1% or
/// the residuals' excess kurtosis is &gt; 1 (heavy tails) → <c>huber:delta=δ</c> with δ = 1.345 × robust scale rounded
/// to 3 significant digits (L10/L13 "dirty data → L1/Huber"; δ from the guide's thin spot: 1.345 robust SDs keeps 95%
/// efficiency at Gaussian noise); else <c>mse</c> (L9/L13: clean Gaussian-like noise → L2). A robust scale of 0 (the
/// target is an exact linear function of the features) also gives <c>mse</c>.</item>
/// <item><b>Binary.</b> With p the minority share: p ≤ 10% → <c>focal:alpha=α,gamma=2</c> (L12: focal for class
/// imbalance) with α = the share of negatives, i.e. 1 − the positive share, so that α weights the positive class by the
/// other class's frequency and the two classes carry equal total weight before γ focuses on the hard examples. The
/// RetinaNet default α = 0.25 was tuned for dense detection, where γ = 2 already silences ~10⁵ easy background anchors;
/// a tabular set with a few percent positives has no such mass of trivial negatives, so the frequency balance is the
/// neutral starting point — <c>focal:alpha=0.25,gamma=2</c> is listed as an alternative to verify. 10% &lt; p ≤ 35% →
/// <c>bce_with_logits:pos_weight=R</c> with R = negatives/positives (3 significant digits), PyTorch's recipe; otherwise
/// plain <c>bce_with_logits</c> (L12: binary → binary cross-entropy). When a class has no rows, plain
/// <c>bce_with_logits</c>.</item>
/// <item><b>Multiclass.</b> Imbalance ratio (largest/smallest class) ≥ 3 → <c>cross_entropy:weight=w₀/w₁/…</c> with
/// inverse-frequency weights wₖ ∝ 1/nₖ normalised to mean 1 over the classes that have rows (3 significant digits; an
/// empty class gets 0); else <c>cross_entropy</c> (L12: softmax + cross-entropy).</item>
/// <item><b>Optimizer</b> (O2–O6), learning rates for standardised features (and target, as <c>compare</c> does):
/// <c>mse</c> → <c>sgd:lr=0.01,momentum=0.9</c> (L2 + SGD is the classic stable pair; momentum fixes the crawl where the
/// gradient 2x → 0, O3; Adam is the faster alternative). <c>huber</c> → <c>adam:lr=0.01</c> (O5: the common industrial
/// choice; RMSprop for the kink, O6, as alternative). <c>l1</c> and <c>quantile</c> → <c>adam:lr=0.01</c> (O2/O5: plain SGD
/// oscillates on the constant gradient; Adagrad as alternative). <c>poisson_nll</c> and every classification loss →
/// <c>adam:lr=0.01</c>.</item>
/// </list>
/// Heteroscedasticity (Breusch–Pagan p &lt; 0.01) and a strongly skewed non-negative target only add reasons. Without a
/// KPI the comparison metric is <c>rmse</c> for <c>mse</c>, <c>median_ae</c> for the robust losses (not driven by the
/// outliers that land in the validation folds), <c>mae</c> for <c>poisson_nll</c>, <c>balanced_accuracy</c> for
/// imbalanced classes (a minority share ≤ 35%, or an imbalance ratio ≥ 3) and <c>accuracy</c> otherwise.
/// </summary>
public static class Advisor
{
    /// <summary>Outlier share from which Huber is preferred to MSE.</summary>
    public const double HuberOutlierShare = 0.01;

    /// <summary>Outlier share from which L1 is preferred to Huber.</summary>
    public const double L1OutlierShare = 0.10;

    /// <summary>Excess kurtosis above which the residuals count as heavy-tailed.</summary>
    public const double HeavyTailKurtosis = 1;

    /// <summary>Binary minority share at or below which focal loss is recommended.</summary>
    public const double FocalMinorityShare = 0.10;

    /// <summary>Binary minority share at or below which pos_weight is recommended.</summary>
    public const double PosWeightMinorityShare = 0.35;

    /// <summary>Multiclass imbalance ratio from which class weights are recommended.</summary>
    public const double WeightedImbalanceRatio = 3;

    private const string Sgd = "sgd:lr=0.01,momentum=0.9";
    private const string Adam = "adam:lr=0.01";

    /// <summary>Recommends a loss and an optimizer; see the class remarks for the rules.</summary>
    /// <param name="d">The diagnostics of the data set (<see cref="Diagnostics.Analyze"/>).</param>
    /// <param name="kpi">The business KPI, or null.</param>
    /// <returns>The recommendation; the same inputs always give the same answer.</returns>
    /// <exception cref="SpecException">The KPI does not fit the task.</exception>
    /// <exception cref="ArgumentException">The diagnostics lack the fields their task needs.</exception>
    public static Recommendation Recommend(DataDiagnostics d, Kpi? kpi)
    {
        ArgumentNullException.ThrowIfNull(d);
        kpi?.EnsureApplies(d.Task);
        return d.Task switch
        {
            TaskKind.Regression => Regression(d, kpi),
            TaskKind.Binary => Binary(d, kpi),
            _ => Multiclass(d, kpi),
        };
    }

    private static Recommendation Regression(DataDiagnostics d, Kpi? kpi)
    {
        double scale = d.RobustScale ?? throw Missing(nameof(d.RobustScale));
        double outliers = d.OutlierShare ?? throw Missing(nameof(d.OutlierShare));
        double kurtosis = d.ExcessKurtosis ?? 0;
        bool counts = d.CountTarget ?? false;
        var reasons = new List<string>();

        double spread = d.TargetStandardDeviation ?? 0;
        bool noiseFree = !(scale > 0) || (spread > 0 && scale <= 1e-6 * spread);
        string? huber = noiseFree ? null : "huber:delta=" + AdviceMath.Spec(Diagnostics.HuberTuning * scale);
        bool dirty = !noiseFree && (outliers >= HuberOutlierShare || kurtosis > HeavyTailKurtosis);
        string outlierText = $"{AdviceMath.Percent(outliers)} of residuals are more than {AdviceMath.Number(Diagnostics.OutlierThreshold)} robust SDs from a first Huber fit (robust scale {AdviceMath.Number(scale)}, excess kurtosis {AdviceMath.Number(kurtosis)})";

        string loss;
        string metric;
        if (kpi is not null)
        {
            metric = kpi.Metric;
            switch (kpi.Kind)
            {
                case KpiKind.Mae:
                    loss = "l1";
                    reasons.Add("KPI mae: the business reads the average error, so train on L1, whose best constant is the median (guide L13: \"average error\" → L1; L5)");
                    break;
                case KpiKind.Rmse:
                    loss = "mse";
                    reasons.Add("KPI rmse: MSE is the loss that minimises the root mean squared error directly (guide L2, L9)");
                    break;
                case KpiKind.Max:
                    loss = "mse";
                    reasons.Add("KPI max: big errors must be avoided, so square them (guide L13: \"avoid big accidents\" → L2); LossLab has no L∞ loss, and MSE is the guide's answer");
                    break;
                default:
                    loss = "quantile:tau=" + AdviceMath.Exact(kpi.Tau!.Value);
                    reasons.Add($"KPI quantile:{AdviceMath.Exact(kpi.Tau!.Value)}: the pinball loss at τ = {AdviceMath.Exact(kpi.Tau!.Value)} is the KPI itself; it predicts the τ-quantile rather than the mean (metric {metric}, computed by Kpi.Pinball)");
                    break;
            }

            if (dirty && loss == "mse")
            {
                reasons.Add($"{outlierText}: a squared loss is pulled toward them (guide L3); if they are recording errors rather than real accidents, check {huber} on the same KPI");
            }
            else if (dirty)
            {
                reasons.Add($"{outlierText} (guide L13: dirty data → L1/Huber): the KPI's loss is robust already");
            }
        }
        else if (counts)
        {
            loss = "poisson_nll";
            metric = "mae";
            reasons.Add("the target holds only non-negative whole numbers, so it is treated as counts: Poisson NLL (log-rate output) is the maximum-likelihood loss for counts (the guide is silent on counts; LossLab's poisson_nll)");
            reasons.Add($"if the integers are a measurement scale rather than event counts, use the regression rules instead: {outlierText}");
        }
        else if (noiseFree)
        {
            loss = "mse";
            metric = "rmse";
            reasons.Add($"the residuals of a first robust fit vanish (robust scale {AdviceMath.Number(scale)}): the target is a linear function of the features up to rounding, any loss fits it, and MSE has the closed form (guide L7)");
        }
        else if (outliers >= L1OutlierShare)
        {
            loss = "l1";
            metric = "median_ae";
            reasons.Add($"{outlierText} (guide L13: dirty data → L1/Huber); with {AdviceMath.Percent(outliers)} ≥ {AdviceMath.Percent(L1OutlierShare)} gross errors L1 targets the median line and ignores how far they lie (guide L3, L5)");
        }
        else if (dirty)
        {
            loss = huber!;
            metric = "median_ae";
            string why = outliers >= HuberOutlierShare
                ? $"{AdviceMath.Percent(outliers)} ≥ {AdviceMath.Percent(HuberOutlierShare)} outliers"
                : $"heavy tails (excess kurtosis {AdviceMath.Number(kurtosis)} > {AdviceMath.Number(HeavyTailKurtosis)})";
            reasons.Add($"{outlierText} (guide L13: dirty data → L1/Huber): {why}");
            reasons.Add($"Huber is L2 near zero and L1 far away (guide L10); δ = 1.345 × robust scale = {AdviceMath.Spec(Diagnostics.HuberTuning * scale)} keeps 95% of MSE's efficiency on Gaussian noise while capping the pull of the outliers (the guide leaves δ open)");
        }
        else
        {
            loss = "mse";
            metric = "rmse";
            reasons.Add($"{outlierText}: the noise looks clean and Gaussian-like, where L2 is the maximum-likelihood choice (guide L9, L13: start with MSE; clean noise → L2)");
        }

        if (loss.StartsWith("huber", StringComparison.Ordinal) && spread > 0)
        {
            reasons.Add($"δ is in target units; if the target is standardised (compare does this) use huber:delta={AdviceMath.Spec(Diagnostics.HuberTuning * scale / spread)} (δ divided by the target SD {AdviceMath.Number(spread)})");
        }

        AddRegressionNotes(d, reasons, counts && kpi is null, noiseFree);
        var alternatives = new List<string>();
        if (loss == "poisson_nll")
        {
            Add(alternatives, loss, outliers >= L1OutlierShare ? "l1" : dirty ? huber : "mse");
        }

        Add(alternatives, loss, "mse", "l1", huber);
        if (kpi?.Kind == KpiKind.Quantile)
        {
            Add(alternatives, loss, "quantile:tau=0.5");
        }

        (string optimizer, string[] optimizerAlternatives) = RegressionOptimizer(loss, reasons);
        reasons.Add("compare the candidates on a validation set before committing (guide L13, O10)");
        return new Recommendation(loss, optimizer, reasons, alternatives, optimizerAlternatives, metric, true);
    }

    private static void AddRegressionNotes(DataDiagnostics d, List<string> reasons, bool countsChosen, bool noiseFree)
    {
        if (noiseFree)
        {
            return; // rounding residuals carry no information about the noise
        }

        if (d.Heteroscedasticity is { PValue: < 0.01 } bp)
        {
            string measured = $"Breusch–Pagan LM = {AdviceMath.Number(bp.Statistic)}, p = {AdviceMath.Number(bp.PValue)}";
            reasons.Add(countsChosen
                ? $"the noise scale grows with the fitted value ({measured}), as it should for counts: the Poisson variance equals the mean, which poisson_nll models and mse ignores"
                : $"the noise scale changes with the fitted value ({measured}): the robust scale and δ are averages; consider gaussian_nll (which learns the variance) or a log-transformed target (the guide is silent here)");
        }

        if (!countsChosen && d.NonNegativeTarget == true && d.TargetSkewness is > 1 and var skew)
        {
            reasons.Add($"the target is non-negative and right-skewed (skewness {AdviceMath.Number(skew)}): if relative errors matter, msle or a log-transformed target deserves a try");
        }
    }

    private static (string Optimizer, string[] Alternatives) RegressionOptimizer(string loss, List<string> reasons)
    {
        if (loss == "mse")
        {
            reasons.Add("optimizer: L2 + SGD is the classic, stable pair; momentum fixes the crawl near the optimum where the gradient 2x → 0, and Adam is the faster alternative (guide O3, combination table); clip or lower the rate if outliers make gradients explode (O4)");
            return (Sgd, [Adam]);
        }

        if (loss.StartsWith("huber", StringComparison.Ordinal))
        {
            reasons.Add("optimizer: Huber + Adam is the common industrial choice (guide O5); RMSprop copes with the abrupt change of gradient at Huber's kink (O6)");
            return (Adam, ["rmsprop:lr=0.01", Sgd]);
        }

        if (loss == "poisson_nll")
        {
            reasons.Add("optimizer: Poisson NLL's gradient e^x − y grows with the predicted rate, like L2's with the error (guide O4), so Adam's per-parameter step is the safe start (O5)");
            return (Adam, ["rmsprop:lr=0.01"]);
        }

        reasons.Add("optimizer: L1's gradient has constant size (guide L4), so plain SGD with a fixed rate oscillates around the optimum (O2); L1 + Adam is robust and Adagrad is also recommended (O5). With a constant rate Adam still jitters at about η: decay the rate for the last digits");
        return (Adam, ["adagrad:lr=0.1", "sgd:lr=0.001"]);
    }

    private static Recommendation Binary(DataDiagnostics d, Kpi? kpi)
    {
        IReadOnlyList<int> counts = d.ClassCounts ?? throw Missing(nameof(d.ClassCounts));
        if (counts.Count != 2)
        {
            throw new ArgumentException($"binary diagnostics need 2 class counts, got {counts.Count}", nameof(d));
        }

        int negatives = counts[0], positives = counts[1], n = negatives + positives;
        var reasons = new List<string> { "binary classification → binary cross-entropy on logits; never L1/L2 for classification (guide L12)" };
        if (negatives == 0 || positives == 0)
        {
            reasons.Add($"only one class has rows ({negatives} negatives, {positives} positives): nothing to balance, and no classifier can be learned from this data");
            return new Recommendation("bce_with_logits", Adam, reasons, [], ["sgd:lr=0.1,momentum=0.9"], kpi?.Metric ?? "accuracy", false);
        }

        double positiveShare = (double)positives / n;
        double minority = Math.Min(positiveShare, 1 - positiveShare);
        string minorityName = positives <= negatives ? "positives" : "negatives";
        string plain = "bce_with_logits";
        string weighted = "bce_with_logits:pos_weight=" + AdviceMath.Spec((double)negatives / positives);
        string focal = $"focal:alpha={AdviceMath.Spec(1 - positiveShare)},gamma=2";
        string balanceText = $"class imbalance: {AdviceMath.Percent(minority)} {minorityName} ({positives} positives, {negatives} negatives)";

        string loss;
        if (kpi?.Kind == KpiKind.Accuracy)
        {
            loss = plain;
            reasons.Add(minority <= PosWeightMinorityShare
                ? $"KPI accuracy with {balanceText}: accuracy is won at the 0.5 threshold on the true probability, which the unweighted loss estimates; pos_weight or focal move the threshold toward the minority and usually cost accuracy (verify them as alternatives)"
                : "KPI accuracy: the unweighted loss estimates the class probabilities that the 0.5 threshold needs");
        }
        else if (minority <= FocalMinorityShare)
        {
            loss = focal;
            reasons.Add($"{balanceText}, at most {AdviceMath.Percent(FocalMinorityShare)}: focal loss down-weights the many easy examples so the rare hard ones drive learning (guide L12: focal for class imbalance)");
            reasons.Add($"α = {AdviceMath.Spec(1 - positiveShare)} is the negatives' share, so both classes carry equal total weight; the RetinaNet default α = 0.25 was tuned for dense detection with ~10⁵ trivial background anchors, and is listed as an alternative to verify");
        }
        else if (minority <= PosWeightMinorityShare)
        {
            loss = weighted;
            reasons.Add($"{balanceText}, between {AdviceMath.Percent(FocalMinorityShare)} and {AdviceMath.Percent(PosWeightMinorityShare)}: weight the positive term by negatives/positives = {AdviceMath.Spec((double)negatives / positives)} so both classes count equally");
        }
        else
        {
            loss = plain;
            reasons.Add($"the classes are balanced enough ({AdviceMath.Percent(minority)} {minorityName}): no reweighting");
        }

        if (kpi?.Kind == KpiKind.F1)
        {
            reasons.Add(minority <= PosWeightMinorityShare
                ? "KPI f1: F1 rewards recall on the positive class, which the imbalance rule above protects"
                : "KPI f1: with balanced classes the unweighted loss serves F1 well");
        }

        var alternatives = new List<string>();
        Add(alternatives, loss, plain, weighted, focal, "focal:alpha=0.25,gamma=2");
        reasons.Add("optimizer: Adam adapts the step per parameter (guide O5); compare the candidates on a validation set (guide L13)");
        string metric = kpi?.Metric ?? (minority <= PosWeightMinorityShare ? "balanced_accuracy" : "accuracy");
        if (kpi is null && minority <= PosWeightMinorityShare)
        {
            reasons.Add($"compare by balanced_accuracy: a constant classifier already scores {AdviceMath.Percent(1 - minority)} accuracy");
        }

        return new Recommendation(loss, Adam, reasons, alternatives, ["sgd:lr=0.1,momentum=0.9"], metric, false);
    }

    private static Recommendation Multiclass(DataDiagnostics d, Kpi? kpi)
    {
        IReadOnlyList<int> counts = d.ClassCounts ?? throw Missing(nameof(d.ClassCounts));
        int present = counts.Count(c => c > 0);
        if (present == 0)
        {
            throw new ArgumentException("multiclass diagnostics without any row", nameof(d));
        }

        int n = counts.Sum();
        int smallest = counts.Where(c => c > 0).Min(), largest = counts.Max();
        double ratio = (double)largest / smallest;
        double meanInverse = counts.Where(c => c > 0).Average(c => 1.0 / c);
        string weights = string.Join("/", counts.Select(c => c > 0 ? AdviceMath.Spec(1.0 / c / meanInverse) : "0"));
        string plain = "cross_entropy", weighted = "cross_entropy:weight=" + weights;
        var reasons = new List<string> { $"{counts.Count}-class classification → softmax + cross-entropy; never L1/L2 for classification (guide L12)" };
        bool imbalanced = ratio >= WeightedImbalanceRatio;
        string balanceText = $"imbalance ratio {AdviceMath.Number(ratio)} (largest class {largest} rows, smallest {smallest}; smallest share {AdviceMath.Percent((double)smallest / n)})";

        string loss;
        if (kpi?.Kind == KpiKind.Accuracy)
        {
            loss = plain;
            reasons.Add(imbalanced
                ? $"KPI accuracy with class imbalance ({balanceText}): the unweighted loss estimates the probabilities the arg-max needs; class weights trade accuracy for minority recall (verify the weighted version as an alternative)"
                : "KPI accuracy: the unweighted loss estimates the probabilities the arg-max needs");
        }
        else if (imbalanced)
        {
            loss = weighted;
            reasons.Add($"class imbalance: {balanceText} ≥ {AdviceMath.Number(WeightedImbalanceRatio)}: inverse-frequency class weights (mean 1) so rare classes are not drowned out");
        }
        else
        {
            loss = plain;
            reasons.Add($"the classes are balanced enough ({balanceText} < {AdviceMath.Number(WeightedImbalanceRatio)}): no reweighting");
        }

        if (counts.Any(c => c == 0))
        {
            reasons.Add($"{counts.Count(c => c == 0)} class(es) have no rows: they cannot be learned (weight 0)");
        }

        var alternatives = new List<string>();
        Add(alternatives, loss, plain, weighted);
        if (imbalanced)
        {
            Add(alternatives, loss, "softmax_focal:gamma=2");
        }

        reasons.Add("optimizer: Adam adapts the step per parameter (guide O5); compare the candidates on a validation set (guide L13)");
        string metric = kpi?.Metric ?? (imbalanced ? "balanced_accuracy" : "accuracy");
        return new Recommendation(loss, Adam, reasons, alternatives, ["sgd:lr=0.1,momentum=0.9"], metric, false);
    }

    /// <summary>Appends the candidates that are neither the chosen loss nor already listed (null is skipped).</summary>
    private static void Add(List<string> alternatives, string chosen, params string?[] candidates)
    {
        foreach (string? c in candidates)
        {
            if (c is not null && c != chosen && !alternatives.Contains(c))
            {
                alternatives.Add(c);
            }
        }
    }

    private static ArgumentException Missing(string field)
        => new($"the diagnostics lack {field}; build them with Diagnostics.Analyze", "d");
}
