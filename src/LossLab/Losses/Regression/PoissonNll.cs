using System.Numerics;
using LossLab.Numerics;

namespace LossLab.Losses;

/// <summary>
/// Poisson negative log-likelihood (PyTorch <c>PoissonNLLLoss</c>) for counts y ≥ 0.
/// With <c>log_input</c> (the prediction x is log λ): ℓ = eˣ − y·x, gradient eˣ − y.
/// Otherwise (x is λ): ℓ = x − y·log(x + eps), gradient 1 − y/(x + eps).
/// With <c>full</c>, Stirling's term y·log y − y + ½·log(2πy) is added where y &gt; 1 (it does not depend on x).
/// </summary>
public sealed record PoissonNll : PointwiseLoss
{
    /// <summary>Creates a Poisson NLL loss.</summary>
    /// <param name="logInput">Whether predictions are log-rates (default true, PyTorch's default).</param>
    /// <param name="full">Whether to add Stirling's approximation of log(y!).</param>
    /// <param name="eps">Added to the rate before the logarithm when <paramref name="logInput"/> is false.</param>
    public PoissonNll(bool logInput = true, bool full = false, double eps = 1e-8)
    {
        LogInput = logInput;
        Full = full;
        Eps = eps;
    }

    /// <summary>Whether predictions are log-rates (default true).</summary>
    public bool LogInput { get; init; }

    /// <summary>Whether Stirling's term is added (default false).</summary>
    public bool Full { get; init; }

    /// <summary>Added to the rate inside the logarithm when <see cref="LogInput"/> is false (default 1e-8).</summary>
    public double Eps { get; init => field = Guard.Positive(value, "eps"); }

    /// <inheritdoc/>
    public override string Name => "poisson_nll";

    /// <inheritdoc/>
    protected override double Compute<T>(ReadOnlySpan<T> predictions, ReadOnlySpan<T> targets, Span<T> values, Span<T> gradient, Reduction reduction)
        => Run(new Op<T>(LogInput, Full, Num.C<T>(Eps)), predictions, targets, values, gradient, reduction);

    internal readonly struct Op<T>(bool logInput, bool full, T eps) : IPointwise<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Evaluate(T prediction, T target, out T derivative)
        {
            T value;
            if (logInput)
            {
                T e = T.Exp(prediction);
                value = e - target * prediction;
                derivative = e - target;
            }
            else
            {
                value = prediction - target * T.Log(prediction + eps);
                derivative = T.One - target / (prediction + eps);
            }

            if (full && target > T.One)
            {
                value += target * T.Log(target) - target + Num.C<T>(0.5) * T.Log(Num.C<T>(2 * Math.PI) * target);
            }

            return value;
        }
    }
}
