using LossLab.Models;
using static LossLab.Tests.OwnThread;

namespace LossLab.Tests.Models;

/// <summary>
/// The packed products give every element as one chain of multiply-adds in the inner index's order, whatever the tile,
/// the edge or the split into parts; large dense layers give the same bits on one and two threads, equal to a plain
/// element-by-element reference, and a step allocates nothing on either thread.
/// </summary>
public sealed class PackedGemmTests
{
    [Theory]
    [InlineData(6, 16, 16, 1)]
    [InlineData(13, 300, 37, 1)]
    [InlineData(13, 300, 37, 2)]
    [InlineData(256, 784, 64, 2)]
    [InlineData(5, 513, 200, 3)]
    [InlineData(1, 1, 1, 1)]
    public void Float_product_is_the_sequential_fma_chain_of_every_element_in_any_parts(int rows, int inner, int cols, int parts)
    {
        var random = new Random(rows + inner + cols);
        float[] a = Reference.Uniform(random, rows * inner);
        float[] w = Reference.Uniform(random, cols * inner); // cols × inner: B = wᵀ
        float[] c = Reference.Uniform(random, rows * cols);
        float[] expected = (float[])c.Clone();
        for (int r = 0; r < rows; r++)
        {
            for (int col = 0; col < cols; col++)
            {
                float s = expected[(r * cols) + col];
                for (int j = 0; j < inner; j++)
                {
                    s = MathF.FusedMultiplyAdd(a[(r * inner) + j], w[(col * inner) + j], s);
                }

                expected[(r * cols) + col] = s;
            }
        }

        float[] packed = new float[PackedGemm.PackedLength(inner, cols)];
        float[] scratch = new float[PackedGemm.FloatScratch];
        int panels = PackedGemm.FloatPanels(cols);
        for (int p = parts - 1; p >= 0; p--)
        {
            PackedGemm.PackTransposed(w, inner, cols, packed, panels * p / parts, panels * (p + 1) / parts);
        }

        for (int p = parts - 1; p >= 0; p--)
        {
            PackedGemm.FloatProduct(a, inner, packed, c, cols, rows, inner, cols, panels * p / parts, panels * (p + 1) / parts, scratch);
        }

        Assert.Equal(expected, c);

        // The same product with B given row-major (δ·W's layout): the same bits.
        float[] bRows = new float[inner * cols];
        for (int j = 0; j < inner; j++)
        {
            for (int col = 0; col < cols; col++)
            {
                bRows[(j * cols) + col] = w[(col * inner) + j];
            }
        }

        float[] packedRows = new float[packed.Length];
        PackedGemm.PackRows(bRows, inner, cols, packedRows, 0, panels);
        Assert.Equal(packed, packedRows);
    }

    [Theory]
    [InlineData(6, 8, 8, 1)]
    [InlineData(256, 300, 20, 2)]
    [InlineData(100, 7, 31, 1)]
    [InlineData(600, 197, 45, 3)]
    [InlineData(1, 1, 1, 1)]
    public void Double_product_is_the_sequential_sum_of_exact_products_in_any_parts(int inner, int rows, int cols, int parts)
    {
        var random = new Random(inner + rows + cols);
        float[] a = Reference.Uniform(random, inner * rows); // inner × rows (δ: batch × outputs)
        float[] b = Reference.Uniform(random, inner * cols); // inner × cols (activations: batch × inputs)
        for (int i = 0; i < b.Length; i += 3)
        {
            b[i] += 1000; // large terms that cancel: float sums would lose them
        }

        double[] c = Enumerable.Range(0, rows * cols).Select(i => i * 0.25).ToArray();
        double[] expected = (double[])c.Clone();
        for (int m = 0; m < rows; m++)
        {
            for (int n = 0; n < cols; n++)
            {
                double s = expected[(m * cols) + n];
                for (int k = 0; k < inner; k++)
                {
                    s += (double)a[(k * rows) + m] * b[(k * cols) + n];
                }

                expected[(m * cols) + n] = s;
            }
        }

        double[] scratch = new double[PackedGemm.DoubleScratch];
        int blocks = PackedGemm.DoubleBlocks(rows);
        for (int p = 0; p < parts; p++)
        {
            PackedGemm.DoubleProduct(a, rows, b, cols, c, rows, inner, cols, blocks * p / parts, blocks * (p + 1) / parts, scratch);
        }

        Assert.Equal(expected, c);

        // Starting from 0 instead of C's values: the sums of a cleared C, bit for bit.
        double[] fresh = Enumerable.Repeat(double.NaN, rows * cols).ToArray();
        double[] cleared = new double[rows * cols];
        PackedGemm.DoubleProduct(a, rows, b, cols, fresh, rows, inner, cols, 0, blocks, scratch, overwrite: true);
        PackedGemm.DoubleProduct(a, rows, b, cols, cleared, rows, inner, cols, 0, blocks, scratch);
        Assert.Equal(cleared, fresh);
    }

    [Theory]
    [InlineData(100, new[] { 300, 200 }, 24, 160)]
    [InlineData(48, new[] { 64 }, 400, 128)]
    [InlineData(784, new[] { 256, 256 }, 1, 256)]
    public void Large_layers_give_the_reference_bits_on_one_and_two_threads(int inputs, int[] hidden, int outputs, int batch)
    {
        var model = new Mlp(inputs, hidden, outputs);
        var random = new Random(7);
        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        float[] x = Reference.Uniform(random, batch * inputs);
        float[] dy = Reference.Uniform(random, batch * outputs);
        (float[] y, float[] g) Step()
        {
            Workspace ws = model.CreateWorkspace(batch);
            float[] y = new float[batch * outputs], g = new float[model.ParameterCount];
            model.Forward(theta, x, batch, y, ws);
            model.Backward(theta, x, batch, dy, g, ws);

            // Again on the same workspace: nothing of the first step's sums is left over.
            float[] again = new float[g.Length];
            model.Forward(theta, x, batch, y, ws);
            model.Backward(theta, x, batch, dy, again, ws);
            Assert.Equal(g, again);
            return (y, g);
        }

        (float[] y1, float[] g1) = SerialStep(Step);
        long before = IntraOp.SplitRuns;
        (float[] y2, float[] g2) = OnOwnThread(Step);
        (float[] yRef, float[] gRef) = Naive(inputs, hidden, outputs, batch, theta, x, dy);
        Assert.Equal(yRef, y1);
        Assert.Equal(gRef, g1);
        Assert.Equal(y1, y2);
        Assert.Equal(g1, g2);
        if (Environment.ProcessorCount > 1 && hidden.Length > 1)
        {
            // Another test may hold the helper for a moment; then the step runs alone, which must give the same bits too.
            for (int i = 0; i < 20 && IntraOp.SplitRuns == before; i++)
            {
                (y2, g2) = OnOwnThread(Step);
                Assert.Equal(g1, g2);
            }

            Assert.True(IntraOp.SplitRuns > before, "no product was split over two threads");
        }
    }

    [Fact]
    public void A_large_split_step_allocates_nothing_on_either_thread() => OnOwnThread(() =>
    {
        var model = new Mlp(784, [256, 256], 1);
        var random = new Random(3);
        float[] theta = new float[model.ParameterCount], g = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        const int Batch = 256;
        float[] x = Reference.Uniform(random, Batch * 784), y = new float[Batch], dy = Reference.Uniform(random, Batch);
        Workspace ws = model.CreateWorkspace(Batch);

        // Warm up past the JIT's tiering (30 calls) and until a step has split (the helper thread exists), since other
        // tests running at the same time may hold the helper for a while.
        long splitsAtStart = IntraOp.SplitRuns;
        for (int i = 0; i < 40 || (IntraOp.SplitRuns == splitsAtStart && i < 4000); i++)
        {
            model.Forward(theta, x, Batch, y, ws);
            model.Backward(theta, x, Batch, dy, g, ws);
        }

        // A step that allocates does so every time; a one-off of the runtime (a method compiled again at a higher tier
        // while other tests keep the JIT busy) does not: the best of 3 rounds of 10 steps must allocate nothing.
        long fewest = long.MaxValue;
        for (int round = 0; round < 3 && fewest != 0; round++)
        {
            long helperBefore = IntraOp.HelperAllocatedBytes;
            long splitsBefore = IntraOp.SplitRuns;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                model.Forward(theta, x, Batch, y, ws);
                model.Backward(theta, x, Batch, dy, g, ws);
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
            if (IntraOp.SplitRuns > splitsBefore)
            {
                Assert.Equal(helperBefore, IntraOp.HelperAllocatedBytes);
            }
        }

        Assert.Equal(0, fewest);

        return true;
    });

    [Fact]
    public void Splitting_is_off_in_tasks_and_parallel_loops()
    {
        bool plain = OnOwnThread(() => IntraOp.Enabled);
        Assert.Equal(IntraOp.MaxThreads > 1, plain);
        bool[] inLoop = new bool[4];
        Parallel.For(0, inLoop.Length, i => inLoop[i] = IntraOp.Enabled);
        Assert.All(inLoop, Assert.False);
        Assert.False(OnOwnThread(() =>
        {
            bool any = false;
            Parallel.Invoke(() => any |= IntraOp.Enabled, () => any |= IntraOp.Enabled);
            return any;
        }));
    }

    [Fact]
    public void Serial_scopes_nest_and_turn_splitting_off_on_this_thread_only() => OnOwnThread(() =>
    {
        Assert.True(IntraOp.Enabled || IntraOp.MaxThreads == 1);
        using (IntraOp.Serial())
        {
            using (IntraOp.Serial())
            {
                Assert.False(IntraOp.Enabled);
            }

            Assert.False(IntraOp.Enabled);
            Assert.Equal(IntraOp.MaxThreads > 1, OnOwnThread(() => IntraOp.Enabled));
        }

        Assert.Equal(IntraOp.MaxThreads > 1, IntraOp.Enabled);
        return true;
    });

    private static T SerialStep<T>(Func<T> step)
    {
        using (IntraOp.Serial())
        {
            return step();
        }
    }

    /// <summary>The forward and backward passes element by element with the operations the model promises.</summary>
    private static (float[] Y, float[] G) Naive(int inputs, int[] hidden, int outputs, int batch, float[] theta, float[] x, float[] dy)
    {
        int[] sizes = [inputs, .. hidden, outputs];
        int layers = sizes.Length - 1;
        int[] offsets = new int[layers];
        for (int l = 1; l < layers; l++)
        {
            offsets[l] = offsets[l - 1] + (sizes[l - 1] * sizes[l]) + sizes[l];
        }

        var pre = new float[layers][];
        var post = new float[layers + 1][];
        post[0] = x;
        for (int l = 0; l < layers; l++)
        {
            int fanIn = sizes[l], fanOut = sizes[l + 1];
            pre[l] = new float[batch * fanOut];
            for (int n = 0; n < batch; n++)
            {
                for (int o = 0; o < fanOut; o++)
                {
                    float bias = theta[offsets[l] + (fanIn * fanOut) + o];
                    if (fanOut >= 8)
                    {
                        float s = bias;
                        for (int i = 0; i < fanIn; i++)
                        {
                            s = MathF.FusedMultiplyAdd(post[l][(n * fanIn) + i], theta[offsets[l] + (o * fanIn) + i], s);
                        }

                        pre[l][(n * fanOut) + o] = s;
                    }
                    else
                    {
                        // Fewer than 8 outputs: the product summed in double (the shapes here have 8 or more inputs).
                        pre[l][(n * fanOut) + o] = (float)(Kernels.Dot(post[l].AsSpan(n * fanIn, fanIn), theta.AsSpan(offsets[l] + (o * fanIn), fanIn)) + bias);
                    }
                }
            }

            if (l < layers - 1)
            {
                post[l + 1] = new float[batch * fanOut];
                Activations.Apply(Activation.Relu, pre[l], post[l + 1]);
            }
        }

        float[] g = new float[theta.Length];
        float[] delta = dy;
        for (int l = layers - 1; l >= 0; l--)
        {
            int fanIn = sizes[l], fanOut = sizes[l + 1];
            for (int o = 0; o < fanOut; o++)
            {
                for (int i = 0; i < fanIn; i++)
                {
                    double s = 0;
                    for (int n = 0; n < batch; n++)
                    {
                        s += (double)delta[(n * fanOut) + o] * post[l][(n * fanIn) + i];
                    }

                    g[offsets[l] + (o * fanIn) + i] = (float)s;
                }

                double b = 0;
                for (int n = 0; n < batch; n++)
                {
                    b += delta[(n * fanOut) + o];
                }

                if (fanOut == 1)
                {
                    b = Kernels.Sum(delta.AsSpan(0, batch)); // one output: the vectorised double sum
                }

                g[offsets[l] + (fanIn * fanOut) + o] = (float)b;
            }

            if (l > 0)
            {
                float[] back = new float[batch * fanIn];
                for (int n = 0; n < batch; n++)
                {
                    for (int i = 0; i < fanIn; i++)
                    {
                        float s = 0;
                        for (int o = 0; o < fanOut; o++)
                        {
                            s = MathF.FusedMultiplyAdd(delta[(n * fanOut) + o], theta[offsets[l] + (o * fanIn) + i], s);
                        }

                        back[(n * fanIn) + i] = s;
                    }
                }

                Activations.MultiplyByDerivative(Activation.Relu, pre[l - 1], post[l], back);
                delta = back;
            }
        }

        return (pre[layers - 1], g);
    }
}
