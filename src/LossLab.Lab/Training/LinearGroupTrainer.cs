using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using LossLab.Lab.Data;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Schedules;

namespace LossLab.Lab.Training;

/// <summary>
/// Several one-output linear models trained on the same rows in the same order (the same mini-batch shuffle, the same
/// targets), each with its own loss, optimizer and start: what <see cref="Trainer.Train"/> does for each of them alone,
/// bit for bit, but with every mini-batch gathered once for all of them and the forward and backward passes run four
/// models per double vector. Model k's output for row n is y = (float)(s + b_k) with s the double sum of the exact
/// products x[n, j]·W_k[j] in the order <see cref="LinearModel"/> sums them (8-lane chunks j ≡ m mod 8 added pairwise
/// m, m + 4 and then across the lanes as the vector sum does, the remaining j one by one); the weight gradient is
/// Σₙ δ[n, k]·x[n, j] summed in row order (four interleaved partial sums for the last d mod 4 inputs) and the bias
/// gradient Σₙ δ[n, k] in the 8-lane chunks of the vector sum: the orders of the one-model backward pass. The losses,
/// weight penalties, optimizer steps, divergence checks and the final full-data loss are the very calls the one-model
/// trainer makes. Nothing is allocated per step.
/// </summary>
internal static class LinearGroupTrainer
{
    /// <summary>How <see cref="Vector.Sum{T}(Vector{T})"/> adds four double lanes: 0 when it is none of the known orders.</summary>
    private static readonly int SumOrder = ProbeSumOrder();

    /// <summary>Whether the grouped path reproduces the one-model arithmetic on this machine (8 float lanes, a known lane-sum order).</summary>
    public static bool Supported { get; } = Vector.IsHardwareAccelerated && Vector<float>.Count == 8 && Vector<double>.Count == 4 && Vector256.IsHardwareAccelerated && SumOrder != 0;

    private static long _membersTrained;

    /// <summary>Members trained by <see cref="Train"/> in this process, for tests that a path was taken.</summary>
    public static long MembersTrained => Interlocked.Read(ref _membersTrained);

    /// <summary>Whether a run of this objective and optimizer can train in a group.</summary>
    public static bool Eligible(TrainingObjective objective, OptimizerRule rule)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(rule);
        return Supported && objective.Model is LinearModel { Outputs: 1, Inputs: >= 2 } && !objective.SigmoidLink && objective.TargetWidth == 1
            && rule.Transform is not null && rule.Lbfgs is null;
    }

    /// <summary>One model of a group: what it trains with, and after <see cref="Train"/> its parameters or its divergence.</summary>
    public sealed class Member(TrainingObjective objective, OptimizerRule rule, float[] initial)
    {
        public TrainingObjective Objective { get; } = objective;

        public OptimizerRule Rule { get; } = rule;

        public float[] Initial { get; } = initial;

        /// <summary>The final parameters (null until trained).</summary>
        public float[]? Parameters { get; internal set; }

        /// <summary>Whether the run diverged (as <see cref="TrainingRun.Diverged"/> would say).</summary>
        public bool Diverged { get; internal set; }
    }

    /// <summary>
    /// Trains every member from its start, as <see cref="Trainer.Train"/> with no validation data, no stopping
    /// tolerance and the given epochs, batch size and seed would train each alone.
    /// </summary>
    /// <param name="members">Eligible members (<see cref="Eligible"/>) of the same inputs.</param>
    /// <param name="train">The training rows.</param>
    /// <param name="targets">The encoded targets every member trains on (the same for all).</param>
    /// <param name="epochs">Epochs.</param>
    /// <param name="batchSize">Rows per step; 0 (or ≥ the rows) is full batch.</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="cancellation">Throws <see cref="OperationCanceledException"/> between steps.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train(IReadOnlyList<Member> members, Dataset train, float[] targets, int epochs, int batchSize, int seed, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(targets);
        int count = members.Count;
        if (count == 0)
        {
            return;
        }

        int n = train.Rows, d = train.Columns, p = d + 1;
        if (members.Any(m => !Eligible(m.Objective, m.Rule) || m.Objective.Model.Inputs != d || m.Initial.Length != p))
        {
            throw new ArgumentException("every member must be an eligible one-output linear model of the data's inputs", nameof(members));
        }

        int rows = batchSize <= 0 || batchSize >= n ? n : batchSize;
        bool fullBatch = rows == n;
        long steps = (long)epochs * ((n + rows - 1) / rows);
        if (steps > Trainer.MaxSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "too many steps");
        }

        Interlocked.Add(ref _membersTrained, count);
        int groups = (count + 3) / 4, stride = groups * 4;
        float[][] theta = [.. members.Select(m => (float[])m.Initial.Clone())];
        float[][] gradient = [.. members.Select(_ => new float[p])];
        Optimizer[] optimizers = [.. members.Select(m => new Optimizer(m.Rule.Transform!, p))];
        bool[] active = [.. members.Select(_ => true)];
        double[] startLoss = new double[count], epochLoss = new double[count];
        double[] batchX = new double[rows * d];
        float[] batchY = fullBatch ? targets : new float[rows];
        if (fullBatch)
        {
            Widen(train.Features, batchX);
        }
        float[] outputs = new float[count * rows], outputGradient = new float[count * rows];
        var buffers = new Buffers(d, stride, rows);
        int[] order = [.. Enumerable.Range(0, n)];
        var random = new Random(seed);
        int step = 0, alive = count;
        for (int epoch = 1; epoch <= epochs && alive > 0; epoch++)
        {
            if (!fullBatch)
            {
                random.Shuffle(order);
            }

            Array.Clear(epochLoss);
            int epochRows = 0;
            for (int start = 0; start < n && alive > 0; start += rows)
            {
                cancellation.ThrowIfCancellationRequested();
                int batch = Math.Min(rows, n - start);
                if (!fullBatch)
                {
                    Gather(train.Features, targets, order.AsSpan(start, batch), d, batchX, batchY);
                }

                ReadOnlySpan<double> x = batchX.AsSpan(0, batch * d);
                ReadOnlySpan<float> y = batchY.AsSpan(0, batch);
                Forward(theta, x, batch, d, buffers, outputs, rows);
                for (int k = 0; k < count; k++)
                {
                    if (active[k])
                    {
                        // What TrainingObjective.Evaluate does after the forward pass: the batch-mean loss and ∂L/∂ŷ.
                        buffers.Values[k] = members[k].Objective.Loss.Evaluate(outputs.AsSpan(k * rows, batch), y, outputGradient.AsSpan(k * rows, batch), Reduction.Mean);
                    }
                }

                Backward(x, batch, d, buffers, outputGradient, rows, count);
                for (int k = 0; k < count; k++)
                {
                    if (!active[k])
                    {
                        continue;
                    }

                    Span<float> g = gradient[k];
                    for (int j = 0; j <= d; j++)
                    {
                        g[j] = (float)buffers.Sums[(j * stride) + k];
                    }

                    double loss = buffers.Values[k] + members[k].Objective.Model.AddPenalty(theta[k], g);
                    if (step == 0)
                    {
                        startLoss[k] = loss;
                    }

                    if (Trainer.Diverging(loss, startLoss[k], Trainer.DefaultExplosionFactor))
                    {
                        Drop(members[k], active, k, ref alive);
                        continue;
                    }

                    epochLoss[k] += loss * batch;
                    _ = members[k].Rule.LearningRate.At(step);
                    optimizers[k].Step(theta[k], g);
                    if (!Trainer.AllFinite(theta[k]))
                    {
                        Drop(members[k], active, k, ref alive);
                    }
                }

                epochRows += batch;
                step++;
            }

            for (int k = 0; k < count; k++)
            {
                if (active[k])
                {
                    (members[k].Rule.LearningRate as PlateauState)?.Report(epochLoss[k] / epochRows);
                }
            }
        }

        for (int k = 0; k < count; k++)
        {
            if (!active[k])
            {
                continue;
            }

            // Trainer.Finish: the loss on every training row, against the loss at the start.
            double final = members[k].Objective.Evaluate(theta[k], train, targets);
            members[k].Diverged = step > 0 && Trainer.Diverging(final, startLoss[k], Trainer.DefaultExplosionFactor);
            members[k].Parameters = theta[k];
        }
    }

    /// <summary>
    /// One forward and backward pass of the group kernels, allocating its buffers (for tests against <see cref="LinearModel"/>):
    /// the outputs of every model (outputs[k][n]) and the parameter gradients from the output gradients δ[k][n].
    /// </summary>
    internal static (float[][] Outputs, float[][] Gradients) Pass(float[][] theta, float[] inputs, int batch, int d, float[][] outputGradient)
    {
        int count = theta.Length, stride = ((count + 3) / 4) * 4;
        var buffers = new Buffers(d, stride, batch);
        double[] x = new double[batch * d];
        Widen(inputs, x);
        float[] outputs = new float[count * batch], delta = new float[count * batch];
        Forward(theta, x, batch, d, buffers, outputs, batch);
        for (int k = 0; k < count; k++)
        {
            outputGradient[k].AsSpan(0, batch).CopyTo(delta.AsSpan(k * batch));
        }

        Backward(x, batch, d, buffers, delta, batch, count);
        float[][] gradients = [.. Enumerable.Range(0, count).Select(k => Enumerable.Range(0, d + 1).Select(j => (float)buffers.Sums[(j * stride) + k]).ToArray())];
        return ([.. Enumerable.Range(0, count).Select(k => outputs.AsSpan(k * batch, batch).ToArray())], gradients);
    }

    private static void Drop(Member member, bool[] active, int k, ref int alive)
    {
        member.Diverged = true;
        active[k] = false;
        alive--;
    }

    /// <summary>Copies the rows of <paramref name="order"/>, widened to double (exactly), and their targets into the batch buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(float[] features, float[] targets, ReadOnlySpan<int> order, int d, double[] batchX, float[] batchY)
    {
        ref float source = ref MemoryMarshal.GetArrayDataReference(features);
        ref double destination = ref MemoryMarshal.GetArrayDataReference(batchX);
        for (int i = 0; i < order.Length; i++)
        {
            int row = order[i];
            batchY[i] = targets[row];
            ref float from = ref Unsafe.Add(ref source, (nint)row * d);
            ref double to = ref Unsafe.Add(ref destination, i * d);
            int j = 0;
            for (; j <= d - 8; j += 8)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref from, (nuint)j);
                Vector256.WidenLower(v).StoreUnsafe(ref to, (nuint)j);
                Vector256.WidenUpper(v).StoreUnsafe(ref to, (nuint)(j + 4));
            }

            for (; j < d; j++)
            {
                Unsafe.Add(ref to, j) = Unsafe.Add(ref from, j);
            }
        }
    }

    private static void Widen(float[] values, double[] wide)
    {
        for (int i = 0; i < values.Length; i++)
        {
            wide[i] = values[i];
        }
    }

    /// <summary>Scratch of one group: the weights as doubles, four models per vector, and the gradient sums.</summary>
    private sealed class Buffers(int d, int stride, int rows)
    {
        /// <summary>W[j·stride + k] = model k's weight j; the bias at j = d.</summary>
        public double[] Weights { get; } = new double[(d + 1) * stride];

        /// <summary>Gradient sums in the layout of <see cref="Weights"/>.</summary>
        public double[] Sums { get; } = new double[(d + 1) * stride];

        /// <summary>Output gradients of one group of four models, widened: δ[n·4 + l].</summary>
        public double[] Delta { get; } = new double[rows * 4];

        /// <summary>Outputs of one group of four models: y[n·4 + l].</summary>
        public double[] Lanes { get; } = new double[rows * 4];

        /// <summary>Batch-mean loss per model.</summary>
        public double[] Values { get; } = new double[stride];
    }

    /// <summary>Every model's output for every row of the batch: outputs[k·rows + n].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Forward(float[][] theta, ReadOnlySpan<double> x, int batch, int d, Buffers buffers, float[] outputs, int rows)
    {
        int count = theta.Length, stride = buffers.Weights.Length / (d + 1);
        double[] w = buffers.Weights;
        for (int k = 0; k < stride; k++)
        {
            for (int j = 0; j <= d; j++)
            {
                w[(j * stride) + k] = k < count ? theta[k][j] : 0;
            }
        }

        int tail = d - (d % 8);
        ref double x0 = ref MemoryMarshal.GetReference(x);
        ref double w0 = ref MemoryMarshal.GetArrayDataReference(w);
        ref double o0 = ref MemoryMarshal.GetArrayDataReference(buffers.Lanes);
        int order = SumOrder;
        for (int group = 0; group < stride; group += 4)
        {
            ref double wg = ref Unsafe.Add(ref w0, group);
            Vector256<double> bias = Vector256.LoadUnsafe(ref wg, (nuint)(d * stride));
            for (int r = 0; r < batch; r++)
            {
                ref double row = ref Unsafe.Add(ref x0, r * d);
                Vector256<double> sum = Vector256<double>.Zero;
                if (tail > 0)
                {
                    // Lane m of the one-model sum: the products of inputs m, m + 8, m + 16, … added in that order from zero.
                    sum = LaneSum(
                        Chunk(ref row, ref wg, stride, tail, 0) + Chunk(ref row, ref wg, stride, tail, 4),
                        Chunk(ref row, ref wg, stride, tail, 1) + Chunk(ref row, ref wg, stride, tail, 5),
                        Chunk(ref row, ref wg, stride, tail, 2) + Chunk(ref row, ref wg, stride, tail, 6),
                        Chunk(ref row, ref wg, stride, tail, 3) + Chunk(ref row, ref wg, stride, tail, 7),
                        order);
                }

                for (int j = tail; j < d; j++)
                {
                    sum = Mad(Vector256.Create(Unsafe.Add(ref row, j)), Vector256.LoadUnsafe(ref wg, (nuint)(j * stride)), sum);
                }

                (sum + bias).StoreUnsafe(ref o0, (nuint)(r * 4));
            }

            int models = Math.Min(4, count - group);
            double[] lanes = buffers.Lanes;
            for (int l = 0; l < models; l++)
            {
                Span<float> mine = outputs.AsSpan((group + l) * rows, batch);
                for (int r = 0; r < mine.Length; r++)
                {
                    mine[r] = (float)lanes[(r * 4) + l];
                }
            }
        }
    }

    /// <summary>Σ over c of x[c + m]·W[c + m] for c = 0, 8, … below <paramref name="tail"/>, from zero, four models per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Chunk(ref double row, ref double wg, int stride, int tail, int m)
    {
        Vector256<double> a = Vector256<double>.Zero;
        for (int c = m; c < tail; c += 8)
        {
            a = Mad(Vector256.Create(Unsafe.Add(ref row, c)), Vector256.LoadUnsafe(ref wg, (nuint)(c * stride)), a);
        }

        return a;
    }

    /// <summary>a·b + c; on products of two floats widened to double (exact), fused or not gives the same.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Mad(Vector256<double> a, Vector256<double> b, Vector256<double> c)
        => System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>The gradient sums of every model: Sums[j·stride + k] = Σₙ δ[n, k]·x[n, j] (j &lt; d), Σₙ δ[n, k] (j = d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Backward(ReadOnlySpan<double> x, int batch, int d, Buffers buffers, float[] outputGradient, int rows, int count)
    {
        double[] sums = buffers.Sums, delta = buffers.Delta;
        int stride = sums.Length / (d + 1);
        int vectorColumns = d - (d % 4);
        ref double x0 = ref MemoryMarshal.GetReference(x);
        ref double s0 = ref MemoryMarshal.GetArrayDataReference(sums);
        ref double dl0 = ref MemoryMarshal.GetArrayDataReference(delta);
        int order = SumOrder;
        for (int group = 0; group < stride; group += 4)
        {
            int models = Math.Min(4, count - group);
            for (int r = 0; r < batch; r++)
            {
                for (int l = 0; l < 4; l++)
                {
                    delta[(r * 4) + l] = l < models ? outputGradient[((group + l) * rows) + r] : 0;
                }
            }

            // Weights: inputs covered by the vector columns of the one-model backward pass are summed in row order.
            int j = 0;
            for (; j <= vectorColumns - 4; j += 4)
            {
                Vector256<double> c0 = Vector256<double>.Zero, c1 = c0, c2 = c0, c3 = c0;
                for (int r = 0; r < batch; r++)
                {
                    Vector256<double> dv = Vector256.LoadUnsafe(ref dl0, (nuint)(r * 4));
                    ref double xr = ref Unsafe.Add(ref x0, (r * d) + j);
                    c0 = Mad(dv, Vector256.Create(xr), c0);
                    c1 = Mad(dv, Vector256.Create(Unsafe.Add(ref xr, 1)), c1);
                    c2 = Mad(dv, Vector256.Create(Unsafe.Add(ref xr, 2)), c2);
                    c3 = Mad(dv, Vector256.Create(Unsafe.Add(ref xr, 3)), c3);
                }

                c0.StoreUnsafe(ref s0, (nuint)((j * stride) + group));
                c1.StoreUnsafe(ref s0, (nuint)(((j + 1) * stride) + group));
                c2.StoreUnsafe(ref s0, (nuint)(((j + 2) * stride) + group));
                c3.StoreUnsafe(ref s0, (nuint)(((j + 3) * stride) + group));
            }

            // The last d mod 4 inputs: four partial sums over rows r ≡ 0, 1, 2, 3 (mod 4), the rest on the first.
            for (; j < d; j++)
            {
                Vector256<double> p0 = Vector256<double>.Zero, p1 = p0, p2 = p0, p3 = p0;
                int r = 0;
                for (; r <= batch - 4; r += 4)
                {
                    p0 = Mad(Vector256.LoadUnsafe(ref dl0, (nuint)(r * 4)), Vector256.Create(Unsafe.Add(ref x0, (r * d) + j)), p0);
                    p1 = Mad(Vector256.LoadUnsafe(ref dl0, (nuint)((r + 1) * 4)), Vector256.Create(Unsafe.Add(ref x0, ((r + 1) * d) + j)), p1);
                    p2 = Mad(Vector256.LoadUnsafe(ref dl0, (nuint)((r + 2) * 4)), Vector256.Create(Unsafe.Add(ref x0, ((r + 2) * d) + j)), p2);
                    p3 = Mad(Vector256.LoadUnsafe(ref dl0, (nuint)((r + 3) * 4)), Vector256.Create(Unsafe.Add(ref x0, ((r + 3) * d) + j)), p3);
                }

                for (; r < batch; r++)
                {
                    p0 = Mad(Vector256.LoadUnsafe(ref dl0, (nuint)(r * 4)), Vector256.Create(Unsafe.Add(ref x0, (r * d) + j)), p0);
                }

                ((p0 + p1) + (p2 + p3)).StoreUnsafe(ref s0, (nuint)((j * stride) + group));
            }

            // Bias: the vector sum of δ, rows in chunks of 8 (lanes m and m + 4 added, then across), the rest one by one.
            int chunkRows = batch - (batch % 8);
            Vector256<double> bias = Vector256<double>.Zero;
            if (chunkRows > 0)
            {
                Vector256<double> b0 = Vector256<double>.Zero, b1 = b0, b2 = b0, b3 = b0, b4 = b0, b5 = b0, b6 = b0, b7 = b0;
                for (int r = 0; r < chunkRows; r += 8)
                {
                    b0 += Vector256.LoadUnsafe(ref dl0, (nuint)(r * 4));
                    b1 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 1) * 4));
                    b2 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 2) * 4));
                    b3 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 3) * 4));
                    b4 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 4) * 4));
                    b5 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 5) * 4));
                    b6 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 6) * 4));
                    b7 += Vector256.LoadUnsafe(ref dl0, (nuint)((r + 7) * 4));
                }

                bias = LaneSum(b0 + b4, b1 + b5, b2 + b6, b3 + b7, order);
            }

            for (int r = chunkRows; r < batch; r++)
            {
                bias += Vector256.LoadUnsafe(ref dl0, (nuint)(r * 4));
            }

            bias.StoreUnsafe(ref s0, (nuint)((d * stride) + group));
        }
    }

    /// <summary>Lane by lane, the sum of the four values t0…t3 in the order the vector sum of (t0, t1, t2, t3) adds them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LaneSum(Vector256<double> t0, Vector256<double> t1, Vector256<double> t2, Vector256<double> t3, int order) => order switch
    {
        1 => (t0 + t1) + (t2 + t3),
        2 => ((t0 + t1) + t2) + t3,
        _ => (t0 + t2) + (t1 + t3),
    };

    /// <summary>Which order <see cref="Vector.Sum{T}(Vector{T})"/> adds four double lanes in, from values where the orders differ; 0 for none known.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int ProbeSumOrder()
    {
        if (Vector<double>.Count != 4)
        {
            return 0;
        }

        double[][] probes = [[1, 1e16, -1e16, 1], [1e16, -1e16, 1, 1], [1, -1e16, 1, 1e16], [0.1, 0.2, 0.3, 1e17], [3.5e-17, 1, -1, 7e-17]];
        for (int order = 1; order <= 3; order++)
        {
            bool all = true;
            foreach (double[] v in probes)
            {
                double expected = order switch
                {
                    1 => (v[0] + v[1]) + (v[2] + v[3]),
                    2 => ((v[0] + v[1]) + v[2]) + v[3],
                    _ => (v[0] + v[2]) + (v[1] + v[3]),
                };
                double actual = Vector.Sum(new Vector<double>(v));
                all &= BitConverter.DoubleToInt64Bits(actual) == BitConverter.DoubleToInt64Bits(expected);
            }

            if (all)
            {
                return order;
            }
        }

        return 0;
    }
}
