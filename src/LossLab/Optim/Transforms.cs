using System.Numerics.Tensors;
using LossLab.Numerics;
using LossLab.Schedules;

namespace LossLab.Optim;

/// <summary>u ← −u: PyTorch's <c>maximize=True</c> (ascend instead of descend).</summary>
public sealed record Negate : StatelessTransform
{
    /// <inheritdoc/>
    public override void Apply(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        => TensorPrimitives.Negate(updates, updates);
}

/// <summary>
/// u ← u + λ·θ. Before a scaling transform this is PyTorch's coupled <c>weight_decay</c> (L2 added to the gradient);
/// after it and before the learning rate it is decoupled decay (AdamW, Lion: θ ← θ − η·λ·θ − η·direction).
/// </summary>
public sealed record AddDecayedWeights : StatelessTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="weightDecay">λ ≥ 0.</param>
    public AddDecayedWeights(double weightDecay) => WeightDecay = weightDecay;

    /// <summary>λ ≥ 0.</summary>
    public double WeightDecay { get; init => field = Guard.NonNegative(value, "weight_decay"); }

    /// <inheritdoc/>
    public override void Apply(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
    {
        if (WeightDecay != 0)
        {
            TensorPrimitives.MultiplyAdd(parameters, (float)WeightDecay, updates, updates);
        }
    }
}

/// <summary>
/// Clip by global norm (PyTorch <c>clip_grad_norm_</c>): n = ‖u‖_p over all entries; when n &gt; max_norm,
/// u ← u·max_norm/(n + 1e-6). A non-finite norm throws with <c>error_if_nonfinite</c>, else passes through.
/// </summary>
public sealed record ClipByGlobalNorm : StatelessTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="maxNorm">The largest norm allowed (&gt; 0).</param>
    /// <param name="normType">The p of the p-norm (&gt; 0, or +∞ for the largest magnitude).</param>
    /// <param name="errorIfNonfinite">Throw <see cref="NonFiniteGradientException"/> on a NaN or infinite norm.</param>
    public ClipByGlobalNorm(double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        MaxNorm = maxNorm;
        NormType = normType;
        ErrorIfNonfinite = errorIfNonfinite;
    }

    /// <summary>The largest norm allowed.</summary>
    public double MaxNorm { get; init => field = Guard.Positive(value, "max_norm"); }

    /// <summary>The p of the norm (2 by default; +∞ allowed).</summary>
    public double NormType
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException("norm_type", value, "norm_type must be > 0 (or inf)");
    }

    /// <summary>Whether a NaN or infinite norm throws.</summary>
    public bool ErrorIfNonfinite { get; init; }

    /// <summary>False: the norm couples every entry.</summary>
    public override bool IsElementwise => false;

    /// <inheritdoc/>
    public override void Apply(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        => Clipping.ClipByNorm(updates, MaxNorm, NormType, ErrorIfNonfinite);
}

/// <summary>Clip each entry to [−c, c] (PyTorch <c>clip_grad_value_</c>).</summary>
public sealed record ClipByValue : StatelessTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="clipValue">c &gt; 0.</param>
    public ClipByValue(double clipValue) => ClipValue = clipValue;

    /// <summary>c &gt; 0.</summary>
    public double ClipValue { get; init => field = Guard.Positive(value, "clip_value"); }

    /// <inheritdoc/>
    public override void Apply(Span<float> updates, ReadOnlySpan<float> parameters, in StepContext context)
        => TensorPrimitives.Clamp(updates, (float)-ClipValue, (float)ClipValue, updates);
}

/// <summary>The norm of a gradient was NaN or infinite and the clipping rule was asked to fail on it.</summary>
public sealed class NonFiniteGradientException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteGradientException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public NonFiniteGradientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public NonFiniteGradientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Gradient clipping as functions, for trainers that also want the pre-clip norm.</summary>
public static class Clipping
{
    /// <summary>‖g‖_p accumulated in double (p = +∞: the largest magnitude).</summary>
    public static double Norm(ReadOnlySpan<float> gradient, double normType = 2)
    {
        if (double.IsPositiveInfinity(normType))
        {
            return gradient.IsEmpty ? 0 : Math.Abs((double)TensorPrimitives.MaxMagnitude(gradient));
        }

        double sum = 0;
        if (normType == 2)
        {
            foreach (float g in gradient)
            {
                sum += (double)g * g;
            }

            return Math.Sqrt(sum);
        }

        foreach (float g in gradient)
        {
            sum += Math.Pow(Math.Abs((double)g), normType);
        }

        return Math.Pow(sum, 1 / normType);
    }

    /// <summary>
    /// PyTorch's <c>clip_grad_norm_</c>: scales g by c = min(1, max_norm/(‖g‖ + 1e-6)) and returns the norm before clipping.
    /// As in PyTorch 1.13, c is computed in float32 from the norm rounded to float32 (the norm itself is accumulated in
    /// double); a NaN norm gives c = NaN (the gradient becomes NaN) and an infinite one c = 0.
    /// </summary>
    /// <exception cref="NonFiniteGradientException">The norm is NaN or infinite and <paramref name="errorIfNonfinite"/> is set.</exception>
    public static double ClipByNorm(Span<float> gradient, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        double total = Norm(gradient, normType);
        if (!double.IsFinite(total))
        {
            if (errorIfNonfinite)
            {
                throw new NonFiniteGradientException(
                    $"the total norm of order {normType} of the gradient is {total}; the gradient cannot be clipped (lower the learning rate or check the data)");
            }
        }

        // PyTorch 1.13 holds the norm in a float32 tensor, so max_norm/(total + 1e-6) and the clamp to 1 are float32
        // operations (a NaN norm gives a NaN coefficient, which PyTorch multiplies in); multiplying by exactly 1
        // changes nothing, so that case is skipped.
        float coefficient = MathF.Min((float)maxNorm / ((float)total + 1e-6f), 1f);
        if (coefficient != 1f)
        {
            TensorPrimitives.Multiply(gradient, coefficient, gradient);
        }

        return total;
    }
}
