using System.Numerics;
using System.Numerics.Tensors;

namespace LossLab.Losses;

/// <summary>
/// A loss: its value and its exact gradient with respect to the predictions.
/// </summary>
/// <remarks>
/// Predictions and targets are flat, row-major spans. Element-wise losses take one prediction per target;
/// class losses take N×C logits; box losses take 4 numbers per box (x1, y1, x2, y2). <see cref="ItemCount"/>
/// says how many per-item values <see cref="Reduction.None"/> produces and validates the shapes.
/// </remarks>
public interface ILoss
{
    /// <summary>The catalog key, PyTorch's snake_case name (for example <c>huber</c>).</summary>
    string Name { get; }

    /// <summary>Validates the lengths and returns the number of items (values under <see cref="Reduction.None"/>).</summary>
    /// <exception cref="ArgumentException">The lengths do not fit this loss.</exception>
    int ItemCount(int predictionLength, int targetLength);

    /// <summary>
    /// The reduced loss, and its gradient with respect to <paramref name="predictions"/> written to
    /// <paramref name="gradient"/> (pass an empty span to skip the gradient). Under <see cref="Reduction.None"/>
    /// the value returned is the sum of the items and the gradient is the element-wise derivative.
    /// </summary>
    double Evaluate(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient, Reduction reduction = Reduction.Mean);

    /// <inheritdoc cref="Evaluate(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Reduction)"/>
    double Evaluate(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, Span<double> gradient, Reduction reduction = Reduction.Mean);

    /// <summary>The per-item values (the <see cref="Reduction.None"/> output) and the element-wise derivative.</summary>
    void EvaluateItems(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> values, Span<float> gradient);

    /// <inheritdoc cref="EvaluateItems(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    void EvaluateItems(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, Span<double> values, Span<double> gradient);
}

/// <summary>
/// Base of every LossLab loss: shape checks and dispatch to one generic implementation that serves
/// float32 (training, PyTorch parity) and float64 (finite-difference reference) alike.
/// </summary>
public abstract record Loss : ILoss
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>Whether <see cref="Reduction.BatchMean"/> is accepted (only <c>kl_div</c>).</summary>
    protected virtual bool SupportsBatchMean => false;

    /// <summary>Whether an empty input is accepted (box losses: the mean of no boxes is 0).</summary>
    protected virtual bool AllowsEmpty => false;

    /// <inheritdoc/>
    public virtual int ItemCount(int predictionLength, int targetLength)
    {
        if (predictionLength != targetLength)
        {
            throw new ArgumentException(
                $"{Name}: predictions and targets must have the same length (got {predictionLength} and {targetLength})",
                "targets");
        }

        return predictionLength;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Where a float32 intermediate overflows although the inputs are finite (a value or a gradient comes out NaN or
    /// ±∞), the call is evaluated again in float64 and rounded to float32: the value returned is then the float64 one,
    /// and a gradient entry is ±∞ only where its exact value lies beyond the float32 range. Non-finite inputs (a
    /// diverged model) are left to propagate.
    /// </remarks>
    public double Evaluate(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> gradient, Reduction reduction = Reduction.Mean)
    {
        Check(predictions.Length, targets.Length, gradient.Length, reduction);
        double value = Compute(predictions, targets, default, gradient, reduction);
        return double.IsFinite(value) && AllFinite(gradient)
            ? value
            : InDouble(predictions, targets, default, gradient, reduction, value);
    }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, Span<double> gradient, Reduction reduction = Reduction.Mean)
    {
        Check(predictions.Length, targets.Length, gradient.Length, reduction);
        return Compute(predictions, targets, default, gradient, reduction);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As for <see cref="Evaluate(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Reduction)"/>, a NaN or ±∞ from
    /// finite inputs is recomputed in float64 and rounded: ±∞ then means the exact value exceeds the float32 range.
    /// </remarks>
    public void EvaluateItems(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> values, Span<float> gradient)
    {
        int items = Check(predictions.Length, targets.Length, gradient.Length, Reduction.None);
        CheckValues(items, values.Length);
        double sum = Compute(predictions, targets, values, gradient, Reduction.None);
        if (!double.IsFinite(sum) || !AllFinite(values) || !AllFinite(gradient))
        {
            InDouble(predictions, targets, values, gradient, Reduction.None, sum);
        }
    }

    /// <inheritdoc/>
    public void EvaluateItems(ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets, Span<double> values, Span<double> gradient)
    {
        int items = Check(predictions.Length, targets.Length, gradient.Length, Reduction.None);
        CheckValues(items, values.Length);
        Compute(predictions, targets, values, gradient, Reduction.None);
    }

    /// <summary>
    /// The loss for one precision. <paramref name="values"/> is empty unless per-item values are wanted;
    /// <paramref name="gradient"/> is empty when no gradient is wanted. Shapes were checked by <see cref="ItemCount"/>.
    /// </summary>
    protected abstract double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Evaluates a float32 call again in float64 (when its inputs are finite) and rounds the outputs back; returns
    /// <paramref name="value"/> unchanged for non-finite inputs.
    /// </summary>
    private double InDouble(ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets, Span<float> values, Span<float> gradient, Reduction reduction, double value)
    {
        if (!AllFinite(predictions) || !AllFinite(targets))
        {
            return value;
        }

        double[] p = new double[predictions.Length];
        double[] t = new double[targets.Length];
        TensorPrimitives.ConvertChecked(predictions, p.AsSpan());
        TensorPrimitives.ConvertChecked(targets, t.AsSpan());
        double[] v = new double[values.Length];
        double[] g = new double[gradient.Length];
        double result = Compute<double>(p, t, v, g, reduction);
        TensorPrimitives.ConvertTruncating(v, values);
        TensorPrimitives.ConvertTruncating(g, gradient);
        return result;
    }

    /// <summary>Whether every entry is finite (true for an empty span).</summary>
    private static bool AllFinite(ReadOnlySpan<float> span) => span.IsEmpty || TensorPrimitives.IsFiniteAll(span);

    private int Check(int predictionLength, int targetLength, int gradientLength, Reduction reduction)
    {
        if (reduction == Reduction.BatchMean && !SupportsBatchMean)
        {
            throw new ArgumentException($"{Name}: reduction 'batchmean' is only defined for kl_div; use mean, sum or none", nameof(reduction));
        }

        if (predictionLength == 0 && !AllowsEmpty)
        {
            throw new ArgumentException($"{Name}: predictions are empty", "predictions");
        }

        int items = ItemCount(predictionLength, targetLength);
        if (gradientLength != 0 && gradientLength != predictionLength)
        {
            throw new ArgumentException(
                $"{Name}: gradient must have the length of the predictions ({predictionLength}) or be empty (got {gradientLength})",
                "gradient");
        }

        return items;
    }

    private void CheckValues(int items, int valuesLength)
    {
        if (valuesLength != items)
        {
            throw new ArgumentException($"{Name}: values must have one entry per item ({items}), got {valuesLength}", "values");
        }
    }
}
