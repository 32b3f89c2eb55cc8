using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Binary cross-entropy on probabilities (PyTorch <c>BCELoss</c>), p ∈ [0, 1], target y ∈ [0, 1], weight w:
/// ℓ = −w·(y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)).
/// Gradient ∂ℓ/∂p = w·(p − y) / max((1 − p)·p, 1e-12); like PyTorch, the backward does not mirror the −100 clamp.
/// A prediction or a target outside [0, 1] is an error. Prefer <see cref="BceWithLogits"/>: BCE on sigmoid outputs loses precision.
/// <c>mean</c> divides by the number of elements.
/// </summary>
public sealed record Bce : PointwiseLoss
{
    /// <summary>Creates a binary cross-entropy loss on probabilities.</summary>
    /// <param name="weight">Optional non-negative per-element weights, broadcast over the last dimension (element i uses weight[i mod count]).</param>
    public Bce(IReadOnlyList<double>? weight = null) => Weight = weight;

    /// <summary>
    /// Non-negative weights w broadcast over the last dimension: element i is multiplied by weight[i mod count]
    /// (default null, all 1). The number of predictions must be a multiple of the count.
    /// </summary>
    public IReadOnlyList<double>? Weight { get; init => field = Guard.NonNegativeList(value, "weight"); }

    /// <inheritdoc/>
    public override string Name => "bce";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        int items = base.ItemCount(predictionLength, targetLength);
        ClassLayout.CheckBroadcastList(Name, Weight, "weight", predictionLength);
        return items;
    }

    /// <inheritdoc/>
    public bool Equals(Bce? other)
        => ReferenceEquals(this, other) || (base.Equals(other) && Lists.Equal(Weight, other.Weight));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Lists.Hash(Weight));

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        for (int i = 0; i < predictions.Length; i++)
        {
            T p = predictions[i];
            if (!(p >= T.Zero && p <= T.One))
            {
                throw new ArgumentException($"bce: prediction {i} is {p}; predictions must be probabilities in [0, 1] (use bce_with_logits for logits)", nameof(predictions));
            }
        }

        ClassLayout.CheckUnitTargets(Name, targets);
        return IndexedPointwise.Run(new Op<T>(Lists.Array(Weight)), predictions, targets, values, gradient, reduction, predictions.Length);
    }

    internal readonly struct Op<T>(double[]? weight) : IIndexedPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(int index, T prediction, T target, out T derivative)
        {
            T floor = Num.C<T>(-100);
            T logP = T.Max(T.Log(prediction), floor);
            T log1mP = T.Max(Num.Log1P(-prediction), floor);
            T w = weight is null ? T.One : Num.C<T>(weight[index % weight.Length]);
            derivative = w * (prediction - target) / T.Max((T.One - prediction) * prediction, Num.C<T>(1e-12));
            return -w * (target * logP + (T.One - target) * log1mP);
        }
    }
}
