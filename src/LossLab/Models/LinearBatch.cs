using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Losses;

namespace LossLab.Models;

/// <summary>
/// Many one-output linear models of the same shape (d inputs) evaluated together on the same rows, one model per float
/// lane: the rows are read once for all of them. Parameters are K blocks in <see cref="LinearModel"/>'s layout
/// (W_k, then b_k). Outputs are row-major rows × <see cref="Stride"/> with model k's output for row n at
/// [n·Stride + k]: y[n, k] = b_k + Σⱼ x[n, j]·W_k[j], the products summed in double in the order j = 0, 1, … and then
/// the bias added, which for d &lt; 8 is bit for bit what <see cref="LinearModel"/> computes (from d = 8 on it sums in
/// another order, equal to rounding). The padding columns from K up to <see cref="Stride"/> hold 0.
/// Backward: ∂W_k[j] = Σₙ δ[n, k]·x[n, j] and ∂b_k = Σₙ δ[n, k], summed in double (each product exact) and rounded
/// once. This is the layout of <see cref="PointwiseLoss.TryEvaluateModels"/>, so a batch of models takes one forward
/// pass, one loss pass and one backward pass per step. Buffers are created once; no call allocates.
/// </summary>
public sealed class LinearBatch
{
    private readonly double[] _weights;
    private readonly double[] _bias;
    private readonly double[] _sums;

    /// <summary>Creates the batch.</summary>
    /// <param name="inputs">Features per row (d ≥ 1).</param>
    /// <param name="models">Models in the batch (K ≥ 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputs"/> or <paramref name="models"/> below 1, or the batch too large.</exception>
    public LinearBatch(int inputs, int models)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(models, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)models * (inputs + 1), Array.MaxLength, nameof(models));
        Inputs = inputs;
        Models = models;
        Stride = PointwiseLoss.ModelStride(models);
        _weights = new double[inputs * Stride];
        _bias = new double[Stride];
        _sums = new double[(inputs + 1) * Stride];
    }

    /// <summary>Features per row (d).</summary>
    public int Inputs { get; }

    /// <summary>Models in the batch (K).</summary>
    public int Models { get; }

    /// <summary>Columns per output row: K rounded up to a multiple of 8.</summary>
    public int Stride { get; }

    /// <summary>Parameters of one model: d weights and a bias.</summary>
    public int ParametersPerModel => Inputs + 1;

    /// <summary>Outputs of every model for <paramref name="rows"/> rows of <paramref name="inputs"/> (rows × d, row-major).</summary>
    /// <exception cref="ArgumentException">A span has the wrong length for the shape.</exception>
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int rows, Span<float> outputs)
    {
        Check(parameters.Length, inputs.Length, rows);
        CheckAtLeast(outputs.Length, rows * Stride, nameof(outputs));
        int d = Inputs;
        for (int k = 0; k < Models; k++)
        {
            ReadOnlySpan<float> model = parameters.Slice(k * (d + 1), d + 1);
            for (int j = 0; j < d; j++)
            {
                _weights[(j * Stride) + k] = model[j];
            }

            _bias[k] = model[d];
        }

        ref double w0 = ref MemoryMarshal.GetArrayDataReference(_weights);
        ref double b0 = ref MemoryMarshal.GetArrayDataReference(_bias);
        ref float x0 = ref MemoryMarshal.GetReference(inputs);
        ref float y0 = ref MemoryMarshal.GetReference(outputs);
        for (int n = 0; n < rows; n++)
        {
            ref float row = ref Unsafe.Add(ref x0, n * d);
            for (int group = 0; group < Stride; group += 8)
            {
                Vector256<double> lo = Vector256<double>.Zero, hi = Vector256<double>.Zero;
                for (int j = 0; j < d; j++)
                {
                    var x = Vector256.Create((double)Unsafe.Add(ref row, j));
                    ref double w = ref Unsafe.Add(ref w0, (j * Stride) + group);
                    lo += x * Vector256.LoadUnsafe(ref w);
                    hi += x * Vector256.LoadUnsafe(ref w, 4);
                }

                lo += Vector256.LoadUnsafe(ref b0, (nuint)group);
                hi += Vector256.LoadUnsafe(ref b0, (nuint)(group + 4));
                Vector256.Narrow(lo, hi).StoreUnsafe(ref y0, (nuint)((n * Stride) + group));
            }
        }
    }

    /// <summary>
    /// The parameter gradients of every model, K blocks of d + 1, from the output gradient δ (rows × <see cref="Stride"/>,
    /// the layout of <see cref="Forward"/>) and the same inputs.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length for the shape.</exception>
    public void Backward(ReadOnlySpan<float> inputs, int rows, ReadOnlySpan<float> outputGradient, Span<float> parameterGradient)
    {
        Check(parameterGradient.Length, inputs.Length, rows);
        CheckAtLeast(outputGradient.Length, rows * Stride, nameof(outputGradient));
        int d = Inputs;
        ref float x0 = ref MemoryMarshal.GetReference(inputs);
        ref float g0 = ref MemoryMarshal.GetReference(outputGradient);
        ref double s0 = ref MemoryMarshal.GetArrayDataReference(_sums);
        for (int group = 0; group < Stride; group += 8)
        {
            // Input j (j = d is the bias, x = 1): two pairs of accumulators over even and odd rows, so that two chains of
            // additions run at once; they are added at the end.
            for (int j = 0; j <= d; j++)
            {
                Vector256<double> evenLo = Vector256<double>.Zero, evenHi = Vector256<double>.Zero;
                Vector256<double> oddLo = Vector256<double>.Zero, oddHi = Vector256<double>.Zero;
                int n = 0;
                for (; n + 1 < rows; n += 2)
                {
                    Vector256<float> a = Vector256.LoadUnsafe(ref g0, (nuint)((n * Stride) + group));
                    Vector256<float> b = Vector256.LoadUnsafe(ref g0, (nuint)(((n + 1) * Stride) + group));
                    Vector256<double> xa = j < d ? Vector256.Create((double)Unsafe.Add(ref x0, (n * d) + j)) : Vector256<double>.One;
                    Vector256<double> xb = j < d ? Vector256.Create((double)Unsafe.Add(ref x0, ((n + 1) * d) + j)) : Vector256<double>.One;
                    evenLo += Vector256.WidenLower(a) * xa;
                    evenHi += Vector256.WidenUpper(a) * xa;
                    oddLo += Vector256.WidenLower(b) * xb;
                    oddHi += Vector256.WidenUpper(b) * xb;
                }

                if (n < rows)
                {
                    Vector256<float> a = Vector256.LoadUnsafe(ref g0, (nuint)((n * Stride) + group));
                    Vector256<double> xa = j < d ? Vector256.Create((double)Unsafe.Add(ref x0, (n * d) + j)) : Vector256<double>.One;
                    evenLo += Vector256.WidenLower(a) * xa;
                    evenHi += Vector256.WidenUpper(a) * xa;
                }

                ref double sum = ref Unsafe.Add(ref s0, (j * Stride) + group);
                (evenLo + oddLo).StoreUnsafe(ref sum);
                (evenHi + oddHi).StoreUnsafe(ref sum, 4);
            }
        }

        for (int k = 0; k < Models; k++)
        {
            Span<float> model = parameterGradient.Slice(k * (d + 1), d + 1);
            for (int j = 0; j <= d; j++)
            {
                model[j] = (float)_sums[(j * Stride) + k];
            }
        }
    }

    private void Check(int parameters, int inputs, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        if (parameters != Models * (Inputs + 1))
        {
            throw new ArgumentException($"parameters has length {parameters}, expected {Models * (Inputs + 1)} ({Models} models × {Inputs + 1})", nameof(parameters));
        }

        if ((long)rows * Inputs != inputs)
        {
            throw new ArgumentException($"inputs has length {inputs}, expected {(long)rows * Inputs} ({rows} rows × {Inputs})", nameof(inputs));
        }
    }

    private static void CheckAtLeast(int actual, long expected, string name)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"{name} has length {actual}, needs at least {expected}", name);
        }
    }
}
