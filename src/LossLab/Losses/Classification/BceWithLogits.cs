using System.Numerics;
using System.Runtime.Intrinsics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Binary cross-entropy on logits (PyTorch <c>BCEWithLogitsLoss</c>), logit x, target y ∈ [0, 1], weight w,
/// positive-class weight p_w, L = 1 + (p_w − 1)·y:
/// ℓ = w·((1 − y)·x − L·log σ(x)), with log σ computed stably as −softplus(−x).
/// Gradient ∂ℓ/∂x = w·((p_w·y + 1 − y)·σ(x) − p_w·y). Finite for any finite logit.
/// A target outside [0, 1] is an error (it would make the loss unbounded below).
/// <c>mean</c> divides by the number of elements.
/// </summary>
public sealed record BceWithLogits : PointwiseLoss
{
    /// <summary>Creates a binary cross-entropy loss on logits.</summary>
    /// <param name="weight">Optional non-negative per-element weights, broadcast over the last dimension.</param>
    /// <param name="posWeight">Optional non-negative weights of the positive term, broadcast over the last dimension (one per class).</param>
    public BceWithLogits(IReadOnlyList<double>? weight = null, IReadOnlyList<double>? posWeight = null)
    {
        Weight = weight;
        PosWeight = posWeight;
    }

    /// <summary>
    /// Non-negative weights w broadcast over the last dimension: element i is multiplied by weight[i mod count]
    /// (default null, all 1). The number of predictions must be a multiple of the count.
    /// </summary>
    public IReadOnlyList<double>? Weight { get; init => field = Guard.NonNegativeList(value, "weight"); }

    /// <summary>
    /// Non-negative weights p_w of the positive term (<c>pos_weight</c>), broadcast over the last dimension:
    /// element i uses pos_weight[i mod count] (default null, all 1). p_w &gt; 1 raises recall, &lt; 1 precision.
    /// </summary>
    public IReadOnlyList<double>? PosWeight { get; init => field = Guard.NonNegativeList(value, "pos_weight"); }

    /// <inheritdoc/>
    public override string Name => "bce_with_logits";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        int items = base.ItemCount(predictionLength, targetLength);
        ClassLayout.CheckBroadcastList(Name, Weight, "weight", predictionLength);
        ClassLayout.CheckBroadcastList(Name, PosWeight, "pos_weight", predictionLength);
        return items;
    }

    /// <inheritdoc/>
    public bool Equals(BceWithLogits? other)
        => ReferenceEquals(this, other)
            || (base.Equals(other) && Lists.Equal(Weight, other.Weight) && Lists.Equal(PosWeight, other.PosWeight));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(base.GetHashCode(), Lists.Hash(Weight), Lists.Hash(PosWeight));

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        ClassLayout.CheckUnitTargets(Name, targets);
        return Weight is null && PosWeight is null && Fused.Applies(values)
            ? Fused.Run(default(FusedOp), predictions, targets, gradient, reduction)
            : IndexedPointwise.Run(new Op<T>(Lists.Array(Weight), Lists.Array(PosWeight)), predictions, targets, values, gradient, reduction, predictions.Length);
    }

    /// <summary>
    /// The fused float32 kernel without weights: with e = e^(−|x|) ∈ (0, 1], ℓ = max(x, 0) − x·y + log1p(e) and
    /// ∂ℓ/∂x = σ(x) − y = ([x ≥ 0] − y) ∓ e/(1 + e) (− for x ≥ 0), so that no exponential overflows and the
    /// gradient keeps its precision where σ(x) is near 1. log1p(e) is a polynomial in e (no exponent split) and
    /// 1/(1 + e) a reciprocal estimate refined by one Newton step (<see cref="VectorMath.Reciprocal"/>).
    /// </summary>
    internal readonly struct FusedOp : IFusedPointwise
    {
        public float Evaluate(float prediction, float target, out float derivative)
            => new Op<float>(null, null).Evaluate(0, prediction, target, out derivative);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Evaluate(Vector256<float> prediction, Vector256<float> target, out Vector256<float> derivative)
        {
            Vector256<float> signBit = Vector256.Create(-0f);
            Vector256<float> e = VectorMath.ExpNonPositive(prediction | signBit);
            Vector256<float> positive = Vector256.GreaterThanOrEqual(prediction, Vector256<float>.Zero);
            Vector256<float> signedE = e ^ (positive & signBit);
            Vector256<float> r = VectorMath.Reciprocal(Vector256<float>.One + e);
            derivative = Mad(signedE, r, (positive & Vector256<float>.One) - target);
            return Mad(-prediction, target, Vector256.MaxNative(prediction, Vector256<float>.Zero)) + VectorMath.Log1PUnit(e);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static Vector256<float> Mad(Vector256<float> a, Vector256<float> b, Vector256<float> c)
            => System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : (a * b) + c;
    }

    /// <inheritdoc/>
    private protected override bool EvaluateModels(ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        => Weight is null && PosWeight is null && RunModels(default(FusedOp), predictions, models, targets, gradient, values);

    internal readonly struct Op<T>(double[]? weight, double[]? posWeight) : IIndexedPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(int index, T prediction, T target, out T derivative)
        {
            T w = weight is null ? T.One : Num.C<T>(weight[index % weight.Length]);
            T pw = posWeight is null ? T.One : Num.C<T>(posWeight[index % posWeight.Length]);
            T oneMinusY = T.One - target;
            T l = T.One + (pw - T.One) * target;
            derivative = w * ((pw * target + oneMinusY) * Num.Sigmoid(prediction) - pw * target);
            return w * (oneMinusY * prediction - l * Num.LogSigmoid(prediction));
        }
    }
}
