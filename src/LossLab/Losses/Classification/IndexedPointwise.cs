using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>An element-wise loss whose operator needs the element's position (for broadcast weights).</summary>
internal interface IIndexedPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>ℓ(p, t) for element <paramref name="index"/>, with ∂ℓ/∂p written to <paramref name="derivative"/>.</summary>
    T Evaluate(int index, T prediction, T target, out T derivative);
}

/// <summary>
/// The driver loop of position-aware element-wise losses: like <see cref="Pointwise"/>, plus <c>batchmean</c>
/// (sum divided by <c>batchRows</c>).
/// </summary>
internal static class IndexedPointwise
{
    public static double Run<T, TOp>(TOp op, ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction, int batchRows)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : struct, IIndexedPointwise<T>
    {
        int n = predictions.Length;
        targets = targets[..n];
        double divisor = reduction switch
        {
            Reduction.Mean => n,
            Reduction.BatchMean => batchRows,
            _ => 1,
        };
        T scale = Num.C<T>(1.0 / divisor);
        bool wantValues = !values.IsEmpty;
        bool wantGradient = !gradient.IsEmpty;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            T v = op.Evaluate(i, predictions[i], targets[i], out T d);
            sum += Num.D(v);
            if (wantValues)
            {
                values[i] = v;
            }

            if (wantGradient)
            {
                gradient[i] = d * scale;
            }
        }

        return sum / divisor;
    }
}
