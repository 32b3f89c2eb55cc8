using LossLab.Lab.Data;

namespace LossLab.Lab.Training;

/// <summary>Evaluation metrics by task, computed in double from raw model outputs.</summary>
public static class Metrics
{
    /// <summary>
    /// Regression: mse, rmse, mae, median_ae, max_error, r2 (1 − SS_res/SS_tot), pinball_0.5, mean_bias, and
    /// poisson_deviance / gamma_deviance where the targets allow them (see <see cref="Regression(ReadOnlySpan{float}, ReadOnlySpan{float})"/>).
    /// Binary (outputs are logits): accuracy, balanced_accuracy, f1 (at probability 0.5), log_loss, roc_auc, pr_auc,
    /// brier, calibration_in_the_large (see <see cref="Binary(ReadOnlySpan{float}, ReadOnlySpan{float}, double)"/>).
    /// Multiclass (outputs are logits): accuracy, balanced_accuracy, log_loss, brier.
    /// Boxes: mean_iou, mae. Segmentation (outputs are per-pixel logits): dice, iou, pixel_accuracy, predicted_foreground.
    /// <see cref="Names"/> lists every key a task can produce.
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
    /// Every metric key <see cref="Compute"/> can produce for a task, including those that depend on the targets
    /// (<c>poisson_deviance</c> needs every y ≥ 0, <c>gamma_deviance</c> every y &gt; 0), so a name can be validated
    /// before any data are seen. <c>pinball_τ</c> for other τ is not listed (only <c>pinball_0.5</c> is computed here).
    /// </summary>
    public static IReadOnlyList<string> Names(TaskKind task) => task switch
    {
        TaskKind.Regression => RegressionNames,
        TaskKind.Binary => BinaryNames,
        TaskKind.Boxes => BoxNames,
        TaskKind.Segmentation => SegmentationNames,
        _ => MulticlassNames,
    };

    private static readonly string[] RegressionNames = ["gamma_deviance", "mae", "max_error", "mean_bias", "median_ae", "mse", "pinball_0.5", "poisson_deviance", "r2", "rmse", "tweedie_deviance"];
    private static readonly string[] BinaryNames = ["accuracy", "balanced_accuracy", "brier", "calibration_in_the_large", "f1", "log_loss", "pr_auc", "roc_auc"];
    private static readonly string[] MulticlassNames = ["accuracy", "balanced_accuracy", "brier", "log_loss"];
    private static readonly string[] BoxNames = ["mae", "mean_iou"];
    private static readonly string[] SegmentationNames = ["dice", "iou", "pixel_accuracy", "predicted_foreground"];

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

    /// <summary>
    /// Regression metrics of predictions ŷ (on the target's scale: e^f for a log-link model) against targets y, in double:
    /// <list type="bullet">
    /// <item>mse = mean (ŷ − y)², rmse = √mse, mae = mean |ŷ − y|, median_ae, max_error = max |ŷ − y|;</item>
    /// <item>r2 = 1 − Σ(y − ŷ)²/Σ(y − ȳ)² (NaN for a constant target), pinball_0.5 = ½·mae;</item>
    /// <item>mean_bias = mean (ŷ − y) (positive: over-prediction on average);</item>
    /// <item>poisson_deviance = mean 2[y·log(y/μ) − (y − μ)], with y·log(y/μ) = 0 at y = 0, only when every y ≥ 0;</item>
    /// <item>gamma_deviance = mean 2[(y − μ)/μ − log(y/μ)], only when every y &gt; 0;</item>
    /// <item>tweedie_deviance (power p = 1.5) = mean 2[y^{2−p}/((1−p)(2−p)) − y·μ^{1−p}/(1−p) + μ^{2−p}/(2−p)], only when every y ≥ 0.</item>
    /// </list>
    /// For the deviances μ = max(ŷ, floor), floor = 1e-6 · max(ȳ, 1e-300): a model without a log link can predict
    /// ŷ ≤ 0, where the deviances are undefined, so such predictions are clipped to a tiny positive mean (as scikit-learn
    /// users and count-model practitioners clip) and score as very poor rather than as NaN. With ŷ &gt; floor they
    /// equal scikit-learn's <c>mean_poisson_deviance</c> and <c>mean_gamma_deviance</c>.
    /// </summary>
    public static SortedDictionary<string, double> Regression(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets)
    {
        double[] p = new double[predictions.Length], y = new double[targets.Length];
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = predictions[i];
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = targets[i];
        }

        return Regression(p, y);
    }

    /// <summary>
    /// The median of the values (the mean of the two middle ones for an even count), found by selection in O(n) instead
    /// of a sort (the same elements, so the same number); the array is reordered. NaN-free input.
    /// </summary>
    internal static double Median(double[] values)
    {
        int n = values.Length;
        if (n == 0)
        {
            return double.NaN;
        }

        double upper = Select(values, n / 2);
        if (n % 2 == 1)
        {
            return upper;
        }

        // After the selection every element left of n/2 is ≤ it: the lower middle is their maximum.
        double lower = double.NegativeInfinity;
        for (int i = 0; i < n / 2; i++)
        {
            lower = Math.Max(lower, values[i]);
        }

        return 0.5 * (lower + upper);
    }

    /// <summary>The k-th smallest value (0-based), partitioning the array around it (Hoare's selection, median-of-three pivots; a sort after too many rounds).</summary>
    private static double Select(double[] a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        for (int round = 0; lo < hi; round++)
        {
            if (round > 64)
            {
                Array.Sort(a, lo, hi - lo + 1);
                return a[k];
            }

            int mid = lo + ((hi - lo) / 2);
            if (a[mid] < a[lo])
            {
                (a[mid], a[lo]) = (a[lo], a[mid]);
            }

            if (a[hi] < a[lo])
            {
                (a[hi], a[lo]) = (a[lo], a[hi]);
            }

            if (a[hi] < a[mid])
            {
                (a[hi], a[mid]) = (a[mid], a[hi]);
            }

            double pivot = a[mid];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot)
                {
                    i++;
                }

                while (a[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                hi = j;
            }
            else if (k >= i)
            {
                lo = i;
            }
            else
            {
                return a[k];
            }
        }

        return a[k];
    }

    /// <summary>
    /// The regression metrics of <see cref="Regression(ReadOnlySpan{float}, ReadOnlySpan{float})"/> from double predictions
    /// and targets (the exact solvers' fits, whose residuals can lie below float32's resolution of the targets).
    /// </summary>
    public static SortedDictionary<string, double> Regression(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets)
    {
        int n = targets.Length;
        double mean = 0;
        bool nonNegative = true, positive = true;
        foreach (double t in targets)
        {
            mean += t;
            nonNegative &= t >= 0;
            positive &= t > 0;
        }

        mean /= n;
        double se = 0, ae = 0, max = 0, tot = 0, bias = 0;
        double[] abs = new double[n];
        for (int i = 0; i < n; i++)
        {
            double e = predictions[i] - targets[i];
            se += e * e;
            ae += Math.Abs(e);
            bias += e;
            abs[i] = Math.Abs(e);
            max = Math.Max(max, Math.Abs(e));
            tot += (targets[i] - mean) * (targets[i] - mean);
        }

        double median = Median(abs);
        var result = new SortedDictionary<string, double>
        {
            ["mse"] = se / n,
            ["rmse"] = Math.Sqrt(se / n),
            ["mae"] = ae / n,
            ["median_ae"] = median,
            ["max_error"] = max,
            ["r2"] = tot > 0 ? 1 - (se / tot) : double.NaN,
            ["pinball_0.5"] = 0.5 * ae / n,
            ["mean_bias"] = bias / n,
        };

        if (nonNegative && n > 0)
        {
            double floor = DevianceFloor(mean);
            double poisson = 0, gamma = 0, tweedie = 0;
            for (int i = 0; i < n; i++)
            {
                double y = targets[i], mu = Math.Max(predictions[i], floor);
                poisson += 2 * ((y > 0 ? y * Math.Log(y / mu) : 0) - (y - mu));
                tweedie += 2 * ((Math.Pow(y, 0.5) / -0.25) - (y * Math.Pow(mu, -0.5) / -0.5) + (Math.Pow(mu, 0.5) / 0.5));
                if (positive)
                {
                    gamma += 2 * (((y - mu) / mu) - Math.Log(y / mu));
                }
            }

            result["poisson_deviance"] = poisson / n;
            result["tweedie_deviance"] = tweedie / n;
            if (positive)
            {
                result["gamma_deviance"] = gamma / n;
            }
        }

        return result;
    }

    /// <summary>The lower clip of predicted means in the deviances: 1e-6 · max(ȳ, 1e-300).</summary>
    private static double DevianceFloor(double meanTarget) => 1e-6 * Math.Max(meanTarget, 1e-300);

    /// <summary>Binary metrics from logits and 0/1 targets, with accuracy, balanced_accuracy and f1 at probability 0.5.</summary>
    public static SortedDictionary<string, double> Binary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets)
        => Binary(logits, targets, 0.5);

    /// <summary>
    /// Binary metrics from logits z and targets y (positive where y &gt; 0.5), in double, with p = σ(z):
    /// <list type="bullet">
    /// <item>accuracy, balanced_accuracy = ½(TP/(TP + FN) + TN/(TN + FP)) and f1 = 2TP/(2TP + FP + FN) (0 when there is
    /// nothing to count), predicting positive where p &gt; <paramref name="threshold"/>;</item>
    /// <item>log_loss = mean −[y·log p + (1 − y)·log(1 − p)], computed as softplus from the logits;</item>
    /// <item>roc_auc: the area under the ROC curve = the Mann–Whitney statistic with average ranks for ties (equal to
    /// scikit-learn's trapezoid rule over tied scores), NaN with one class only;</item>
    /// <item>pr_auc: average precision AP = Σ_k (R_k − R_(k−1))·P_k over the distinct scores in decreasing order, tied
    /// scores forming one step, exactly scikit-learn's <c>average_precision_score</c>; NaN without positives;</item>
    /// <item>brier = mean (p − y)²; calibration_in_the_large = mean p − mean y (positive: too many positives predicted).</item>
    /// </list>
    /// The ranking metrics (roc_auc, pr_auc) read the logits, whose order is exact where σ would round.
    /// </summary>
    /// <param name="logits">The model outputs.</param>
    /// <param name="targets">0/1 labels.</param>
    /// <param name="threshold">The probability above which a row is predicted positive, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> outside [0, 1].</exception>
    public static SortedDictionary<string, double> Binary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, double threshold)
    {
        if (!(threshold >= 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the probability threshold must lie in [0, 1]");
        }

        int n = targets.Length;
        long tp = 0, tn = 0, fp = 0, fn = 0;
        double logLoss = 0, brier = 0, meanP = 0, meanY = 0;
        var scored = new (double Score, bool Positive)[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = targets[i] > 0.5f;
            double x = logits[i];
            double p = Sigmoid(x);
            bool predicted = p > threshold;
            double softplusNeg = Math.Max(-x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
            logLoss += positive ? softplusNeg : softplusNeg + x;
            double y = positive ? 1 : 0;
            brier += (p - y) * (p - y);
            meanP += p;
            meanY += y;
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

        return new SortedDictionary<string, double>
        {
            ["accuracy"] = FromCounts("accuracy", tp, fp, tn, fn),
            ["balanced_accuracy"] = FromCounts("balanced_accuracy", tp, fp, tn, fn),
            ["f1"] = FromCounts("f1", tp, fp, tn, fn),
            ["log_loss"] = logLoss / n,
            ["roc_auc"] = Auc(scored),
            ["pr_auc"] = AveragePrecision(scored),
            ["brier"] = brier / n,
            ["calibration_in_the_large"] = (meanP - meanY) / n,
        };
    }

    /// <summary>σ(z) = 1/(1 + e^(−z)) in double, without overflow for either sign.</summary>
    internal static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1 / (1 + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1 + e);
    }

    /// <summary>accuracy, balanced_accuracy or f1 from the confusion counts (the one place their conventions live).</summary>
    internal static double FromCounts(string metric, long tp, long fp, long tn, long fn)
    {
        switch (metric)
        {
            case "accuracy":
                return (double)(tp + tn) / (tp + fp + tn + fn);
            case "balanced_accuracy":
            {
                double recall = tp + fn > 0 ? (double)tp / (tp + fn) : 0;
                double specificity = tn + fp > 0 ? (double)tn / (tn + fp) : 0;
                return 0.5 * (recall + specificity);
            }

            case "f1":
            {
                long denominator = (2 * tp) + fp + fn;
                return denominator > 0 ? 2.0 * tp / denominator : 0;
            }

            default:
                throw new ArgumentException($"metric '{metric}' is not a threshold metric; accepted: f1, balanced_accuracy, accuracy", nameof(metric));
        }
    }

    /// <summary>
    /// Multiclass metrics from N×C logits and class indices, with p = softmax(row): accuracy (arg-max), balanced_accuracy
    /// (mean recall over the classes present), log_loss = mean −log p_y, and brier = mean over rows of
    /// Σ_k (p_k − 1[y = k])² (the original multi-class Brier score, in [0, 2]; for two classes it is twice the binary
    /// brier).
    /// </summary>
    public static SortedDictionary<string, double> Multiclass(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int classes)
    {
        int n = targets.Length;
        int correct = 0;
        double logLoss = 0, brier = 0;
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
            for (int k = 0; k < classes; k++)
            {
                double d = (Math.Exp(row[k] - max) / sum) - (k == y ? 1 : 0);
                brier += d * d;
            }

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
            ["brier"] = brier / n,
        };
    }

    /// <summary>
    /// Average precision: walking the scores from the highest, each group of tied scores is one step; at the end of a
    /// group P = TP/(TP + FP) and R = TP/positives, and AP = Σ ΔR·P. Sorts <paramref name="scored"/> (descending).
    /// </summary>
    private static double AveragePrecision((double Score, bool Positive)[] scored)
    {
        int positives = 0;
        foreach (var s in scored)
        {
            positives += s.Positive ? 1 : 0;
        }

        if (positives == 0)
        {
            return double.NaN;
        }

        Array.Sort(scored, (a, b) => b.Score.CompareTo(a.Score));
        double ap = 0, previousRecall = 0;
        long tp = 0, seen = 0;
        for (int i = 0; i < scored.Length;)
        {
            int j = i;
            while (j < scored.Length && scored[j].Score == scored[i].Score)
            {
                tp += scored[j].Positive ? 1 : 0;
                j++;
            }

            seen += j - i;
            double recall = (double)tp / positives;
            ap += (recall - previousRecall) * ((double)tp / seen);
            previousRecall = recall;
            i = j;
        }

        return ap;
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
