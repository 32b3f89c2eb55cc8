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
    /// <summary>Runs the element-wise operator for <typeparamref name="T"/>.</summary>
    private protected static double Run<T, TOp>(TOp op, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IPointwise<T>
        => Pointwise.Run(op, predictions, targets, values, gradient, reduction);
}
