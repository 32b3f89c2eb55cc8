using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Specs;

namespace LossLab.Lab.Advice;

/// <summary>The business KPIs the advisor understands.</summary>
public enum KpiKind
{
    /// <summary>Average absolute error (metric <c>mae</c>, lower is better).</summary>
    Mae,

    /// <summary>Root mean squared error (metric <c>rmse</c>, lower is better).</summary>
    Rmse,

    /// <summary>The largest absolute error, "avoid big accidents" (metric <c>max_error</c>, lower is better).</summary>
    Max,

    /// <summary>The pinball loss at a quantile τ (metric <c>pinball_τ</c>, lower is better).</summary>
    Quantile,

    /// <summary>Classification accuracy (metric <c>accuracy</c>, higher is better).</summary>
    Accuracy,

    /// <summary>F1 of the positive class (metric <c>f1</c>, higher is better; binary only in <see cref="Metrics"/>).</summary>
    F1,

    /// <summary>The mean of the per-class recalls (metric <c>balanced_accuracy</c>, higher is better).</summary>
    BalancedAccuracy,

    /// <summary>The log loss of the predicted probabilities, a proper scoring rule (metric <c>log_loss</c>, lower is better).</summary>
    LogLoss,
}

/// <summary>
/// A business KPI (<c>--kpi</c>): <c>mae | rmse | max | quantile:TAU | accuracy | f1 | balanced_accuracy | log_loss</c>, with the lab metric it
/// corresponds to and its direction. <c>quantile:TAU</c> also accepts <c>quantile:tau=TAU</c>; TAU lies in (0, 1).
/// </summary>
public sealed record Kpi
{
    /// <summary>The accepted values, for messages.</summary>
    public const string Accepted = "mae, rmse, max, quantile:TAU (0 < TAU < 1, e.g. quantile:0.9), accuracy, f1, balanced_accuracy, log_loss";

    private Kpi(KpiKind kind, double? tau)
    {
        Kind = kind;
        Tau = tau;
    }

    /// <summary>Which KPI.</summary>
    public KpiKind Kind { get; }

    /// <summary>τ for <see cref="KpiKind.Quantile"/>; null otherwise.</summary>
    public double? Tau { get; }

    /// <summary>
    /// The metric key in <see cref="Metrics"/>: mae, rmse, max_error, pinball_τ (τ as written in the shortest round-trip
    /// form, e.g. <c>pinball_0.9</c>), accuracy, f1. <see cref="Metrics"/> computes only <c>pinball_0.5</c>; for other τ
    /// use <see cref="Pinball"/> or <see cref="Score"/>.
    /// </summary>
    public string Metric => Kind switch
    {
        KpiKind.Mae => "mae",
        KpiKind.Rmse => "rmse",
        KpiKind.Max => "max_error",
        KpiKind.Quantile => "pinball_" + AdviceMath.Exact(Tau!.Value),
        KpiKind.Accuracy => "accuracy",
        KpiKind.BalancedAccuracy => "balanced_accuracy",
        KpiKind.LogLoss => "log_loss",
        _ => "f1",
    };

    /// <summary>True for the error KPIs (mae, rmse, max, quantile) and log_loss; false for accuracy, f1 and balanced_accuracy (higher is better).</summary>
    public bool LowerIsBetter => IsRegression || Kind == KpiKind.LogLoss;

    /// <summary>Whether the KPI depends on a decision threshold (accuracy, f1, balanced_accuracy): the threshold is then tuned.</summary>
    public bool NeedsThreshold => Kind is KpiKind.Accuracy or KpiKind.F1 or KpiKind.BalancedAccuracy;

    /// <summary>Whether the KPI is a regression KPI (mae, rmse, max, quantile).</summary>
    public bool IsRegression => Kind is KpiKind.Mae or KpiKind.Rmse or KpiKind.Max or KpiKind.Quantile;

    /// <summary>The KPI <c>mae</c>.</summary>
    public static Kpi Mae { get; } = new(KpiKind.Mae, null);

    /// <summary>The KPI <c>rmse</c>.</summary>
    public static Kpi Rmse { get; } = new(KpiKind.Rmse, null);

    /// <summary>The KPI <c>max</c>.</summary>
    public static Kpi Max { get; } = new(KpiKind.Max, null);

    /// <summary>The KPI <c>accuracy</c>.</summary>
    public static Kpi Accuracy { get; } = new(KpiKind.Accuracy, null);

    /// <summary>The KPI <c>f1</c>.</summary>
    public static Kpi F1 { get; } = new(KpiKind.F1, null);

    /// <summary>The KPI <c>balanced_accuracy</c>.</summary>
    public static Kpi BalancedAccuracy { get; } = new(KpiKind.BalancedAccuracy, null);

    /// <summary>The KPI <c>log_loss</c>.</summary>
    public static Kpi LogLoss { get; } = new(KpiKind.LogLoss, null);

    /// <summary>The KPI <c>quantile:τ</c>.</summary>
    /// <exception cref="SpecException">τ is not in (0, 1).</exception>
    public static Kpi Quantile(double tau)
        => tau > 0 && tau < 1
            ? new Kpi(KpiKind.Quantile, tau)
            : throw new SpecException($"--kpi quantile:{AdviceMath.Exact(tau)}: TAU must lie strictly between 0 and 1; accepted: {Accepted}");

    /// <summary>Parses <c>mae | rmse | max | quantile:TAU | accuracy | f1 | balanced_accuracy | log_loss</c> (case and surrounding spaces ignored).</summary>
    /// <exception cref="SpecException">Anything else; the message lists the accepted values.</exception>
    public static Kpi Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        switch (t)
        {
            case "mae":
                return Mae;
            case "rmse":
                return Rmse;
            case "max":
                return Max;
            case "accuracy":
                return Accuracy;
            case "f1":
                return F1;
            case "balanced_accuracy":
                return BalancedAccuracy;
            case "log_loss":
                return LogLoss;
        }

        if (t.StartsWith("quantile:", StringComparison.Ordinal))
        {
            string value = t["quantile:".Length..].Trim();
            if (value.StartsWith("tau=", StringComparison.Ordinal))
            {
                value = value["tau=".Length..].Trim();
            }

            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double tau) && double.IsFinite(tau))
            {
                return Quantile(tau);
            }

            throw new SpecException($"--kpi {text.Trim()}: '{value}' is not a number; accepted: {Accepted}");
        }

        string hint = t == "quantile" ? " (quantile needs its level, e.g. quantile:0.9)" : string.Empty;
        throw new SpecException($"--kpi {text.Trim()}: unknown KPI{hint}; accepted: {Accepted}");
    }

    /// <summary>
    /// The mean pinball (quantile) loss (1/n)Σᵢ ρ_τ(yᵢ − ŷᵢ), ρ_τ(u) = τu for u ≥ 0 and (τ − 1)u for u &lt; 0 — the quantity
    /// the τ-quantile minimises; at τ = ½ it is half the MAE, like <see cref="Metrics"/>' <c>pinball_0.5</c>.
    /// </summary>
    /// <param name="predictions">ŷ.</param>
    /// <param name="targets">y, as many as the predictions (at least one).</param>
    /// <param name="tau">τ in (0, 1).</param>
    /// <exception cref="ArgumentException">The lengths differ, or there are none.</exception>
    /// <exception cref="ArgumentOutOfRangeException">τ is not in (0, 1).</exception>
    public static double Pinball(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, double tau)
    {
        if (!(tau > 0 && tau < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must lie strictly between 0 and 1");
        }

        if (predictions.Length != targets.Length || targets.IsEmpty)
        {
            throw new ArgumentException($"need as many predictions as targets, at least one; got {predictions.Length} and {targets.Length}", nameof(predictions));
        }

        double sum = 0;
        for (int i = 0; i < targets.Length; i++)
        {
            double u = (double)targets[i] - predictions[i];
            sum += u >= 0 ? tau * u : (tau - 1) * u;
        }

        return sum / targets.Length;
    }

    /// <summary>
    /// The KPI of model outputs: <see cref="Pinball"/> for a quantile KPI, otherwise the <see cref="Metric"/> entry of
    /// <see cref="Metrics.Compute"/> (outputs are predictions for regression, logits for classification).
    /// </summary>
    /// <exception cref="SpecException">The KPI does not apply to the task (a regression KPI on classes, accuracy or f1 on
    /// a regression target, f1 on multiclass data).</exception>
    public double Score(TaskKind task, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int classes)
    {
        EnsureApplies(task);
        if (Kind == KpiKind.Quantile)
        {
            return Pinball(outputs, targets, Tau!.Value);
        }

        return Metrics.Compute(task, outputs, targets, classes)[Metric];
    }

    /// <summary>Checks that the KPI can be measured on a task.</summary>
    /// <exception cref="SpecException">It cannot; the message says which KPIs can.</exception>
    public void EnsureApplies(TaskKind task)
    {
        if (IsRegression && task != TaskKind.Regression)
        {
            throw new SpecException($"--kpi {this}: a regression KPI, but the data set is {task.ToString().ToLowerInvariant()} classification (guide L12: do not use L1/L2 for classification); use accuracy or f1");
        }

        if (!IsRegression && task == TaskKind.Regression)
        {
            throw new SpecException($"--kpi {this}: a classification KPI, but the target is a regression target; use mae, rmse, max or quantile:TAU");
        }

        if (Kind == KpiKind.F1 && task == TaskKind.Multiclass)
        {
            throw new SpecException("--kpi f1: the lab computes F1 for binary classification only; for multiclass data use accuracy (balanced_accuracy is reported too)");
        }
    }

    /// <summary>The canonical text: <c>mae</c>, <c>quantile:0.9</c>, ….</summary>
    public override string ToString() => Kind switch
    {
        KpiKind.Quantile => "quantile:" + AdviceMath.Exact(Tau!.Value),
        KpiKind.Max => "max",
        _ => Metric,
    };
}
