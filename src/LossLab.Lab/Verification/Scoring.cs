using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Verification;

/// <summary>Scores predictions with every metric of the task, plus a pinball metric when one decides.</summary>
public static class Scoring
{
    /// <summary>Whether lower values of a metric are better.</summary>
    public static bool LowerIsBetter(string metric) => metric is not ("accuracy" or "balanced_accuracy" or "f1" or "roc_auc" or "pr_auc" or "r2" or "mean_iou" or "dice" or "iou" or "pixel_accuracy");

    /// <summary>τ of a <c>pinball_τ</c> metric (the mean pinball loss at quantile τ), or null.</summary>
    public static double? PinballTau(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.StartsWith("pinball_", StringComparison.Ordinal)
            && double.TryParse(metric["pinball_".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double tau)
            ? tau
            : null;
    }

    /// <summary>
    /// Every metric of the task (<see cref="Metrics.Compute"/>; for binary data at <paramref name="threshold"/> when
    /// given), and the pinball loss ρ_τ(r) = max(τr, (τ − 1)r), r = y − ŷ, averaged, when <paramref name="metric"/> is
    /// <c>pinball_τ</c>.
    /// </summary>
    /// <param name="data">The data set (for its task and classes).</param>
    /// <param name="outputs">Predictions on the target's scale, or logits for classification.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="metric">The deciding metric.</param>
    /// <param name="threshold">A binary decision threshold on the probability, or null for 0.5.</param>
    /// <returns>The metrics by name.</returns>
    public static SortedDictionary<string, double> All(Dataset data, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, string metric, double? threshold)
    {
        ArgumentNullException.ThrowIfNull(data);
        SortedDictionary<string, double> all = data.Task == TaskKind.Binary && threshold is double t
            ? Metrics.Binary(outputs, targets, t)
            : Metrics.Compute(data.Task, outputs, targets, Math.Max(1, data.Classes));
        if (PinballTau(metric) is double tau)
        {
            double sum = 0;
            for (int i = 0; i < outputs.Length; i++)
            {
                double r = targets[i] - (double)outputs[i];
                sum += r >= 0 ? tau * r : (tau - 1) * r;
            }

            all[metric] = sum / outputs.Length;
        }

        if (!all.ContainsKey(metric))
        {
            all[metric] = double.NaN;
        }

        return all;
    }
}
