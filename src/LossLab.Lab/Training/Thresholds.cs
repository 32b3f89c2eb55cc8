namespace LossLab.Lab.Training;

/// <summary>Decision thresholds for binary classifiers that output logits.</summary>
public static class Thresholds
{
    /// <summary>
    /// The probability threshold t that maximises <paramref name="metric"/> (<c>f1</c>, <c>balanced_accuracy</c> or
    /// <c>accuracy</c>) when a row is predicted positive where p = σ(z) &gt; t, exactly as
    /// <see cref="Metrics.Binary(ReadOnlySpan{float}, ReadOnlySpan{float}, double)"/> counts. The candidates are every
    /// distinct cut of the predicted probabilities: 0 (every p &gt; 0 positive), the midpoint (pᵢ + pᵢ₊₁)/2 between
    /// each pair of consecutive distinct probabilities, and 1 (nothing positive). Ties in the metric go to the
    /// candidate closest to 0.5, then to the lower one, so the answer is deterministic. O(n log n): one sort, then
    /// one sweep that updates the confusion counts from one cut to the next.
    /// </summary>
    /// <param name="logits">The model outputs z.</param>
    /// <param name="targets">0/1 labels (positive where &gt; 0.5), as long as <paramref name="logits"/>.</param>
    /// <param name="metric">f1, balanced_accuracy or accuracy.</param>
    /// <returns>The threshold, in [0, 1].</returns>
    /// <exception cref="ArgumentException">An unknown metric, no rows, or lengths that differ.</exception>
    public static double Best(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (metric is not ("f1" or "balanced_accuracy" or "accuracy"))
        {
            throw new ArgumentException($"metric '{metric}' has no threshold to tune; accepted: f1, balanced_accuracy, accuracy", nameof(metric));
        }

        int n = targets.Length;
        if (n == 0 || logits.Length != n)
        {
            throw new ArgumentException($"need one logit per target and at least one row (got {logits.Length} logits, {n} targets)", nameof(targets));
        }

        double[] p = new double[n];
        bool[] positive = new bool[n];
        long positives = 0;
        for (int i = 0; i < n; i++)
        {
            p[i] = Metrics.Sigmoid(logits[i]);
            positive[i] = targets[i] > 0.5f;
            positives += positive[i] ? 1 : 0;
        }

        Array.Sort(p, positive);
        long negatives = n - positives;

        // Rows at index ≥ next have p > t and are predicted positive; tp and fp count the positives and negatives among them.
        int next = 0;
        long tp = positives, fp = negatives;
        double bestT = 0, bestValue = double.NegativeInfinity;
        void Consider(double t)
        {
            while (next < n && !(p[next] > t))
            {
                if (positive[next])
                {
                    tp--;
                }
                else
                {
                    fp--;
                }

                next++;
            }

            double value = Metrics.FromCounts(metric, tp, fp, negatives - fp, positives - tp);
            if (value > bestValue || (value == bestValue && Math.Abs(t - 0.5) < Math.Abs(bestT - 0.5)))
            {
                bestValue = value;
                bestT = t;
            }
        }

        Consider(0);
        for (int i = 0; i + 1 < n; i++)
        {
            double a = p[i], b = p[i + 1];
            if (a < b)
            {
                double mid = a + ((b - a) / 2);
                Consider(mid < b ? mid : a);
            }
        }

        Consider(1);
        return bestT;
    }
}
