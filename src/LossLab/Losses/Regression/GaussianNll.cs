using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Gaussian negative log-likelihood (PyTorch <c>GaussianNLLLoss</c>) of a target y under a predicted mean μ and
/// variance σ². Predictions are (μ, σ²) pairs, interleaved: [μ₀, σ²₀, μ₁, σ²₁, …]; targets hold one y per pair.
/// ℓ = ½(log v + (μ − y)²/v) (+ ½·log 2π when <c>full</c>), with v = max(σ², eps).
/// Gradients: ∂ℓ/∂μ = (μ − y)/v, ∂ℓ/∂σ² = ½(1/v − (μ − y)²/v²) (the clamp is ignored, as PyTorch's autograd does).
/// A negative variance is an error. <c>mean</c> divides by the number of pairs.
/// </summary>
public sealed record GaussianNll : Loss
{
    /// <summary>Creates a Gaussian NLL loss.</summary>
    /// <param name="full">Whether to add the constant ½·log 2π.</param>
    /// <param name="eps">The floor on the variance, for stability.</param>
    public GaussianNll(bool full = false, double eps = 1e-6)
    {
        Full = full;
        Eps = eps;
    }

    /// <summary>Whether the constant ½·log 2π is added (default false).</summary>
    public bool Full { get; init; }

    /// <summary>The floor on the variance (default 1e-6).</summary>
    public double Eps { get; init => field = Guard.Positive(value, "eps"); }

    /// <inheritdoc/>
    public override string Name => "gaussian_nll";

    /// <inheritdoc/>
    public override int ItemCount(int predictionLength, int targetLength)
    {
        if (predictionLength != 2 * targetLength)
        {
            throw new ArgumentException(
                $"gaussian_nll: predictions are (mean, variance) pairs, so there must be 2 per target (got {predictionLength} predictions for {targetLength} targets)",
                "predictions");
        }

        return targetLength;
    }

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
    {
        int n = targets.Length;
        T eps = Num.C<T>(Eps);
        T half = Num.C<T>(0.5);
        T constant = Full ? Num.C<T>(0.5 * Math.Log(2 * Math.PI)) : T.Zero;
        T scale = reduction == Reduction.Mean ? T.One / T.CreateTruncating(n) : T.One;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            T mu = predictions[2 * i];
            T variance = predictions[(2 * i) + 1];
            if (variance < T.Zero)
            {
                throw new ArgumentException($"gaussian_nll: variance at pair {i} is negative ({variance}); variances must be >= 0", nameof(predictions));
            }

            T v = T.Max(variance, eps);
            T z = mu - targets[i];
            T value = half * (T.Log(v) + z * z / v) + constant;
            sum += Num.D(value);
            if (!values.IsEmpty)
            {
                values[i] = value;
            }

            if (!gradient.IsEmpty)
            {
                gradient[2 * i] = z / v * scale;
                gradient[(2 * i) + 1] = half * (T.One / v - z * z / (v * v)) * scale;
            }
        }

        return reduction == Reduction.Mean ? sum / n : sum;
    }
}
