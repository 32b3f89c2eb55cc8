using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Kullback–Leibler divergence (PyTorch <c>KLDivLoss</c>). Predictions are log Q (log-probabilities x), targets are P
/// (probabilities t, or log-probabilities with <c>log_target</c>), and the sum is KL(P ‖ Q): mind the order, the
/// predicted distribution comes first here but second in KL(P ‖ Q).
/// Element-wise: ℓ = t·(log t − x), with 0 where t = 0; with <c>log_target</c>: ℓ = eᵗ·(t − x).
/// Gradient ∂ℓ/∂x = −t (or −eᵗ). A probability target outside [0, 1] (or, with <c>log_target</c>, a log-probability
/// target above 0) is an error.
/// Reductions: <c>sum</c>; <c>mean</c> divides by the number of elements; <c>batchmean</c> divides by the batch size N
/// (N = predictions / <see cref="Classes"/>, or the length of a 1-D input when <see cref="Classes"/> is 0), which gives
/// the true KL divergence per sample.
/// </summary>
public sealed record KlDiv : PointwiseLoss
{
    /// <summary>Creates a KL-divergence loss.</summary>
    /// <param name="logTarget">Whether the targets are log-probabilities.</param>
    /// <param name="classes">The row length C used to count the batch size for <c>batchmean</c> (0: a 1-D input).</param>
    public KlDiv(bool logTarget = false, int classes = 0)
    {
        LogTarget = logTarget;
        Classes = classes;
    }

    /// <summary>Whether the targets are log-probabilities (<c>log_target</c>, default false).</summary>
    public bool LogTarget { get; init; }

    /// <summary>
    /// The row length C ≥ 0 of an N×C input, which only defines the batch size N of <c>batchmean</c>; it must divide
    /// the length. 0 (default) treats the input as 1-D, so <c>batchmean</c> divides by the number of elements.
    /// </summary>
    public int Classes { get; init => field = ClassLayout.CheckClasses(value); }

    /// <inheritdoc/>
    public override string Name => "kl_div";

    /// <inheritdoc/>
    protected override bool SupportsBatchMean => true;

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        int items = base.ItemCount(predictionLength, targetLength);
        if (Classes > 0 && predictionLength % Classes != 0)
        {
            throw new ArgumentException(
                $"kl_div: predictions must be a row-major N×C matrix with C = {Classes}, but their length {predictionLength} is not a multiple of {Classes}",
                "predictions");
        }

        return items;
    }

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            T t = targets[i];
            if (LogTarget ? !(t <= T.Zero) : !(t >= T.Zero && t <= T.One))
            {
                throw new ArgumentException(
                    LogTarget
                        ? $"kl_div: target {i} is {t}; with log_target the targets are log-probabilities and must be <= 0"
                        : $"kl_div: target {i} is {t}; probability targets must lie in [0, 1] (set log_target for log-probabilities)",
                    nameof(targets));
            }
        }

        int rows = Classes > 0 ? predictions.Length / Classes : predictions.Length;
        return IndexedPointwise.Run(new Op<T>(LogTarget), predictions, targets, values, gradient, reduction, rows);
    }

    internal readonly struct Op<T>(bool logTarget) : IIndexedPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(int index, T prediction, T target, out T derivative)
        {
            if (logTarget)
            {
                T e = T.Exp(target);
                derivative = -e;

                // eᵗ·0 = 0 where t = x, even where eᵗ overflows.
                return target == prediction ? T.Zero : e * (target - prediction);
            }

            derivative = -target;
            return Num.XLogY(target, target) - target * prediction;
        }
    }
}
