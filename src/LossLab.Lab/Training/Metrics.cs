using LossLab.Lab.Data;

namespace LossLab.Lab.Training;

/// <summary>Evaluation metrics by task, computed in double from raw model outputs.</summary>
public static class Metrics
{
    /// <summary>
    /// Regression: mse, rmse, mae, median_ae, max_error, r2 (1 − SS_res/SS_tot), and the pinball loss at τ = 0.5.
    /// Binary (outputs are logits): accuracy, balanced_accuracy, f1, log_loss, roc_auc.
    /// Multiclass (outputs are logits): accuracy, balanced_accuracy, log_loss.
    /// Boxes: mean_iou, mae. Segmentation (outputs are per-pixel logits): dice, iou, pixel_accuracy, predicted_foreground.
    /// </summary>
    public static SortedDictionary<string, double> Compute(TaskKind task, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int classes)
    {
        return task switch
        {
            TaskKind.Regression => Regression(outputs, targets),
            TaskKind.Binary => Binary(outputs, targets),
            TaskKind.Boxes => Boxes(outputs, targets),
            TaskKind.Segmentation => Segmentation(outputs, targets),
            _ => Multiclass(outputs, targets, classes),
        };
    }

    /// <summary>
    /// Boxes (x1, y1, x2, y2), 4 per row: mean_iou = mean over rows of |A∩B|/|A∪B| (a predicted box with x2 ≤ x1 or
    /// y2 ≤ y1 is empty: IoU 0), and the mean absolute coordinate error mae.
    /// </summary>
    public static SortedDictionary<string, double> Boxes(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        int n = targets.Length / 4;
        double iou = 0, ae = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> p = predictions.Slice(4 * i, 4), t = targets.Slice(4 * i, 4);
            double iw = Math.Min(p[2], t[2]) - Math.Max(p[0], t[0]);
            double ih = Math.Min(p[3], t[3]) - Math.Max(p[1], t[1]);
            double inter = iw > 0 && ih > 0 ? iw * ih : 0;
            double areaP = Math.Max(0, p[2] - p[0]) * Math.Max(0, p[3] - p[1]);
            double areaT = (t[2] - t[0]) * (t[3] - t[1]);
            double union = areaP + areaT - inter;
            iou += union > 0 ? inter / union : 0;
            for (int k = 0; k < 4; k++)
            {
                ae += Math.Abs(p[k] - t[k]);
            }
        }

        return new SortedDictionary<string, double> { ["mean_iou"] = iou / n, ["mae"] = ae / (4 * n) };
    }

    /// <summary>
    /// Segmentation from per-pixel logits (foreground where the logit is &gt; 0) and 0/1 masks, pooled over all pixels:
    /// dice = 2TP/(2TP + FP + FN), iou = TP/(TP + FP + FN), pixel accuracy, and the predicted foreground share.
    /// </summary>
    public static SortedDictionary<string, double> Segmentation(ReadOnlySpan<float> logits, ReadOnlySpan<float> masks)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (int i = 0; i < masks.Length; i++)
        {
            bool predicted = logits[i] > 0, actual = masks[i] > 0.5f;
            if (predicted && actual)
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (actual)
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        double denominator = (2 * tp) + fp + fn;
        return new SortedDictionary<string, double>
        {
            ["dice"] = denominator > 0 ? 2.0 * tp / denominator : 1,
            ["iou"] = tp + fp + fn > 0 ? (double)tp / (tp + fp + fn) : 1,
            ["pixel_accuracy"] = masks.Length > 0 ? (double)(tp + tn) / masks.Length : double.NaN,
            ["predicted_foreground"] = masks.Length > 0 ? (double)(tp + fp) / masks.Length : double.NaN,
        };
    }

    /// <summary>Regression metrics.</summary>
    public static SortedDictionary<string, double> Regression(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        int n = targets.Length;
        double mean = 0;
        foreach (float t in targets)
        {
            mean += t;
        }

        mean /= n;
        double se = 0, ae = 0, max = 0, tot = 0;
        double[] abs = new double[n];
        for (int i = 0; i < n; i++)
        {
            double e = (double)predictions[i] - targets[i];
            se += e * e;
            ae += Math.Abs(e);
            abs[i] = Math.Abs(e);
            max = Math.Max(max, Math.Abs(e));
            tot += (targets[i] - mean) * (targets[i] - mean);
        }

        Array.Sort(abs);
        double median = n % 2 == 1 ? abs[n / 2] : 0.5 * (abs[(n / 2) - 1] + abs[n / 2]);
        return new SortedDictionary<string, double>
        {
            ["mse"] = se / n,
            ["rmse"] = Math.Sqrt(se / n),
            ["mae"] = ae / n,
            ["median_ae"] = median,
            ["max_error"] = max,
            ["r2"] = tot > 0 ? 1 - (se / tot) : double.NaN,
            ["pinball_0.5"] = 0.5 * ae / n,
        };
    }

    /// <summary>Binary metrics from logits and 0/1 targets.</summary>
    public static SortedDictionary<string, double> Binary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
    {
        int n = targets.Length;
        int tp = 0, tn = 0, fp = 0, fn = 0;
        double logLoss = 0;
        var scored = new (double Score, bool Positive)[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = targets[i] > 0.5f;
            bool predicted = logits[i] > 0;
            double x = logits[i];
            double softplusNeg = Math.Max(-x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            logLoss += positive ? softplusNeg : softplusNeg + x;
            scored[i] = (x, positive);
            if (positive)
            {
                if (predicted)
                {
                    tp++;
                }
                else
                {
                    fn++;
                }
            }
            else if (predicted)
            {
                fp++;
            }
            else
            {
                tn++;
            }
        }

        double recall = tp + fn > 0 ? (double)tp / (tp + fn) : 0;
        double specificity = tn + fp > 0 ? (double)tn / (tn + fp) : 0;
        double precision = tp + fp > 0 ? (double)tp / (tp + fp) : 0;
        return new SortedDictionary<string, double>
        {
            ["accuracy"] = (double)(tp + tn) / n,
            ["balanced_accuracy"] = 0.5 * (recall + specificity),
            ["f1"] = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0,
            ["log_loss"] = logLoss / n,
            ["roc_auc"] = Auc(scored),
        };
    }

    /// <summary>Multiclass metrics from N×C logits and class indices.</summary>
    public static SortedDictionary<string, double> Multiclass(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes)
    {
        int n = targets.Length;
        int correct = 0;
        double logLoss = 0;
        int[] perClass = new int[classes], perClassCorrect = new int[classes];
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = logits.Slice(i * classes, classes);
            int y = (int)targets[i];
            int arg = 0;
            double max = row[0];
            for (int k = 1; k < classes; k++)
            {
                if (row[k] > max)
                {
                    max = row[k];
                    arg = k;
                }
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(row[k] - max);
            }

            logLoss += max + Math.Log(sum) - row[y];
            perClass[y]++;
            if (arg == y)
            {
                correct++;
                perClassCorrect[y]++;
            }
        }

        double balanced = Enumerable.Range(0, classes).Where(k => perClass[k] > 0).Average(k => (double)perClassCorrect[k] / perClass[k]);
        return new SortedDictionary<string, double>
        {
            ["accuracy"] = (double)correct / n,
            ["balanced_accuracy"] = balanced,
            ["log_loss"] = logLoss / n,
        };
    }

    /// <summary>ROC AUC by the rank statistic (ties count one half).</summary>
    private static double Auc((double Score, bool Positive)[] scored)
    {
        Array.Sort(scored, (a, b) => a.Score.CompareTo(b.Score));
        double rankSum = 0;
        int positives = 0;
        for (int i = 0; i < scored.Length;)
        {
            int j = i;
            while (j < scored.Length && scored[j].Score == scored[i].Score)
            {
                j++;
            }

            double rank = ((i + 1) + j) / 2.0;
            for (int k = i; k < j; k++)
            {
                if (scored[k].Positive)
                {
                    rankSum += rank;
                    positives++;
                }
            }

            i = j;
        }

        int negatives = scored.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
