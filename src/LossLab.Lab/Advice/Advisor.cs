using LossLab.Lab.Advice.Checks;
using LossLab.Lab.Data;
using LossLab.Specs;

namespace LossLab.Lab.Advice;

/// <summary>What to train with, why, and what to verify it against.</summary>
/// <param name="Loss">The recommended loss as a LossLab spec string (for example <c>huber:delta=0.137</c>).</param>
/// <param name="Optimizer">The recommended optimizer as a spec string; its learning rate is the one the verification tunes and shows.</param>
/// <param name="Reasons">Plain-language reasons, each tied to a finding or a rule of the guide and quoting the measured numbers.</param>
/// <param name="Alternatives">The competing losses (spec strings) the verification scores against the recommendation on the same splits.</param>
/// <param name="OptimizerAlternatives">Competing optimizers for the recommended loss (spec strings).</param>
/// <param name="Metric">The metric that decides: the KPI's, or the one that fits the target (see <see cref="Advisor"/>).</param>
/// <param name="LowerIsBetter">The direction of <paramref name="Metric"/>.</param>
public sealed record Recommendation(
    string Loss,
    string Optimizer,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Alternatives,
    IReadOnlyList<string> OptimizerAlternatives,
    string Metric,
    bool LowerIsBetter)
{
    /// <summary>Why this metric decides (one sentence).</summary>
    public string MetricReason { get; init; } = string.Empty;

    /// <summary>Warnings the user should act on (bad leverage rows, time order, too few rows per coefficient, dropped columns).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Whether a binary decision threshold is tuned inside each training part (threshold-dependent KPIs).</summary>
    public bool TuneThreshold { get; init; }
}

/// <summary>
/// Turns the findings of <see cref="Diagnostics"/> and an optional business <see cref="Kpi"/> into a loss, an optimizer,
/// the alternatives to verify against, and the metric that decides. The rules, in order:
/// <list type="number">
/// <item><b>The metric.</b> A KPI decides when given. Otherwise it follows the target: a clean continuous target or an
/// ordinal scale → <c>rmse</c>; a contaminated one (≥ 1% gross errors or heavy tails) → <c>mae</c>, so a few gross
/// errors in a test fold do not decide alone; counts → <c>poisson_deviance</c> (the proper score of a predicted rate);
/// zero-heavy → <c>tweedie_deviance</c> (power 1.5); positive skewed → <c>rmse</c> on the original scale, with the mean
/// bias reported (MAE would reward predicting the median, e.g. 0 for everyone); bad leverage points → <c>mae</c>;
/// classification → <c>log_loss</c>, a proper scoring rule, with
/// ROC-AUC and PR-AUC beside it.</item>
/// <item><b>The loss (regression).</b> Counts → <c>poisson_nll</c> (log link; Tweedie 1.5 and MSE verified against it);
/// zero-heavy → <c>tweedie:power=1.5</c> (a point mass at 0 and a continuous positive part); positive skewed →
/// <c>gamma</c> (log link, constant coefficient of variation; Poisson, Tweedie and MSE verified against it); ordinal →
/// <c>mse</c> (or Huber when contaminated); continuous → <c>l1</c> at ≥ 10% gross errors, <c>huber:delta=δ</c> at ≥ 1% or
/// heavy tails (δ = 1.345 robust SDs, 95% Gaussian efficiency), else <c>mse</c>. A KPI overrides: <c>mae</c> → l1,
/// <c>rmse</c>/<c>max</c> → mse, <c>quantile:τ</c> → the pinball loss. Bad leverage points, unequal variance and time
/// order do not change the loss (Huber and L1 do not help against bad leverage points); they add warnings and reasons.</item>
/// <item><b>The loss (classification).</b> Plain <c>bce_with_logits</c> / <c>cross_entropy</c>: the unweighted
/// log-likelihood estimates the probabilities. With imbalance (minority ≤ 35%, or a class ratio ≥ 3) and a
/// threshold-dependent KPI (<c>f1</c>, <c>balanced_accuracy</c>, <c>accuracy</c>) the threshold is tuned, and
/// pos_weight/focal (class weights) are verified as alternatives — recommended only when they beat the baseline on the
/// KPI. Under a proper scoring rule they are not candidates: reweighting miscalibrates the probabilities.</item>
/// <item><b>Candidates.</b> With fewer than 10 rows per coefficient only the recommendation and one alternative are
/// verified (fewer comparisons for little data).</item>
/// <item><b>The optimizer</b> (guide O2–O6): <c>mse</c> → <c>sgd:momentum=0.9</c>; everything else → <c>adam</c>; the
/// learning rate is tuned by the verification.</item>
/// </list>
/// </summary>
public static class Advisor
{
    /// <summary>Outlier share from which Huber is preferred to MSE.</summary>
    public const double HuberOutlierShare = 0.01;

    /// <summary>Outlier share from which L1 is preferred to Huber.</summary>
    public const double L1OutlierShare = 0.10;

    /// <summary>Excess kurtosis above which the residuals count as heavy-tailed.</summary>
    public const double HeavyTailKurtosis = 1;

    /// <summary>Binary minority share at or below which the classes count as imbalanced.</summary>
    public const double ImbalancedMinorityShare = 0.35;

    /// <summary>Multiclass imbalance ratio from which class weights are verified.</summary>
    public const double WeightedImbalanceRatio = 3;

    /// <summary>Dispersion (variance/mean) above which counts are over-dispersed.</summary>
    public const double OverDispersion = 1.5;

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
        Recommendation r = d.Task switch
        {
            TaskKind.Regression => Regression(d, kpi),
            TaskKind.Binary => Binary(d, kpi),
            _ => Multiclass(d, kpi),
        };
        bool small = d.RowsPerCoefficient > 0 && d.RowsPerCoefficient < Diagnostics.MinimumRowsPerCoefficient;
        var reasons = r.Reasons.ToList();
        IReadOnlyList<string> alternatives = r.Alternatives;
        if (small && alternatives.Count > 1)
        {
            alternatives = [alternatives[0]];
            reasons.Add($"only {AdviceMath.Number(d.RowsPerCoefficient)} rows per coefficient: the verification compares the recommendation with one alternative ({alternatives[0]}) instead of {r.Alternatives.Count}");
        }

        return r with
        {
            Reasons = reasons,
            Alternatives = alternatives,
            Warnings = [.. d.Findings.Where(f => f.Warning).Select(f => f.Text)],
        };
    }

    private static Recommendation Regression(DataDiagnostics d, Kpi? kpi)
    {
        double scale = d.RobustScale ?? throw Missing(nameof(d.RobustScale));
        double outliers = d.OutlierShare ?? throw Missing(nameof(d.OutlierShare));
        double kurtosis = d.ExcessKurtosis ?? 0;
        TargetKind kind = d.TargetKind ?? (d.CountTarget == true ? TargetKind.Counts : TargetKind.Continuous);
        var reasons = new List<string>();
        string Find(string code) => d.Findings.FirstOrDefault(f => f.Code == code)?.Text ?? string.Empty;

        double spread = d.TargetStandardDeviation ?? 0;
        bool noiseFree = !(scale > 0) || (spread > 0 && scale <= 1e-6 * spread);
        string? huber = noiseFree ? null : "huber:delta=" + AdviceMath.Spec(Diagnostics.HuberTuning * scale);
        bool assessed = kind is TargetKind.Continuous or TargetKind.Ordinal;
        bool dirty = !noiseFree && assessed && (outliers >= HuberOutlierShare || kurtosis > HeavyTailKurtosis);
        string outlierText = Find("outliers") is { Length: > 0 } o ? o : Find("clean");
        const string tweedie = "tweedie:power=1.5";

        string loss;
        string metric;
        string metricReason;
        var alternatives = new List<string>();
        reasons.Add(Find(TargetShape.Code(kind)) is { Length: > 0 } shapeText ? shapeText : $"target kind: {TargetShape.Code(kind)}");
        switch (kind)
        {
            case TargetKind.Counts:
                loss = "poisson_nll";
                metric = "poisson_deviance";
                metricReason = "counts: the mean Poisson deviance is the proper score of a predicted rate (MAE would favour the median, which is 0 for sparse counts)";
                reasons.Add("counts → Poisson NLL with a log link: the maximum-likelihood loss for counts, its prediction e^f is always positive, and its mean is right even when the variance is not Poisson's (quasi-likelihood); the guide is silent on counts");
                if (d.Dispersion is double dispersion && dispersion > OverDispersion)
                {
                    reasons.Add($"over-dispersed (variance/mean {AdviceMath.Number(dispersion)} > {AdviceMath.Number(OverDispersion)}): Poisson's mean stays consistent but its variance is too small; Tweedie with power 1.5 (variance ∝ μ^1.5) is verified against it");
                }

                Add(alternatives, loss, tweedie, "mse", huber);
                break;
            case TargetKind.ZeroHeavy:
                loss = tweedie;
                metric = "tweedie_deviance";
                metricReason = $"zero-heavy target ({AdviceMath.Percent(d.ZeroShare ?? 0)} zeros): the mean Tweedie deviance (power 1.5) scores the predicted mean with the zeros and the long tail weighed as a compound Poisson–gamma; MAE would reward predicting 0 for everyone; RMSE and the mean bias are reported beside it";
                reasons.Add("zero-heavy and continuous where positive → Tweedie deviance with 1 < power < 2 (a compound Poisson–gamma: a point mass at 0 plus a positive continuous part, as insurance claims), log link; Poisson and MSE are verified against it");
                Add(alternatives, loss, "poisson_nll", "mse", huber);
                break;
            case TargetKind.PositiveSkewed:
                loss = "gamma";
                metric = "rmse";
                metricReason = "positive right-skewed target: RMSE on the original scale (the mean in the original units), with the mean bias reported — a loss fitted on the log scale under-predicts the mean";
                reasons.Add($"strictly positive and right-skewed (skewness {AdviceMath.Number(d.TargetSkewness ?? 0)}) → gamma deviance with a log link (errors proportional to the level, constant coefficient of variation); Poisson (quasi-likelihood), Tweedie 1.5 and MSE are verified against it");
                Add(alternatives, loss, "poisson_nll", "mse", tweedie, huber);
                break;
            case TargetKind.Ordinal:
                loss = dirty ? huber! : "mse";
                metric = "rmse";
                metricReason = "an ordinal scale read as a number: RMSE (its extreme answers are answers, not gross errors)";
                reasons.Add($"an ordinal scale of {d.DistinctTargets} levels is treated as a number (regression with {(dirty ? "Huber" : "MSE")}), not as counts: its values are positions on a scale, not events (an ordinal model would be the exact choice; LossLab has none)");
                Add(alternatives, loss, "mse", huber, "l1");
                break;
            default:
                if (noiseFree)
                {
                    loss = "mse";
                    metric = "rmse";
                    metricReason = "a noise-free target: RMSE";
                    reasons.Add($"the residuals of the robust fit vanish (robust scale {AdviceMath.Number(scale)}): the target is a linear function of the features up to rounding, any loss fits it, and MSE has the closed form (guide L7)");
                }
                else if (outliers >= L1OutlierShare)
                {
                    loss = "l1";
                    metric = "mae";
                    metricReason = $"contaminated target ({AdviceMath.Percent(outliers)} gross errors): MAE, so the gross errors that land in a test fold do not decide alone";
                    reasons.Add($"{outlierText} (guide L13: dirty data → L1/Huber); with ≥ {AdviceMath.Percent(L1OutlierShare)} gross errors L1 targets the median line and ignores how far they lie (guide L3, L5)");
                }
                else if (dirty)
                {
                    loss = huber!;
                    metric = "mae";
                    metricReason = $"contaminated target ({AdviceMath.Percent(outliers)} gross errors, residual excess kurtosis {AdviceMath.Number(kurtosis)}): MAE, so the gross errors that land in a test fold do not decide alone";
                    reasons.Add($"{outlierText} (guide L13: dirty data → L1/Huber)");
                    reasons.Add($"Huber is L2 near zero and L1 far away (guide L10); δ = 1.345 × robust scale = {AdviceMath.Spec(Diagnostics.HuberTuning * scale)} keeps 95% of MSE's efficiency on Gaussian noise while capping the pull of the outliers");
                }
                else
                {
                    loss = "mse";
                    metric = "rmse";
                    metricReason = "a clean continuous target: RMSE, the error MSE minimises";
                    reasons.Add($"{outlierText}: the noise looks clean, where L2 is the maximum-likelihood choice (guide L9, L13: clean noise → L2)");
                }

                Add(alternatives, loss, "mse", huber, "l1");
                break;
        }

        bool badLeverage = !noiseFree && Find("bad_leverage") is { Length: > 0 };
        if (badLeverage && kpi is null && kind is TargetKind.Continuous or TargetKind.Ordinal)
        {
            alternatives.Insert(0, loss);
            alternatives.Remove(MmLoss);
            loss = MmLoss;
            metric = "mae";
            metricReason = "bad leverage points: MAE, so the few rows whose y disagrees with the bulk do not decide alone; the MM fit ignores those rows on purpose, so its error on them is large and it can score worse overall while fitting the other rows better (median_ae in the metrics shows the bulk)";
            reasons.Add($"{Find("bad_leverage")}: a loss of the residual cannot help (its influence is unbounded in x), so the recommendation is the high-breakdown MM-estimate (Tukey's bisquare, 50% breakdown, 95% efficiency; losslab fit --solver mm), verified against the gradient-trained losses; inspect those rows");
        }

        if (kpi is not null)
        {
            metric = kpi.Metric;
            metricReason = $"the KPI {kpi} decides";
            string fromKpi = kpi.Kind switch
            {
                KpiKind.Mae => "l1",
                KpiKind.Rmse or KpiKind.Max => "mse",
                _ => "quantile:tau=" + AdviceMath.Exact(kpi.Tau!.Value),
            };
            bool keepShape = kind is TargetKind.Counts or TargetKind.ZeroHeavy or TargetKind.PositiveSkewed && kpi.Kind is KpiKind.Rmse;
            if (!keepShape)
            {
                reasons.Add(kpi.Kind switch
                {
                    KpiKind.Mae => "KPI mae: the business reads the average error, so train on L1, whose best constant is the median (guide L13: \"average error\" → L1; L5)",
                    KpiKind.Rmse => "KPI rmse: MSE minimises the root mean squared error directly (guide L2, L9)",
                    KpiKind.Max => "KPI max: big errors must be avoided, so square them (guide L13: \"avoid big accidents\" → L2)",
                    _ => $"KPI quantile:{AdviceMath.Exact(kpi.Tau!.Value)}: the pinball loss at τ = {AdviceMath.Exact(kpi.Tau!.Value)} is the KPI itself; it predicts the τ-quantile rather than the mean",
                });
                if (fromKpi != loss)
                {
                    alternatives.Insert(0, loss);
                    loss = fromKpi;
                    alternatives.Remove(loss);
                }
            }
            else
            {
                reasons.Add($"KPI rmse: the log-link loss estimates the mean, which RMSE scores; MSE is verified against it");
            }

            if (kpi.Kind == KpiKind.Quantile)
            {
                Add(alternatives, loss, "quantile:tau=0.5");
            }
        }

        if (huber is not null && loss == huber && spread > 0)
        {
            reasons.Add($"δ is in target units (here from all rows); the verification re-estimates it on each training part, in target SDs (about {AdviceMath.Spec(Diagnostics.HuberTuning * scale / spread)} = δ / the target SD {AdviceMath.Number(spread)}), so it never sees the rows it is scored on");
        }

        if (badLeverage && loss != MmLoss)
        {
            reasons.Add("bad leverage points: no loss of the residual (MSE, Huber, L1) bounds their pull; fit with losslab fit --solver mm (high breakdown) and inspect those rows");
        }

        if (Find("heteroscedastic") is { Length: > 0 } hetero && !noiseFree)
        {
            reasons.Add(kind == TargetKind.Counts
                ? $"{hetero.Split(": this is unequal variance", 2)[0]} — as it should for counts: the Poisson variance equals the mean, which the log-link loss models and MSE ignores"
                : hetero);
        }

        (string optimizer, string[] optimizerAlternatives) = RegressionOptimizer(loss, reasons);
        return new Recommendation(loss, optimizer, reasons, alternatives, optimizerAlternatives, metric, Verification.Scoring.LowerIsBetter(metric)) { MetricReason = metricReason };
    }

    /// <summary>The loss of the MM-estimate: Tukey's bisquare at c = 4.685 (95% Gaussian efficiency).</summary>
    public const string MmLoss = "tukey:c=4.685061";

    /// <summary>
    /// The optimizer an alternative loss is verified with: SGD with momentum for <c>mse</c>, the exact MM solver for
    /// <see cref="MmLoss"/>, Adam otherwise (each with its learning rate tuned by the verification).
    /// </summary>
    public static string OptimizerFor(string loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss == "mse" ? Sgd : loss == MmLoss ? Verification.Verifier.MmSolver : Adam;
    }

    private static (string Optimizer, string[] Alternatives) RegressionOptimizer(string loss, List<string> reasons)
    {
        if (loss == MmLoss)
        {
            reasons.Add("no optimizer: the MM-estimate is computed exactly (FAST-S start, then IRLS with the bisquare), as R's lmrob does");
            return (Verification.Verifier.MmSolver, []);
        }

        if (loss == "mse")
        {
            reasons.Add("optimizer: L2 + SGD with momentum is the classic, stable pair; momentum fixes the crawl near the optimum where the gradient 2x → 0, and Adam is the faster alternative (guide O3); the learning rate is tuned inside each training part");
            return (Sgd, [Adam]);
        }

        if (loss.StartsWith("huber", StringComparison.Ordinal))
        {
            reasons.Add("optimizer: Huber + Adam is the common industrial choice (guide O5); RMSprop copes with the abrupt change of gradient at Huber's kink (O6)");
            return (Adam, ["rmsprop:lr=0.01", Sgd]);
        }

        if (loss is "poisson_nll" or "gamma" || loss.StartsWith("tweedie", StringComparison.Ordinal))
        {
            reasons.Add("optimizer: a log-link loss's gradient grows with e^f, like L2's with the error (guide O4), so Adam's per-parameter step is the safe start (O5); the log-rate starts at log(mean y)");
            return (Adam, ["rmsprop:lr=0.01"]);
        }

        reasons.Add("optimizer: L1's gradient has constant size (guide L4), so plain SGD with a fixed rate oscillates around the optimum (O2); L1 + Adam is robust and Adagrad is also recommended (O5)");
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
        const string plain = "bce_with_logits";
        var reasons = new List<string> { "binary classification → binary cross-entropy on logits; never L1/L2 on labels (guide L12)" };
        string metric = kpi?.Metric ?? "log_loss";
        bool threshold = kpi?.NeedsThreshold ?? false;
        if (negatives == 0 || positives == 0)
        {
            reasons.Add($"only one class has rows ({negatives} negatives, {positives} positives): no classifier can be learned from this data");
            return new Recommendation(plain, Adam, reasons, [], ["sgd:lr=0.1,momentum=0.9"], metric, Verification.Scoring.LowerIsBetter(metric)) { MetricReason = "one class only" };
        }

        double positiveShare = (double)positives / n;
        double minority = Math.Min(positiveShare, 1 - positiveShare);
        bool imbalanced = minority <= ImbalancedMinorityShare;
        string weighted = "bce_with_logits:pos_weight=" + AdviceMath.Spec((double)negatives / positives);
        string focal = $"focal:alpha={AdviceMath.Spec(1 - positiveShare)},gamma=2";
        string balance = $"{AdviceMath.Percent(positiveShare)} positives ({positives} of {n})";
        string metricReason = kpi is null
            ? $"log loss, a proper scoring rule: it rewards calibrated probabilities, whatever threshold is used later; {(imbalanced ? "ROC-AUC and PR-AUC (imbalanced classes) are" : "ROC-AUC is")} reported beside it"
            : $"the KPI {kpi} decides{(threshold ? "; its decision threshold is tuned on the training part of each split, never on the scored rows" : string.Empty)}";
        var alternatives = new List<string>();
        if (imbalanced && threshold)
        {
            reasons.Add($"class imbalance ({balance}) with a threshold KPI: plain BCE with a tuned threshold is the baseline; pos_weight (negatives/positives = {AdviceMath.Spec((double)negatives / positives)}) and focal loss are verified against it and recommended only if they beat it on the KPI");
            Add(alternatives, plain, weighted, focal);
        }
        else if (imbalanced)
        {
            reasons.Add($"class imbalance ({balance}): the unweighted loss estimates the true probabilities, which {metric} scores; pos_weight and focal are not candidates under a proper scoring rule — they move the probabilities away from the class frequencies (miscalibration); the imbalance is handled by the threshold at decision time (pass --kpi f1 or balanced_accuracy to verify them)");
        }
        else
        {
            reasons.Add($"the classes are balanced enough ({balance}): no reweighting");
            if (threshold)
            {
                Add(alternatives, plain, weighted);
            }
        }

        if (threshold)
        {
            reasons.Add($"KPI {kpi}: depends on the decision threshold, which is tuned on the inner validation rows of each training part rather than fixed at 0.5");
        }

        reasons.Add("optimizer: Adam adapts the step per parameter (guide O5); the learning rate is tuned inside each training part");
        return new Recommendation(plain, Adam, reasons, alternatives, ["sgd:lr=0.1,momentum=0.9"], metric, Verification.Scoring.LowerIsBetter(metric)) { MetricReason = metricReason, TuneThreshold = threshold };
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
        const string plain = "cross_entropy";
        string weighted = "cross_entropy:weight=" + weights;
        var reasons = new List<string> { $"{counts.Count}-class classification → softmax + cross-entropy; never L1/L2 on labels (guide L12)" };
        bool imbalanced = ratio >= WeightedImbalanceRatio;
        string balanceText = $"imbalance ratio {AdviceMath.Number(ratio)} (largest class {largest} rows, smallest {smallest}; smallest share {AdviceMath.Percent((double)smallest / n)})";
        string metric = kpi?.Metric ?? "log_loss";
        bool proper = metric == "log_loss";
        var alternatives = new List<string>();
        if (imbalanced && !proper)
        {
            reasons.Add($"class imbalance: {balanceText}: inverse-frequency class weights (mean 1) are verified against the unweighted loss on {metric}");
            Add(alternatives, plain, weighted, "softmax_focal:gamma=2");
        }
        else if (imbalanced)
        {
            reasons.Add($"class imbalance: {balanceText}: the unweighted loss estimates the true class probabilities that log loss scores; class weights would miscalibrate them (pass --kpi balanced_accuracy to verify weights)");
        }
        else
        {
            reasons.Add($"the classes are balanced enough ({balanceText} < {AdviceMath.Number(WeightedImbalanceRatio)}): no reweighting");
            if (!proper)
            {
                Add(alternatives, plain, "softmax_focal:gamma=2");
            }
        }

        if (counts.Any(c => c == 0))
        {
            reasons.Add($"{counts.Count(c => c == 0)} class(es) have no rows: they cannot be learned");
        }

        reasons.Add("optimizer: Adam adapts the step per parameter (guide O5); the learning rate is tuned inside each training part");
        string metricReason = kpi is null ? "log loss, a proper scoring rule for the predicted class probabilities" : $"the KPI {kpi} decides";
        return new Recommendation(plain, Adam, reasons, alternatives, ["sgd:lr=0.1,momentum=0.9"], metric, Verification.Scoring.LowerIsBetter(metric)) { MetricReason = metricReason };
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
