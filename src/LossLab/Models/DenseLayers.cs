using System.Numerics;

namespace LossLab.Models;

/// <summary>
/// The shared engine of <see cref="LinearModel"/> (one layer) and <see cref="Mlp"/> (hidden layers, then a linear one):
/// a stack of fully connected layers z_l = a_(l−1)·W_lᵀ + b_l with a_0 = x, a_l = act(z_l) between layers and the last z
/// as the output. Parameters are W_1, b_1, W_2, b_2, … (PyTorch's <c>parameters()</c> order), each W row-major
/// (outputs × inputs). Products of two floats are exact in double, so every sum is accumulated in double and rounded
/// to float once.
/// </summary>
internal sealed class DenseLayers
{
    private readonly int[] _sizes;
    private readonly int[] _weightOffsets;
    private readonly int[] _biasOffsets;
    private readonly int _maxWidth;

    /// <summary>Creates the stack for layer widths <paramref name="sizes"/> (inputs, hidden…, outputs).</summary>
    public DenseLayers(int[] sizes, Activation activation)
    {
        _sizes = sizes;
        Activation = activation;
        int layers = sizes.Length - 1;
        _weightOffsets = new int[layers];
        _biasOffsets = new int[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++)
        {
            _weightOffsets[l] = (int)Math.Min(offset, int.MaxValue);
            offset += (long)sizes[l] * sizes[l + 1];
            _biasOffsets[l] = (int)Math.Min(offset, int.MaxValue);
            offset += sizes[l + 1];
            if (offset > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException("parameters", offset, $"the model would have more than {Array.MaxLength} parameters");
            }

            _maxWidth = Math.Max(_maxWidth, sizes[l + 1]);
        }

        ParameterCount = (int)offset;
    }

    /// <summary>The activation between layers (unused with one layer).</summary>
    public Activation Activation { get; }

    /// <summary>Number of layers (weight matrices).</summary>
    public int Layers => _sizes.Length - 1;

    /// <summary>Features per example.</summary>
    public int Inputs => _sizes[0];

    /// <summary>Outputs per example.</summary>
    public int Outputs => _sizes[^1];

    /// <summary>Total number of parameters Σ_l (in_l·out_l + out_l).</summary>
    public int ParameterCount { get; }

    /// <summary>Whether <paramref name="index"/> falls in a weight matrix rather than a bias.</summary>
    public bool IsWeight(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ParameterCount);
        for (int l = 0; l < Layers; l++)
        {
            if (index < _biasOffsets[l])
            {
                return true;
            }

            if (index < _biasOffsets[l] + _sizes[l + 1])
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Init.Default: per layer, weights then bias, each ~ U(−1/√fan_in, 1/√fan_in) as bound·(2u − 1), u = NextDouble().</summary>
    public void Initialize(Span<float> parameters, Init init, Random random)
    {
        CheckLength(parameters.Length, ParameterCount, nameof(parameters));
        switch (init)
        {
            case Init.Zeros:
                parameters.Clear();
                break;
            case Init.Default:
                ArgumentNullException.ThrowIfNull(random);
                for (int l = 0; l < Layers; l++)
                {
                    int fanIn = _sizes[l], fanOut = _sizes[l + 1];
                    double bound = 1 / Math.Sqrt(fanIn);
                    Span<float> layer = parameters.Slice(_weightOffsets[l], (fanIn * fanOut) + fanOut);
                    for (int i = 0; i < layer.Length; i++)
                    {
                        layer[i] = (float)(bound * ((2 * random.NextDouble()) - 1));
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "unknown Init");
        }
    }

    /// <summary>Creates the buffers: pre-activations and activations of every hidden layer, two delta rows, the gradient sums.</summary>
    public DenseWorkspace CreateWorkspace(int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        int hidden = Layers - 1;
        var pre = new float[hidden][];
        var post = new float[hidden][];
        for (int h = 0; h < hidden; h++)
        {
            long length = (long)maxBatch * _sizes[h + 1];
            if (length > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "maxBatch × hidden width exceeds the largest array");
            }

            pre[h] = new float[length];
            post[h] = new float[length];
        }

        return new DenseWorkspace(this, pre, post, new double[_maxWidth], new double[_maxWidth], new double[ParameterCount]) { MaxBatch = maxBatch };
    }

    /// <summary>Forward pass; stores z_l and a_l of the hidden layers in the workspace.</summary>
    public void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, Span<float> outputs, Workspace workspace)
    {
        DenseWorkspace ws = Check(workspace, parameters.Length, inputs.Length, batch);
        CheckLength(outputs.Length, batch * Outputs, nameof(outputs));
        ReadOnlySpan<float> previous = inputs;
        for (int l = 0; l < Layers; l++)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<float> weights = parameters.Slice(_weightOffsets[l], fanIn * fanOut);
            ReadOnlySpan<float> bias = parameters.Slice(_biasOffsets[l], fanOut);
            bool last = l == Layers - 1;
            Span<float> z = last ? outputs : ws.Pre[l].AsSpan(0, batch * fanOut);
            for (int n = 0; n < batch; n++)
            {
                ReadOnlySpan<float> row = previous.Slice(n * fanIn, fanIn);
                Span<float> zRow = z.Slice(n * fanOut, fanOut);
                for (int o = 0; o < fanOut; o++)
                {
                    zRow[o] = (float)(Kernels.Dot(row, weights.Slice(o * fanIn, fanIn)) + bias[o]);
                }
            }

            if (!last)
            {
                Span<float> a = ws.Post[l].AsSpan(0, batch * fanOut);
                Activations.Apply(Activation, z, a);
                previous = a;
            }
        }

        ws.ForwardBatch = batch;
    }

    /// <summary>
    /// Backward pass, one example at a time: δ_L = ∂L/∂y; for l = L…1: ∂W_l += δ_lᵀ·a_(l−1), ∂b_l += δ_l,
    /// δ_(l−1) = (δ_l·W_l) ⊙ act′(z_(l−1)). Sums over the batch in double, written to float at the end.
    /// </summary>
    public void Backward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, int batch, ReadOnlySpan<float> outputGradient, Span<float> parameterGradient, Workspace workspace)
    {
        DenseWorkspace ws = Check(workspace, parameters.Length, inputs.Length, batch);
        CheckLength(outputGradient.Length, batch * Outputs, nameof(outputGradient));
        CheckLength(parameterGradient.Length, ParameterCount, nameof(parameterGradient));
        if (ws.ForwardBatch != batch)
        {
            throw new InvalidOperationException($"Backward needs a Forward of the same batch ({batch}) on this workspace first (last Forward: {ws.ForwardBatch})");
        }

        Span<double> sums = ws.Sums;
        sums.Clear();
        for (int n = 0; n < batch; n++)
        {
            double[] current = ws.DeltaA, spare = ws.DeltaB;
            ReadOnlySpan<float> dy = outputGradient.Slice(n * Outputs, Outputs);
            for (int o = 0; o < dy.Length; o++)
            {
                current[o] = dy[o];
            }

            for (int l = Layers - 1; l >= 0; l--)
            {
                int fanIn = _sizes[l], fanOut = _sizes[l + 1];
                ReadOnlySpan<double> delta = current.AsSpan(0, fanOut);
                ReadOnlySpan<float> previous = l == 0 ? inputs.Slice(n * fanIn, fanIn) : ws.Post[l - 1].AsSpan(n * fanIn, fanIn);
                Span<double> weightSums = sums.Slice(_weightOffsets[l], fanIn * fanOut);
                Span<double> biasSums = sums.Slice(_biasOffsets[l], fanOut);
                for (int o = 0; o < fanOut; o++)
                {
                    biasSums[o] += delta[o];
                    Kernels.Axpy(delta[o], previous, weightSums.Slice(o * fanIn, fanIn));
                }

                if (l > 0)
                {
                    ReadOnlySpan<float> weights = parameters.Slice(_weightOffsets[l], fanIn * fanOut);
                    Span<double> propagated = spare.AsSpan(0, fanIn);
                    propagated.Clear();
                    for (int o = 0; o < fanOut; o++)
                    {
                        Kernels.Axpy(delta[o], weights.Slice(o * fanIn, fanIn), propagated);
                    }

                    Activations.MultiplyByDerivative(Activation, ws.Pre[l - 1].AsSpan(n * fanIn, fanIn), previous, propagated);
                    (current, spare) = (spare, current);
                }
            }
        }

        for (int i = 0; i < sums.Length; i++)
        {
            parameterGradient[i] = (float)sums[i];
        }
    }

    private DenseWorkspace Check(Workspace workspace, int parameters, int inputs, int batch)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (workspace is not DenseWorkspace ws || !ReferenceEquals(ws.Owner, this))
        {
            throw new ArgumentException("the workspace was not created by this model's CreateWorkspace", nameof(workspace));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (batch > ws.MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"batch exceeds the workspace's MaxBatch ({ws.MaxBatch})");
        }

        CheckLength(parameters, ParameterCount, nameof(parameters));
        CheckLength(inputs, batch * Inputs, nameof(inputs));
        return ws;
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has length {actual}, expected {expected}", name);
        }
    }
}

/// <summary>The buffers of a <see cref="DenseLayers"/> stack.</summary>
internal sealed class DenseWorkspace(DenseLayers owner, float[][] pre, float[][] post, double[] deltaA, double[] deltaB, double[] sums) : Workspace
{
    /// <summary>The stack that created it.</summary>
    public DenseLayers Owner { get; } = owner;

    /// <summary>Pre-activations z of each hidden layer, MaxBatch × width.</summary>
    public float[][] Pre { get; } = pre;

    /// <summary>Activations a of each hidden layer, MaxBatch × width.</summary>
    public float[][] Post { get; } = post;

    /// <summary>One example's δ (one of two alternating rows of the widest layer).</summary>
    public double[] DeltaA { get; } = deltaA;

    /// <summary>One example's δ (the other row).</summary>
    public double[] DeltaB { get; } = deltaB;

    /// <summary>The gradient sums, in double.</summary>
    public double[] Sums { get; } = sums;

    /// <summary>The batch of the last Forward (−1 before the first).</summary>
    public int ForwardBatch { get; set; } = -1;
}

/// <summary>Float-input kernels with double accumulation (vectorised by widening float lanes to double).</summary>
internal static class Kernels
{
    /// <summary>Σ aᵢbᵢ in double (each product is exact).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(a[i..]), out Vector<double> a0, out Vector<double> a1);
                Vector.Widen(new Vector<float>(b[i..]), out Vector<double> b0, out Vector<double> b1);
                acc0 += a0 * b0;
                acc1 += a1 * b1;
            }

            sum = Vector.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    /// <summary>yᵢ += α·xᵢ, x float, y double.</summary>
    public static void Axpy(double alpha, ReadOnlySpan<float> x, Span<double> y)
    {
        int n = x.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var va = new Vector<double>(alpha);
            int half = Vector<double>.Count;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x[i..]), out Vector<double> x0, out Vector<double> x1);
                Span<double> y0 = y.Slice(i, half), y1 = y.Slice(i + half, half);
                (new Vector<double>(y0) + (va * x0)).CopyTo(y0);
                (new Vector<double>(y1) + (va * x1)).CopyTo(y1);
            }
        }

        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
