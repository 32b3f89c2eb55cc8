namespace LossLab.Optim;

/// <summary>
/// A scalar as PyTorch's L-BFGS holds it: either a Python float (float64) or a 0-dim float32 tensor, with
/// PyTorch's promotion rules, so that step lengths and slopes round exactly where PyTorch's do.
/// </summary>
/// <remarks>
/// Python float ∘ Python float is float64 arithmetic. As soon as one operand is a float32 tensor, the Python float is
/// rounded to float32 and the operation is done in float32 — except <c>float / tensor</c>, which PyTorch evaluates as
/// <c>tensor.reciprocal() * float</c> (two roundings). Comparisons follow the same rule. <see cref="Min"/> and
/// <see cref="Max"/> are Python's builtins: they return one of their arguments, type included.
/// A Python int (PyTorch's <c>t_prev = 0</c>, <c>H_diag = 1</c>) behaves as the Python float of the same value here.
/// </remarks>
internal readonly struct TorchScalar
{
    private TorchScalar(double value, bool isTensor)
    {
        Value = value;
        IsTensor = isTensor;
    }

    /// <summary>The value (a float32 value when <see cref="IsTensor"/>).</summary>
    public double Value { get; }

    /// <summary>Whether this is a 0-dim float32 tensor rather than a Python float.</summary>
    public bool IsTensor { get; }

    /// <summary>The value rounded to float32: what a float32 kernel receives (a tensor operand, or an <c>alpha</c> Scalar).</summary>
    public float Single => (float)Value;

    /// <summary>A Python float.</summary>
    public static implicit operator TorchScalar(double value) => new(value, false);

    /// <summary>A 0-dim float32 tensor.</summary>
    public static TorchScalar Tensor(float value) => new(value, true);

    public static TorchScalar operator +(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? Tensor(a.Single + b.Single) : a.Value + b.Value;

    public static TorchScalar operator -(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? Tensor(a.Single - b.Single) : a.Value - b.Value;

    public static TorchScalar operator *(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? Tensor(a.Single * b.Single) : a.Value * b.Value;

    public static TorchScalar operator /(TorchScalar a, TorchScalar b)
        => (a.IsTensor, b.IsTensor) switch
        {
            (false, false) => a.Value / b.Value,
            (false, true) => Tensor(1f / b.Single * a.Single), // Tensor.__rtruediv__: reciprocal, then multiply
            _ => Tensor(a.Single / b.Single),
        };

    public static TorchScalar operator -(TorchScalar a) => a.IsTensor ? Tensor(-a.Single) : -a.Value;

    public static bool operator <(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? a.Single < b.Single : a.Value < b.Value;

    public static bool operator >(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? a.Single > b.Single : a.Value > b.Value;

    public static bool operator <=(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? a.Single <= b.Single : a.Value <= b.Value;

    public static bool operator >=(TorchScalar a, TorchScalar b)
        => a.IsTensor || b.IsTensor ? a.Single >= b.Single : a.Value >= b.Value;

    /// <summary>Python's <c>abs</c> (<c>Tensor.abs</c> for a tensor).</summary>
    public static TorchScalar Abs(TorchScalar a) => a.IsTensor ? Tensor(MathF.Abs(a.Single)) : Math.Abs(a.Value);

    /// <summary><c>Tensor.sqrt</c> (float64 for a Python float).</summary>
    public static TorchScalar Sqrt(TorchScalar a) => a.IsTensor ? Tensor(MathF.Sqrt(a.Single)) : Math.Sqrt(a.Value);

    /// <summary>Python's <c>min(a, b)</c>: <paramref name="a"/> unless <c>b &lt; a</c>.</summary>
    public static TorchScalar Min(TorchScalar a, TorchScalar b) => b < a ? b : a;

    /// <summary>Python's <c>max(a, b)</c>: <paramref name="a"/> unless <c>b &gt; a</c>.</summary>
    public static TorchScalar Max(TorchScalar a, TorchScalar b) => b > a ? b : a;

    /// <inheritdoc/>
    public override string ToString() => IsTensor ? $"tensor({Single:R})" : Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
