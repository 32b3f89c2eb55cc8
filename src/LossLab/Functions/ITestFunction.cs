namespace LossLab.Functions;

/// <summary>
/// An optimization test surface: a function of <see cref="Dimension"/> variables with its exact gradient,
/// evaluated in float64. <see cref="TestFunctionExtensions.Evaluate(ITestFunction, ReadOnlySpan{float}, Span{float})"/>
/// is the float32 form an optimizer sees (the rule PyTorch goldens are generated with).
/// </summary>
public interface ITestFunction
{
    /// <summary>The catalog key (for example <c>rosenbrock</c>).</summary>
    string Name { get; }

    /// <summary>The number of variables.</summary>
    int Dimension { get; }

    /// <summary>The formula, for printing.</summary>
    string Formula { get; }

    /// <summary>A global minimizer, or an empty list when the function is unbounded below.</summary>
    IReadOnlyList<double> Minimum { get; }

    /// <summary>The global minimum value (<see cref="double.NegativeInfinity"/> when unbounded below).</summary>
    double MinimumValue { get; }

    /// <summary>
    /// The value at <paramref name="x"/>, with the gradient written to <paramref name="gradient"/>
    /// (pass an empty span to skip the gradient).
    /// </summary>
    /// <exception cref="ArgumentException">A span's length differs from <see cref="Dimension"/>.</exception>
    double Evaluate(ReadOnlySpan<double> x, Span<double> gradient);
}

/// <summary>
/// Base of the LossLab test surfaces: checks the lengths, then computes the value and gradient in float64.
/// </summary>
public abstract record TestFunction : ITestFunction
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract int Dimension { get; }

    /// <inheritdoc/>
    public abstract string Formula { get; }

    /// <inheritdoc/>
    public abstract IReadOnlyList<double> Minimum { get; }

    /// <inheritdoc/>
    public abstract double MinimumValue { get; }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<double> x, Span<double> gradient)
    {
        if (x.Length != Dimension)
        {
            throw new ArgumentException($"{Name} takes {Dimension} variables, got {x.Length}", nameof(x));
        }

        if (!gradient.IsEmpty && gradient.Length != Dimension)
        {
            throw new ArgumentException($"{Name}: the gradient must have {Dimension} entries (or none), got {gradient.Length}", nameof(gradient));
        }

        return Compute(x, gradient);
    }

    /// <summary>The value, and the gradient when <paramref name="gradient"/> is not empty (lengths already checked).</summary>
    protected abstract double Compute(ReadOnlySpan<double> x, Span<double> gradient);
}

/// <summary>The float32 view of a test function.</summary>
public static class TestFunctionExtensions
{
    private const int StackLimit = 64;

    /// <summary>
    /// Evaluates in float64 at the float32 point <paramref name="x"/> and rounds to float32: the value returned and
    /// every gradient entry are the float64 results rounded to nearest. This is exactly the closure the PyTorch goldens
    /// use (<c>tools/generate_lbfgs_goldens.py</c>), so optimizer trajectories can be compared bit for bit.
    /// </summary>
    /// <param name="function">The test function.</param>
    /// <param name="x">The point (float32).</param>
    /// <param name="gradient">Receives the gradient rounded to float32 (empty: skip it).</param>
    /// <exception cref="ArgumentException">A span's length differs from the dimension.</exception>
    public static float Evaluate(this ITestFunction function, ReadOnlySpan<float> x, Span<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(function);
        int n = x.Length;
        if (!gradient.IsEmpty && gradient.Length != n)
        {
            throw new ArgumentException($"{function.Name}: the gradient must have {n} entries (or none), got {gradient.Length}", nameof(gradient));
        }

        Span<double> x64 = n <= StackLimit ? stackalloc double[n] : new double[n];
        Span<double> g64 = gradient.IsEmpty ? default : n <= StackLimit ? stackalloc double[n] : new double[n];
        for (int i = 0; i < n; i++)
        {
            x64[i] = x[i];
        }

        double value = function.Evaluate(x64, g64);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] = (float)g64[i];
        }

        return (float)value;
    }

    /// <summary>The float32 evaluation as an <see cref="Optim.Objective"/> for <see cref="Optim.Lbfgs"/>.</summary>
    public static Optim.Objective ToObjective(this ITestFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return (parameters, gradient) => function.Evaluate(parameters, gradient);
    }
}
