using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>The sums of an overlap loss, accumulated in double: Σy, Σŷ, TP = Σyŷ, FP = Σ(1 − y)ŷ, FN = Σy(1 − ŷ).</summary>
internal readonly record struct OverlapSums(double SumTarget, double SumPrediction, double TruePositive, double FalsePositive, double FalseNegative);

/// <summary>
/// The driver shared by the segmentation (overlap) losses. The whole span is one item. Every such loss has a
/// per-element derivative affine in the target, ∂ℓ/∂ŷᵢ = a + b·yᵢ, which is then chained through the sigmoid
/// (dŷ/dx = σ(x)σ(−x)) when the predictions are logits.
/// </summary>
internal static class Overlap
{
    /// <summary>Checks that predictions and targets have the same length; the whole span is one item.</summary>
    public static int CountItems(string name, int predictionLength, int targetLength)
    {
        if (predictionLength != targetLength)
        {
            throw new ArgumentException(
                $"{name}: predictions and targets must have the same length (got {predictionLength} and {targetLength})",
                "targets");
        }

        return 1;
    }

    /// <summary>Validates the probabilities (or maps logits through σ) and accumulates the sums.</summary>
    /// <exception cref="ArgumentException">A target, or a probability (when not <paramref name="fromLogits"/>), lies outside [0, 1].</exception>
    public static OverlapSums Accumulate<T>(string name, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, bool fromLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ClassLayout.CheckUnitTargets(name, targets);
        double sumY = 0, sumP = 0, tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < predictions.Length; i++)
        {
            T x = predictions[i];
            T p;
            if (fromLogits)
            {
                p = Num.Sigmoid(x);
            }
            else
            {
                if (!(x >= T.Zero && x <= T.One))
                {
                    throw new ArgumentException(
                        $"{name}: prediction at index {i} is {x}; probabilities must lie in [0, 1] (use from_logits for logits)",
                        nameof(predictions));
                }

                p = x;
            }

            double pd = Num.D(p);
            double yd = Num.D(targets[i]);
            sumY += yd;
            sumP += pd;
            tp += yd * pd;
            fp += (1 - yd) * pd;
            fn += yd * (1 - pd);
        }

        return new OverlapSums(sumY, sumP, tp, fp, fn);
    }

    /// <summary>
    /// Writes the single item's value (when <paramref name="values"/> is not empty) and the gradient
    /// ∂ℓ/∂xᵢ = (a + b·yᵢ)·dŷᵢ/dxᵢ (when <paramref name="gradient"/> is not empty); returns <paramref name="loss"/>.
    /// Every reduction gives the same value and gradient, since there is one item.
    /// </summary>
    public static double Finish<T>(double loss, double a, double b, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, bool fromLogits, Span<T> values, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!values.IsEmpty)
        {
            values[0] = T.CreateTruncating(loss);
        }

        if (!gradient.IsEmpty)
        {
            for (int i = 0; i < predictions.Length; i++)
            {
                double d = a + (b * Num.D(targets[i]));
                if (fromLogits)
                {
                    T x = predictions[i];
                    d *= Num.D(Num.Sigmoid(x)) * Num.D(Num.Sigmoid(-x));
                }

                gradient[i] = T.CreateTruncating(d);
            }
        }

        return loss;
    }
}
