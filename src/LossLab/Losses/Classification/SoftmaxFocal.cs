using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Softmax (multi-class) focal loss. Predictions are a row-major N×C matrix of logits x; targets are N class indices y.
/// logp = log_softmax(x) per row, p = softmax(x): lₙ = −α·(1 − p_y)^γ·logp_y.
/// Gradient ∂lₙ/∂x_k = α·[γ·(1 − p_y)^(γ−1)·p_y·logp_y − (1 − p_y)^γ]·(δ_{k,y} − p_k), the first term taken as its
/// limit 0 where p_y = 1. 1 − p_y is summed from the other classes' probabilities, not subtracted from 1.
/// γ = 0 and α = 1 give cross-entropy. <c>mean</c> divides by N.
/// </summary>
public sealed record SoftmaxFocal : Loss
{
    /// <summary>Creates a softmax focal loss.</summary>
    /// <param name="alpha">The overall scale α ≥ 0.</param>
    /// <param name="gamma">The focusing exponent γ ≥ 0.</param>
    /// <param name="classes">The number of classes C, or 0 to infer it from the lengths.</param>
    public SoftmaxFocal(double alpha = 1.0, double gamma = 2.0, int classes = 0)
    {
        Alpha = alpha;
        Gamma = gamma;
        Classes = classes;
    }

    /// <summary>The scale α ≥ 0 of every item (default 1).</summary>
    public double Alpha { get; init => field = Guard.NonNegative(value, "alpha"); }

    /// <summary>The focusing exponent γ ≥ 0 (default 2); larger values down-weight well-classified items more.</summary>
    public double Gamma { get; init => field = Guard.NonNegative(value, "gamma"); }

    /// <summary>The number of classes C ≥ 0 (default 0: C = predictions / targets).</summary>
    public int Classes { get; init => field = ClassLayout.CheckClasses(value); }

    /// <inheritdoc/>
    public override string Name => "softmax_focal";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
        => ClassLayout.Resolve(Name, Classes, predictionLength, targetLength, allowProbabilities: false).Rows;

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassShape shape = ClassLayout.Resolve(Name, Classes, predictions.Length, targets.Length, allowProbabilities: false);
        int n = shape.Rows;
        int c = shape.Classes;
        for (int i = 0; i < n; i++)
        {
            ClassLayout.Index(Name, targets, i, c, ignoreIndex: null);
        }

        double alpha = Alpha;
        double gamma = Gamma;
        double scale = reduction == Reduction.Mean ? 1.0 / n : 1;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<T> row = predictions.Slice(i * c, c);
            int y = ClassLayout.Index(Name, targets, i, c, ignoreIndex: null);
            (double max, double logSum) = ClassLayout.LogSumExp(row);
            double ey = Math.Exp(Num.D(row[y]) - max);
            double others = 0;
            for (int k = 0; k < c; k++)
            {
                if (k != y)
                {
                    others += Math.Exp(Num.D(row[k]) - max);
                }
            }

            double s = ey + others;
            double logPy = Num.D(row[y]) - max - logSum;
            double py = ey / s;
            double q = others / s;
            double modulator = Math.Pow(q, gamma);
            double item = -alpha * modulator * logPy;
            sum += item;
            if (!values.IsEmpty)
            {
                values[i] = T.CreateTruncating(item);
            }

            if (gradient.IsEmpty)
            {
                continue;
            }

            // γ·q^(γ−1)·p_y·logp_y = γ·q^γ·p_y·(logp_y / q), with logp_y = log(1 − q), so logp_y / q ∈ [−∞, −1] stays
            // bounded while q is small; the term tends to 0 as q → 0.
            double focus = q > 0 && gamma != 0 ? gamma * modulator * py * (logPy / q) : 0;
            double coefficient = alpha * (focus - modulator) * scale;
            Span<T> g = gradient.Slice(i * c, c);
            for (int k = 0; k < c; k++)
            {
                double pk = Math.Exp(Num.D(row[k]) - max - logSum);
                g[k] = T.CreateTruncating(coefficient * ((k == y ? 1 : 0) - pk));
            }
        }

        return sum * scale;
    }
}
