using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>The value and derivative (with respect to the prediction) of an element-wise loss.</summary>
internal interface IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>ℓ(p, t), with ∂ℓ/∂p written to <paramref name="derivative"/>.</summary>
    T Evaluate(T prediction, T target, out T derivative);
}

/// <summary>The one driver loop of element-wise losses: reductions, double accumulation, gradient scaling.</summary>
internal static class Pointwise
{
    public static double Run<T, TOp>(TOp op, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IPointwise<T>
    {
        int n = predictions.Length;
        targets = targets[..n];
        T scale = reduction == Reduction.Mean ? T.One / T.CreateTruncating(n) : T.One;
        double sum = 0;
        bool wantValues = !values.IsEmpty;
        if (gradient.IsEmpty)
        {
            for (int i = 0; i < n; i++)
            {
                T v = op.Evaluate(predictions[i], targets[i], out _);
                sum += Num.D(v);
                if (wantValues)
                {
                    values[i] = v;
                }
            }
        }
        else
        {
            gradient = gradient[..n];
            for (int i = 0; i < n; i++)
            {
                T v = op.Evaluate(predictions[i], targets[i], out T d);
                sum += Num.D(v);
                gradient[i] = d * scale;
                if (wantValues)
                {
                    values[i] = v;
                }
            }
        }

        return reduction == Reduction.Mean ? sum / n : sum;
    }
}

/// <summary>Base of losses that apply one function to each (prediction, target) pair.</summary>
public abstract record PointwiseLoss : Loss
{
    /// <summary>
    /// Evaluates many models on the same targets in one pass (mean reduction), one model per float lane, for training
    /// or scoring many small models at once. <paramref name="predictions"/> is rows × S row-major with model k's
    /// prediction for row n at [n·S + k], where S = <paramref name="models"/> rounded up to a multiple of 8
    /// (<see cref="ModelStride"/>); rows = <paramref name="targets"/>.Length. Writes
    /// values[k] = (1/rows)·Σₙ ℓ(p[n, k], yₙ) and gradient[n·S + k] = ℓ′(p[n, k], yₙ)/rows: from 8 rows on, the
    /// same bits as <see cref="Loss.Evaluate(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Reduction)"/> gives
    /// each model alone (the values may differ in the last bits, being summed in another order). Columns from
    /// <paramref name="models"/> up to S are computed from whatever they hold and otherwise ignored.
    /// </summary>
    /// <returns>False, writing nothing, when this loss (with its settings) has no batched kernel.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="models"/> below 1 or no targets.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    public bool TryEvaluateModels(ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(models, 1);
        ArgumentOutOfRangeException.ThrowIfZero(targets.Length, nameof(targets));
        return EvaluateModels(predictions, models, targets, gradient, values);
    }

    /// <summary>Columns per row of <see cref="TryEvaluateModels"/> for <paramref name="models"/> models (a multiple of 8).</summary>
    public static int ModelStride(int models)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(models, 1);
        return Fused.ModelStride(models);
    }

    /// <summary>The batched kernel of <see cref="TryEvaluateModels"/>; false when there is none.</summary>
    private protected virtual bool EvaluateModels(ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        => false;

    /// <summary>Runs the batched kernel of a fused operator.</summary>
    private protected static bool RunModels<TOp>(TOp op, ReadOnlySpan<float> predictions, int models, ReadOnlySpan<float> targets, Span<float> gradient, Span<double> values)
        where TOp : struct, IFusedPointwise
    {
        Fused.RunModels(op, predictions, models, targets, gradient, values);
        return true;
    }

    /// <summary>Runs the element-wise operator for <typeparamref name="T"/>.</summary>
    private protected static double Run<T, TOp>(TOp op, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IPointwise<T>
        => Pointwise.Run(op, predictions, targets, values, gradient, reduction);
}
