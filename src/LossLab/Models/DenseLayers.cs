using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossLab.Models;

/// <summary>
/// The shared engine of <see cref="LinearModel"/> (one layer) and <see cref="Mlp"/> (hidden layers, then a linear one):
/// a stack of fully connected layers z_l = a_(l−1)·W_lᵀ + b_l with a_0 = x, a_l = act(z_l) between layers and the last z
/// as the output. Parameters are W_1, b_1, W_2, b_2, … (PyTorch's <c>parameters()</c> order), each W row-major
/// (outputs × inputs). The forward products and the δ passed back are summed in float with fused multiply-adds (as
/// float32 matrix products are); layers with fewer than 8 outputs sum their forward products in double. The parameter
/// gradients are summed in double (a product of two floats is exact in double) and rounded to float once.
/// Products of at least <see cref="PackedMinWork"/> multiply-adds take the packed, cache-blocked kernels of
/// <see cref="PackedGemm"/> (each element the same chain of multiply-adds as the plain kernels' vector lanes), and those
/// of at least <see cref="SplitMinWork"/> are shared with a helper thread by output columns (<see cref="IntraOp"/>):
/// the same bits on one thread or two.
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

    /// <summary>Creates the buffers: pre-activations and activations of every hidden layer, two δ blocks, the transposed weights, the gradient sums.</summary>
    public DenseWorkspace CreateWorkspace(int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        int hidden = Layers - 1;
        var pre = new float[hidden][];
        var post = new float[hidden][];
        for (int h = 0; h < hidden; h++)
        {
            pre[h] = new float[Rows(maxBatch, _sizes[h + 1])];
            post[h] = new float[Rows(maxBatch, _sizes[h + 1])];
        }

        int widest = _sizes.Max();
        int largestMatrix = 0;
        for (int l = 0; l < Layers; l++)
        {
            largestMatrix = Math.Max(largestMatrix, _sizes[l] * _sizes[l + 1]);
        }

        float[] deltaA = new float[Rows(maxBatch, hidden > 0 ? widest : Outputs)];
        float[] deltaB = hidden > 0 ? new float[Rows(maxBatch, widest)] : [];
        var ws = new DenseWorkspace(this, pre, post, deltaA, deltaB, new float[largestMatrix], new double[ParameterCount]) { MaxBatch = maxBatch };
        long packed = 0;
        bool any = false;
        for (int l = 0; l < Layers; l++)
        {
            if (Packs(maxBatch, _sizes[l], _sizes[l + 1]) || Packs(maxBatch, _sizes[l + 1], _sizes[l]))
            {
                any = true;
                packed = Math.Max(packed, Math.Max(PackedGemm.PackedLength(_sizes[l], _sizes[l + 1]), PackedGemm.PackedLength(_sizes[l + 1], _sizes[l])));
            }
        }

        if (any)
        {
            ws.Packed = new float[Math.Min(packed, Array.MaxLength)];
            ws.FloatScratch = [new float[PackedGemm.FloatScratch], new float[PackedGemm.FloatScratch]];
            ws.DoubleScratch = [new double[PackedGemm.DoubleScratch], new double[PackedGemm.DoubleScratch]];
            ws.InputCopy = Splits(maxBatch, _sizes[0], _sizes[1]) ? new float[Rows(maxBatch, _sizes[0])] : [];
            ws.BiasCopy = new float[_maxWidth];
            ws.Job = new DenseProductJob(ws);
            ws.RoundedInChunks = new bool[Layers];
            ws.GradientCopy = new float[ParameterCount];
        }

        return ws;
    }

    /// <summary>Products of at least this many multiply-adds take the packed kernels (<see cref="PackedGemm"/>).</summary>
    internal const long PackedMinWork = 1L << 21;

    /// <summary>Products of at least this many multiply-adds are split over two threads when <see cref="IntraOp"/> allows it.</summary>
    internal const long SplitMinWork = 1L << 22;

    private static bool Packs(int batch, int fanIn, int fanOut) => fanOut >= Kernels.Lanes && (long)batch * fanIn * fanOut >= PackedMinWork;

    private static bool Splits(int batch, int fanIn, int fanOut) => Packs(batch, fanIn, fanOut) && (long)batch * fanIn * fanOut >= SplitMinWork;

    /// <summary>
    /// Forward pass, layer by layer over the whole batch: Z = A·Wᵀ + b as a blocked product (8-wide float lanes with
    /// fused multiply-add, the weights transposed once per layer) when a layer has 8 or more outputs, else one dot
    /// product per row and output summed in double; stores z and a of the hidden layers in the workspace.
    /// </summary>
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
            if (Packs(batch, fanIn, fanOut))
            {
                // The packed product: W packed in 16-column panels, then the cache-blocked 6 × 16 tiles.
                if (!last && Splits(batch, fanIn, fanOut) && IntraOp.Enabled)
                {
                    // Split: W and b copied once (contiguous copies the helper can read), then each chunk packs its own
                    // panels, fills its columns of z with the bias and adds its product, on whichever thread takes it.
                    float[] a = l == 0 ? ws.InputCopy : ws.Post[l - 1];
                    if (l == 0)
                    {
                        inputs.CopyTo(a);
                    }

                    weights.CopyTo(ws.Transposed);
                    bias.CopyTo(ws.BiasCopy);
                    ws.Job!.SetFloat(a, fanIn, ws.Pre[l], batch, fanIn, fanOut, PackSource.Transposed);
                    IntraOp.Run(ws.Job, ws.Job.Chunks, split: true);
                }
                else
                {
                    PackedGemm.PackTransposed(weights, fanIn, fanOut, ws.Packed, 0, PackedGemm.FloatPanels(fanOut));
                    for (int n = 0; n < batch; n++)
                    {
                        bias.CopyTo(z.Slice(n * fanOut, fanOut));
                    }

                    PackedGemm.FloatProduct(previous, fanIn, ws.Packed, z, fanOut, batch, fanIn, fanOut, 0, PackedGemm.FloatPanels(fanOut), ws.FloatScratch[0]);
                }
            }
            else if (fanOut >= Kernels.Lanes)
            {
                Span<float> transposed = ws.Transposed.AsSpan(0, fanIn * fanOut);
                Kernels.Transpose(weights, fanOut, fanIn, transposed);
                for (int n = 0; n < batch; n++)
                {
                    bias.CopyTo(z.Slice(n * fanOut, fanOut));
                }

                Kernels.MultiplyAdd(previous, fanIn, 1, transposed, batch, fanIn, fanOut, z);
            }
            else
            {
                if (fanIn == 1 && fanOut == 1)
                {
                    // One input, one output (the guide's line): the same double sum, in double lanes across the rows.
                    Kernels.AffineWide(previous[..batch], weights[0], bias[0], z);
                }
                else if (fanIn < Kernels.Lanes)
                {
                    // Few inputs: the products summed in double in place (what Dot does for short rows), without a call per row.
                    for (int n = 0; n < batch; n++)
                    {
                        ReadOnlySpan<float> row = previous.Slice(n * fanIn, fanIn);
                        for (int o = 0; o < fanOut; o++)
                        {
                            ReadOnlySpan<float> w = weights.Slice(o * fanIn, fanIn);
                            double sum = 0;
                            for (int i = 0; i < row.Length; i++)
                            {
                                sum += (double)row[i] * w[i];
                            }

                            z[(n * fanOut) + o] = (float)(sum + bias[o]);
                        }
                    }
                }
                else
                {
                    for (int n = 0; n < batch; n++)
                    {
                        ReadOnlySpan<float> row = previous.Slice(n * fanIn, fanIn);
                        Span<float> zRow = z.Slice(n * fanOut, fanOut);
                        for (int o = 0; o < fanOut; o++)
                        {
                            zRow[o] = (float)(Kernels.Dot(row, weights.Slice(o * fanIn, fanIn)) + bias[o]);
                        }
                    }
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
    /// Backward pass over the whole batch: Δ_L = ∂L/∂Y; for l = L…1: ∂W_l += Δ_lᵀ·A_(l−1) and ∂b_l += Σₙ Δ_l (the
    /// products exact in double and summed in double, vectorised over the inputs),
    /// Δ_(l−1) = (Δ_l·W_l) ⊙ act′(Z_(l−1)). The parameter gradient is the double sums rounded to float once.
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
        bool anyRounded = false;
        ReadOnlySpan<float> delta = outputGradient;
        float[] next = ws.DeltaA, spare = ws.DeltaB;
        for (int l = Layers - 1; l >= 0; l--)
        {
            int fanIn = _sizes[l], fanOut = _sizes[l + 1];
            ReadOnlySpan<float> previous = l == 0 ? inputs : ws.Post[l - 1].AsSpan(0, batch * fanIn);
            Span<double> weightSums = sums.Slice(_weightOffsets[l], fanIn * fanOut);
            Span<double> biasSums = sums.Slice(_biasOffsets[l], fanOut);
            bool deltaInArray = l < Layers - 1;
            biasSums.Clear();
            if (Packs(batch, fanIn, fanOut) && fanOut >= PackedGemm.DoubleRows && batch > 0)
            {
                // The packed product writes every sum (starting from 0), so the weight block is not cleared first.
                if (deltaInArray && Splits(batch, fanIn, fanOut) && IntraOp.Enabled)
                {
                    float[] b = l == 0 ? ws.InputCopy : ws.Post[l - 1];
                    if (l == 0)
                    {
                        inputs.CopyTo(b);
                    }

                    // Each chunk also rounds its rows of ∂W to float (into the workspace's copy of the gradient).
                    ws.Job!.SetDouble(spare, fanOut, b, fanIn, _weightOffsets[l], fanOut, batch, fanIn);
                    IntraOp.Run(ws.Job, ws.Job.Chunks, split: true);
                    ws.RoundedInChunks[l] = anyRounded = true;
                }
                else
                {
                    PackedGemm.DoubleProduct(delta, fanOut, previous, fanIn, weightSums, fanOut, batch, fanIn, 0, PackedGemm.DoubleBlocks(fanOut), ws.DoubleScratch[0], overwrite: true);
                }
            }
            else if (fanIn == 1 && fanOut == 1)
            {
                weightSums[0] = 0;
                weightSums[0] += Kernels.Dot(delta[..batch], previous[..batch]);
            }
            else
            {
                weightSums.Clear();
                Kernels.MultiplyAddWide(delta, 1, fanOut, previous, batch, fanIn, weightSums, fanOut);
            }

            if (fanOut == 1)
            {
                biasSums[0] += Kernels.Sum(delta[..batch]);
            }
            else
            {
                for (int n = 0; n < batch; n++)
                {
                    Kernels.AddWide(delta.Slice(n * fanOut, fanOut), biasSums);
                }
            }

            if (l > 0)
            {
                ReadOnlySpan<float> weights = parameters.Slice(_weightOffsets[l], fanIn * fanOut);
                Span<float> propagated = next.AsSpan(0, batch * fanIn);
                if (Packs(batch, fanOut, fanIn) && deltaInArray && Splits(batch, fanOut, fanIn) && IntraOp.Enabled)
                {
                    // Split: W copied once, then each chunk packs its own panels, clears its columns and adds its product.
                    weights.CopyTo(ws.Transposed);
                    ws.Job!.SetFloat(spare, fanOut, next, batch, fanOut, fanIn, PackSource.Rows);
                    IntraOp.Run(ws.Job, ws.Job.Chunks, split: true);
                }
                else if (Packs(batch, fanOut, fanIn))
                {
                    propagated.Clear();
                    PackedGemm.PackRows(weights, fanOut, fanIn, ws.Packed, 0, PackedGemm.FloatPanels(fanIn));
                    PackedGemm.FloatProduct(delta, fanOut, ws.Packed, propagated, fanIn, batch, fanOut, fanIn, 0, PackedGemm.FloatPanels(fanIn), ws.FloatScratch[0]);
                }
                else
                {
                    propagated.Clear();
                    Kernels.MultiplyAdd(delta, fanOut, 1, weights, batch, fanOut, fanIn, propagated);
                }
                Activations.MultiplyByDerivative(Activation, ws.Pre[l - 1].AsSpan(0, batch * fanIn), ws.Post[l - 1].AsSpan(0, batch * fanIn), propagated);
                delta = propagated;
                (next, spare) = (spare, next);
            }
        }

        if (!anyRounded)
        {
            TensorPrimitives.ConvertTruncating<double, float>(sums, parameterGradient);
            return;
        }

        // The weight blocks rounded inside the split chunks are copied; the rest rounded here (the same bits).
        int at = 0;
        for (int l = 0; l < Layers; l++)
        {
            if (ws.RoundedInChunks[l])
            {
                int start = _weightOffsets[l], length = _sizes[l] * _sizes[l + 1];
                TensorPrimitives.ConvertTruncating<double, float>(sums[at..start], parameterGradient[at..start]);
                ws.GradientCopy.AsSpan(start, length).CopyTo(parameterGradient.Slice(start, length));
                at = start + length;
                ws.RoundedInChunks[l] = false;
            }
        }

        TensorPrimitives.ConvertTruncating<double, float>(sums[at..], parameterGradient[at..]);
    }

    private static long Rows(int batch, int width)
    {
        long length = (long)batch * width;
        return length <= Array.MaxLength ? length : throw new ArgumentOutOfRangeException(nameof(batch), batch, "maxBatch × layer width exceeds the largest array");
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
internal sealed class DenseWorkspace(DenseLayers owner, float[][] pre, float[][] post, float[] deltaA, float[] deltaB, float[] transposed, double[] sums) : Workspace
{
    /// <summary>The stack that created it.</summary>
    public DenseLayers Owner { get; } = owner;

    /// <summary>Pre-activations z of each hidden layer, MaxBatch × width.</summary>
    public float[][] Pre { get; } = pre;

    /// <summary>Activations a of each hidden layer, MaxBatch × width.</summary>
    public float[][] Post { get; } = post;

    /// <summary>The batch's δ of a hidden layer (one of two alternating blocks, MaxBatch × the widest layer).</summary>
    public float[] DeltaA { get; } = deltaA;

    /// <summary>The other δ block.</summary>
    public float[] DeltaB { get; } = deltaB;

    /// <summary>A layer's weights transposed (inputs × outputs) for the forward product.</summary>
    public float[] Transposed { get; } = transposed;

    /// <summary>The gradient sums, in double.</summary>
    public double[] Sums { get; } = sums;

    /// <summary>The batch of the last Forward (−1 before the first).</summary>
    public int ForwardBatch { get; set; } = -1;

    /// <summary>A layer's weights packed in panels for <see cref="PackedGemm"/> (empty when no layer is large enough).</summary>
    public float[] Packed { get; set; } = [];

    /// <summary>The layers whose ∂W the split chunks rounded to float into <see cref="GradientCopy"/> in this Backward.</summary>
    public bool[] RoundedInChunks { get; set; } = [];

    /// <summary>The parameter gradient rounded to float by the split ∂W chunks (only those layers' weight blocks are written).</summary>
    public float[] GradientCopy { get; set; } = [];

    /// <summary>A split layer's bias, copied so that the chunks on either thread can read it (the widest layer).</summary>
    public float[] BiasCopy { get; set; } = [];

    /// <summary>The inputs, copied for a first layer whose product is split over two threads.</summary>
    public float[] InputCopy { get; set; } = [];

    /// <summary>Scratch of the float product, one per part.</summary>
    public float[][] FloatScratch { get; set; } = [];

    /// <summary>Scratch of the double product (packed A and B blocks), one per part.</summary>
    public double[][] DoubleScratch { get; set; } = [];

    /// <summary>The product handed to <see cref="IntraOp"/> (created with the workspace, so that a step allocates nothing).</summary>
    public DenseProductJob? Job { get; set; }
}

/// <summary>How a split float product's chunks pack their panels of the weights.</summary>
internal enum PackSource
{
    /// <summary>W is outputs × inputs and B = Wᵀ (the forward product, <see cref="PackedGemm.PackTransposed"/>).</summary>
    Transposed,

    /// <summary>W is B itself, row-major (δ·W, <see cref="PackedGemm.PackRows"/>).</summary>
    Rows,
}

/// <summary>
/// One product of a dense layer in chunks of its output: a float product on packed weights in chunks of 32 output
/// columns, or a double weight-gradient product in chunks of 48 rows of ∂W (output neurons).
/// </summary>
internal sealed class DenseProductJob(DenseWorkspace workspace) : IntraOpJob
{
    private bool _double;
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private int _lda;
    private int _ldb;
    private int _cOffset;
    private int _rows;
    private int _inner;
    private int _cols;
    private PackSource _source;

    /// <summary>
    /// C = rows × cols (row-major, in <paramref name="c"/>) = start + A·B with A rows × inner (row stride
    /// <paramref name="lda"/>) and B packed by each chunk, for its own panels, from the weight copy in the workspace's
    /// <see cref="DenseWorkspace.Transposed"/>: <see cref="PackSource.Transposed"/> (W cols × inner, the forward; start =
    /// the bias copy on every row) or <see cref="PackSource.Rows"/> (W inner × cols, δ·W; start = 0).
    /// </summary>
    public void SetFloat(float[] a, int lda, float[] c, int rows, int inner, int cols, PackSource source)
    {
        (_double, _a, _lda, _c, _rows, _inner, _cols, _source) = (false, a, lda, c, rows, inner, cols, source);
        _b = workspace.Packed;
    }

    /// <summary>The workspace's sums from <paramref name="cOffset"/> (rows × cols) plus Aᵀ·B in double, A inner × rows (stride <paramref name="lda"/>), B inner × cols (stride <paramref name="ldb"/>).</summary>
    public void SetDouble(float[] a, int lda, float[] b, int ldb, int cOffset, int rows, int inner, int cols)
        => (_double, _a, _lda, _b, _ldb, _cOffset, _rows, _inner, _cols) = (true, a, lda, b, ldb, cOffset, rows, inner, cols);

    /// <summary>Float panels per chunk (32 columns).</summary>
    public const int FloatPanelsPerChunk = 2;

    /// <summary>The chunks of the product set last.</summary>
    public int Chunks => _double
        ? PackedGemm.DoubleBlocks(_rows)
        : (PackedGemm.FloatPanels(_cols) + FloatPanelsPerChunk - 1) / FloatPanelsPerChunk;

    /// <inheritdoc/>
    public override void Run(int first, int end, int slot)
    {
        if (_double)
        {
            // One chunk per block of 48 rows of ∂W (output neurons): each block's δ is converted once, as on one thread.
            PackedGemm.DoubleProduct(_a, _lda, _b, _ldb, workspace.Sums.AsSpan(_cOffset, _rows * _cols), _rows, _inner, _cols, first, end, workspace.DoubleScratch[slot], overwrite: true);

            // These rows' sums are final: round them to float here, on whichever thread.
            int r0 = first * PackedGemm.DoubleBlockRows, r1 = Math.Min(_rows, end * PackedGemm.DoubleBlockRows);
            if (r1 > r0)
            {
                int at = _cOffset + (r0 * _cols), length = (r1 - r0) * _cols;
                TensorPrimitives.ConvertTruncating<double, float>(workspace.Sums.AsSpan(at, length), workspace.GradientCopy.AsSpan(at, length));
            }
        }
        else
        {
            int panels = PackedGemm.FloatPanels(_cols);
            int firstPanel = Math.Min(panels, first * FloatPanelsPerChunk), endPanel = Math.Min(panels, end * FloatPanelsPerChunk);
            if (firstPanel >= endPanel)
            {
                return;
            }

            // This chunk's panels of B and its columns of C's starting values: the same bits as packing all at once.
            ReadOnlySpan<float> w = workspace.Transposed.AsSpan(0, _inner * _cols);
            int c0 = firstPanel * PackedGemm.FloatPanel, width = Math.Min(_cols, endPanel * PackedGemm.FloatPanel) - c0;
            if (_source == PackSource.Transposed)
            {
                PackedGemm.PackTransposed(w, _inner, _cols, _b, firstPanel, endPanel);
                ReadOnlySpan<float> bias = workspace.BiasCopy.AsSpan(c0, width);
                for (int n = 0; n < _rows; n++)
                {
                    bias.CopyTo(_c.AsSpan((n * _cols) + c0, width));
                }
            }
            else
            {
                PackedGemm.PackRows(w, _inner, _cols, _b, firstPanel, endPanel);
                for (int n = 0; n < _rows; n++)
                {
                    _c.AsSpan((n * _cols) + c0, width).Clear();
                }
            }

            PackedGemm.FloatProduct(_a, _lda, _b, _c, _cols, _rows, _inner, _cols, firstPanel, endPanel, workspace.FloatScratch[slot]);
        }
    }
}

/// <summary>Float-input kernels with double accumulation (vectorised by widening float lanes to double).</summary>
internal static class Kernels
{
    /// <summary>Float lanes of the product kernel.</summary>
    public const int Lanes = 8;

    /// <summary>t[i, o] = w[o, i] for a rows × cols row-major <paramref name="w"/>.</summary>
    public static void Transpose(ReadOnlySpan<float> w, int rows, int cols, Span<float> t)
    {
        for (int o = 0; o < rows; o++)
        {
            ReadOnlySpan<float> row = w.Slice(o * cols, cols);
            for (int i = 0; i < cols; i++)
            {
                t[(i * rows) + o] = row[i];
            }
        }
    }

    /// <summary>
    /// C[r, c] += Σⱼ A(r, j)·B[j, c] for r &lt; rows, j &lt; inner, c &lt; cols, where A(r, j) = a[r·rowStride + j·colStride]
    /// (so Aᵀ is read without copying), B and C row-major. Columns go in blocks of 32 and 8 float lanes held in
    /// registers across the inner loop, with fused multiply-add; the last columns one by one.
    /// </summary>
    public static void MultiplyAdd(ReadOnlySpan<float> a, int rowStride, int colStride, ReadOnlySpan<float> b, int rows, int inner, int cols, Span<float> c)
    {
        if (rows == 0 || inner == 0 || cols == 0)
        {
            return;
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        if ((long)(rows - 1) * rowStride + ((long)(inner - 1) * colStride) >= a.Length || (long)inner * cols > b.Length || (long)rows * cols > c.Length)
        {
            throw new ArgumentException("a span is too short for the product's shape");
        }

        for (int r = 0; r < rows; r++)
        {
            ref float cRow = ref Unsafe.Add(ref c0, r * cols);
            ref float aRow = ref Unsafe.Add(ref a0, r * rowStride);
            int col = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; col <= cols - (4 * Lanes); col += 4 * Lanes)
                {
                    Vector256<float> s0 = Vector256.LoadUnsafe(ref cRow, (nuint)col);
                    Vector256<float> s1 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + Lanes));
                    Vector256<float> s2 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + (2 * Lanes)));
                    Vector256<float> s3 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + (3 * Lanes)));
                    for (int j = 0; j < inner; j++)
                    {
                        var x = Vector256.Create(Unsafe.Add(ref aRow, j * colStride));
                        ref float bRow = ref Unsafe.Add(ref b0, (j * cols) + col);
                        s0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref bRow), s0);
                        s1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref bRow, Lanes), s1);
                        s2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref bRow, 2 * Lanes), s2);
                        s3 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref bRow, 3 * Lanes), s3);
                    }

                    s0.StoreUnsafe(ref cRow, (nuint)col);
                    s1.StoreUnsafe(ref cRow, (nuint)(col + Lanes));
                    s2.StoreUnsafe(ref cRow, (nuint)(col + (2 * Lanes)));
                    s3.StoreUnsafe(ref cRow, (nuint)(col + (3 * Lanes)));
                }

                for (; col <= cols - Lanes; col += Lanes)
                {
                    Vector256<float> s = Vector256.LoadUnsafe(ref cRow, (nuint)col);
                    for (int j = 0; j < inner; j++)
                    {
                        s = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref aRow, j * colStride)), Vector256.LoadUnsafe(ref b0, (nuint)((j * cols) + col)), s);
                    }

                    s.StoreUnsafe(ref cRow, (nuint)col);
                }
            }

            for (; col < cols; col++)
            {
                // Four independent partial sums, so that the chain of dependent multiply-adds is a quarter as long.
                float s0 = Unsafe.Add(ref cRow, col), s1 = 0, s2 = 0, s3 = 0;
                int j = 0;
                for (; j <= inner - 4; j += 4)
                {
                    s0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, j * colStride), Unsafe.Add(ref b0, (j * cols) + col), s0);
                    s1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, (j + 1) * colStride), Unsafe.Add(ref b0, ((j + 1) * cols) + col), s1);
                    s2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, (j + 2) * colStride), Unsafe.Add(ref b0, ((j + 2) * cols) + col), s2);
                    s3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, (j + 3) * colStride), Unsafe.Add(ref b0, ((j + 3) * cols) + col), s3);
                }

                for (; j < inner; j++)
                {
                    s0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref aRow, j * colStride), Unsafe.Add(ref b0, (j * cols) + col), s0);
                }

                Unsafe.Add(ref cRow, col) = (s0 + s1) + (s2 + s3);
            }
        }
    }

    /// <summary>
    /// C[r, c] += Σⱼ A(r, j)·B[j, c] with C in double: A(r, j) = a[r·rowStride + j·colStride], B float row-major
    /// (inner × cols), C double row-major (rows × cols). Each product of two floats is exact in double and the sums are
    /// kept in double; the columns go 16 and 4 at a time in double lanes, the last ones one by one.
    /// </summary>
    public static void MultiplyAddWide(ReadOnlySpan<float> a, int rowStride, int colStride, ReadOnlySpan<float> b, int inner, int cols, Span<double> c, int rows)
    {
        if (rows == 0 || inner == 0 || cols == 0)
        {
            return;
        }

        if ((long)(rows - 1) * rowStride + ((long)(inner - 1) * colStride) >= a.Length || (long)inner * cols > b.Length || (long)rows * cols > c.Length)
        {
            throw new ArgumentException("a span is too short for the product's shape");
        }

        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref double c0 = ref MemoryMarshal.GetReference(c);
        int r = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Two rows at a time share every load and widening of B's 16 columns.
            for (; r <= rows - 2; r += 2)
            {
                ref double cRow = ref Unsafe.Add(ref c0, r * cols);
                ref double cNext = ref Unsafe.Add(ref c0, (r + 1) * cols);
                ref float aRow = ref Unsafe.Add(ref a0, r * rowStride);
                ref float aNext = ref Unsafe.Add(ref a0, (r + 1) * rowStride);
                for (int col = 0; col <= cols - 16; col += 16)
                {
                    Vector256<double> s0 = Vector256.LoadUnsafe(ref cRow, (nuint)col), t0 = Vector256.LoadUnsafe(ref cNext, (nuint)col);
                    Vector256<double> s1 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + 4)), t1 = Vector256.LoadUnsafe(ref cNext, (nuint)(col + 4));
                    Vector256<double> s2 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + 8)), t2 = Vector256.LoadUnsafe(ref cNext, (nuint)(col + 8));
                    Vector256<double> s3 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + 12)), t3 = Vector256.LoadUnsafe(ref cNext, (nuint)(col + 12));
                    for (int j = 0; j < inner; j++)
                    {
                        var x = Vector256.Create((double)Unsafe.Add(ref aRow, j * colStride));
                        var y = Vector256.Create((double)Unsafe.Add(ref aNext, j * colStride));
                        ref float bRow = ref Unsafe.Add(ref b0, (j * cols) + col);
                        Vector256<float> lo = Vector256.LoadUnsafe(ref bRow);
                        Vector256<float> hi = Vector256.LoadUnsafe(ref bRow, Lanes);
                        Vector256<double> w0 = Vector256.WidenLower(lo), w1 = Vector256.WidenUpper(lo);
                        Vector256<double> w2 = Vector256.WidenLower(hi), w3 = Vector256.WidenUpper(hi);
                        s0 = MadWide(x, w0, s0);
                        s1 = MadWide(x, w1, s1);
                        s2 = MadWide(x, w2, s2);
                        s3 = MadWide(x, w3, s3);
                        t0 = MadWide(y, w0, t0);
                        t1 = MadWide(y, w1, t1);
                        t2 = MadWide(y, w2, t2);
                        t3 = MadWide(y, w3, t3);
                    }

                    s0.StoreUnsafe(ref cRow, (nuint)col);
                    s1.StoreUnsafe(ref cRow, (nuint)(col + 4));
                    s2.StoreUnsafe(ref cRow, (nuint)(col + 8));
                    s3.StoreUnsafe(ref cRow, (nuint)(col + 12));
                    t0.StoreUnsafe(ref cNext, (nuint)col);
                    t1.StoreUnsafe(ref cNext, (nuint)(col + 4));
                    t2.StoreUnsafe(ref cNext, (nuint)(col + 8));
                    t3.StoreUnsafe(ref cNext, (nuint)(col + 12));
                }

                RemainingColumns(ref aRow, colStride, ref b0, inner, cols, ref cRow, cols - (cols % 16));
                RemainingColumns(ref aNext, colStride, ref b0, inner, cols, ref cNext, cols - (cols % 16));
            }
        }

        for (; r < rows; r++)
        {
            ref double cRow = ref Unsafe.Add(ref c0, r * cols);
            ref float aRow = ref Unsafe.Add(ref a0, r * rowStride);
            RemainingColumns(ref aRow, colStride, ref b0, inner, cols, ref cRow, 0);
        }
    }

    /// <summary>The columns from <paramref name="start"/> on of one row of <see cref="MultiplyAddWide"/>: 8 and 4 double lanes at a time, then one by one.</summary>
    private static void RemainingColumns(ref float aRow, int colStride, ref float b0, int inner, int cols, ref double cRow, int start)
    {
        int col = start;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; col <= cols - 8; col += 8)
            {
                Vector256<double> s0 = Vector256.LoadUnsafe(ref cRow, (nuint)col);
                Vector256<double> s1 = Vector256.LoadUnsafe(ref cRow, (nuint)(col + 4));
                for (int j = 0; j < inner; j++)
                {
                    var x = Vector256.Create((double)Unsafe.Add(ref aRow, j * colStride));
                    Vector256<float> w = Vector256.LoadUnsafe(ref Unsafe.Add(ref b0, (j * cols) + col));
                    s0 = MadWide(x, Vector256.WidenLower(w), s0);
                    s1 = MadWide(x, Vector256.WidenUpper(w), s1);
                }

                s0.StoreUnsafe(ref cRow, (nuint)col);
                s1.StoreUnsafe(ref cRow, (nuint)(col + 4));
            }

            for (; col <= cols - 4; col += 4)
            {
                Vector256<double> s = Vector256.LoadUnsafe(ref cRow, (nuint)col);
                for (int j = 0; j < inner; j++)
                {
                    ref float bRow = ref Unsafe.Add(ref b0, (j * cols) + col);
                    var w = Vector256.Create((double)bRow, Unsafe.Add(ref bRow, 1), Unsafe.Add(ref bRow, 2), Unsafe.Add(ref bRow, 3));
                    s = MadWide(Vector256.Create((double)Unsafe.Add(ref aRow, j * colStride)), w, s);
                }

                s.StoreUnsafe(ref cRow, (nuint)col);
            }
        }

        for (; col < cols; col++)
        {
            // Four independent partial sums, so that the chain of dependent additions is a quarter as long.
            double s0 = Unsafe.Add(ref cRow, col), s1 = 0, s2 = 0, s3 = 0;
            int j = 0;
            for (; j <= inner - 4; j += 4)
            {
                s0 += (double)Unsafe.Add(ref aRow, j * colStride) * Unsafe.Add(ref b0, (j * cols) + col);
                s1 += (double)Unsafe.Add(ref aRow, (j + 1) * colStride) * Unsafe.Add(ref b0, ((j + 1) * cols) + col);
                s2 += (double)Unsafe.Add(ref aRow, (j + 2) * colStride) * Unsafe.Add(ref b0, ((j + 2) * cols) + col);
                s3 += (double)Unsafe.Add(ref aRow, (j + 3) * colStride) * Unsafe.Add(ref b0, ((j + 3) * cols) + col);
            }

            for (; j < inner; j++)
            {
                s0 += (double)Unsafe.Add(ref aRow, j * colStride) * Unsafe.Add(ref b0, (j * cols) + col);
            }

            Unsafe.Add(ref cRow, col) = (s0 + s1) + (s2 + s3);
        }
    }

    /// <summary>a·b + c in double lanes; with float inputs widened to double the product is exact, so fusing changes nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> MadWide(Vector256<double> a, Vector256<double> b, Vector256<double> c)
        => System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>
    /// zᵢ = (float)((0 + (double)xᵢ·w) + b) for every i: a one-input, one-output layer's double sum, four rows per double
    /// vector (the same operations, in the same order, as one row at a time).
    /// </summary>
    public static void AffineWide(ReadOnlySpan<float> x, float w, float b, Span<float> z)
    {
        int n = x.Length, i = 0;
        z = z[..n];
        if (Vector256.IsHardwareAccelerated && n >= Lanes)
        {
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref float z0 = ref MemoryMarshal.GetReference(z);
            Vector256<double> vw = Vector256.Create((double)w), vb = Vector256.Create((double)b);
            for (; i <= n - Lanes; i += Lanes)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x0, (nuint)i);
                Vector256<double> lo = (Vector256<double>.Zero + (Vector256.WidenLower(v) * vw)) + vb;
                Vector256<double> hi = (Vector256<double>.Zero + (Vector256.WidenUpper(v) * vw)) + vb;
                Vector256.Narrow(lo, hi).StoreUnsafe(ref z0, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            double sum = 0;
            sum += (double)x[i] * w;
            z[i] = (float)(sum + b);
        }
    }

    /// <summary>sᵢ += xᵢ in double for every i (eight at a time, each sum the same as one at a time).</summary>
    public static void AddWide(ReadOnlySpan<float> x, Span<double> s)
    {
        int n = x.Length, i = 0;
        if (s.Length < n)
        {
            throw new ArgumentException("the sums are shorter than the values", nameof(s));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            ref float x0 = ref MemoryMarshal.GetReference(x);
            ref double s0 = ref MemoryMarshal.GetReference(s);
            for (; i <= n - Lanes; i += Lanes)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref x0, (nuint)i);
                (Vector256.LoadUnsafe(ref s0, (nuint)i) + Vector256.WidenLower(v)).StoreUnsafe(ref s0, (nuint)i);
                (Vector256.LoadUnsafe(ref s0, (nuint)(i + 4)) + Vector256.WidenUpper(v)).StoreUnsafe(ref s0, (nuint)(i + 4));
            }
        }

        for (; i < n; i++)
        {
            s[i] += x[i];
        }
    }

    /// <summary>Σ xᵢ in double (vectorised by widening float lanes to double).</summary>
    public static double Sum(ReadOnlySpan<float> x)
    {
        int n = x.Length, i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            Vector<double> acc0 = Vector<double>.Zero, acc1 = Vector<double>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(new Vector<float>(x[i..]), out Vector<double> x0, out Vector<double> x1);
                acc0 += x0;
                acc1 += x1;
            }

            sum = Vector.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            sum += x[i];
        }

        return sum;
    }

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
}
