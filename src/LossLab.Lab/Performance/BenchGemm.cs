using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using LossLab.Lab.Data;
using LossLab.Losses;
using LossLab.Models;

namespace LossLab.Lab.Performance;

/// <summary>
/// The dense-layer rows of the suite: the machine's 8-lane FMA peak on 1 and 2 threads (an L1-resident register loop)
/// and one training step of an <c>mlp</c> 784-H-H-1 (relu, mse, adam, batch 256) for H = 256 and 1024, as µs, GFLOP/s
/// and the fraction of the 2-thread peak measured in the same run.
/// </summary>
internal static class BenchGemm
{
    /// <summary>Independent accumulators of the peak loop (FMA latency × FMA ports, with room to spare).</summary>
    private const int Accumulators = 12;

    /// <summary>Adds the rows to <paramref name="add"/>.</summary>
    public static void AddRows(bool quick, int repetitions, Action<BenchResult> add)
    {
        double peak1 = Peak(1, repetitions);
        double peak2 = Peak(2, repetitions);
        const string PeakNote = "GFLOP/s of a register-resident loop of 8-lane float FMA with 12 independent accumulators, 2 flops per lane per FMA";
        add(new BenchResult("fma_peak_1_thread", peak1, "GFLOP/s", Note: PeakNote + ", one thread"));
        add(new BenchResult("fma_peak_2_threads", peak2, "GFLOP/s", Note: PeakNote + ", two threads at once"));

        Dataset data = BenchSuite.Generate(quick ? 1024 : 2048, 784, 11);
        foreach (int hidden in (int[])[256, 1024])
        {
            var step = new TrainingStepWorkload(new Mlp(784, [hidden, hidden], 1), new Mse(), data, 256, "adam:lr=0.001");
            int steps = hidden >= 1024 ? (quick ? 2 : 4) : (quick ? 8 : 24);
            double us = step.MicrosecondsPerStep(steps, repetitions);

            // The peak again right after, so that the fraction compares numbers measured under the same load.
            double peakAfter = Peak(2, repetitions);
            double peak = (peak2 + peakAfter) / 2;
            double flops = Flops(784, hidden, 256);
            double gflops = flops / us / 1000;
            double floor = flops / peak / 1000;
            string name = string.Create(CultureInfo.InvariantCulture, $"mlp_784_{hidden}_step");
            string note = string.Create(CultureInfo.InvariantCulture, $"mlp 784→{hidden}→{hidden}→1 relu, mse, adam, batch 256: {gflops:F1} GFLOP/s = {gflops / peak:P0} of the 2-thread FMA peak ({peak:F1} GFLOP/s, mean of before and after); {flops / 1e6:F1} MFLOP per step = forward 2·B·Σ(in·out) + δ·W 2·B·Σ(in·out) over the layers after the first + ∂W 2·B·Σ(in·out); floor = those flops at the peak");
            add(new BenchResult(name, us, "µs", floor, us / floor, note));
            add(new BenchResult(name.Replace("_step", "_gflops", StringComparison.Ordinal), gflops, "GFLOP/s", peak, gflops / peak, "the step above in GFLOP/s; ratio = fraction of the 2-thread FMA peak"));
            add(new BenchResult(name + "_alloc", step.BytesPerStep(hidden >= 1024 ? 2 : 8), "B/step", Note: "bytes allocated per steady-state step"));

            // The same step on one thread against the 1-thread peak: the kernels' efficiency, whatever the other core is doing.
            int threads = IntraOp.MaxThreads;
            IntraOp.MaxThreads = 1;
            double single;
            try
            {
                single = step.MicrosecondsPerStep(steps, repetitions);
            }
            finally
            {
                IntraOp.MaxThreads = threads;
            }

            double peakSingle = (peak1 + Peak(1, repetitions)) / 2;
            double floorSingle = flops / peakSingle / 1000;
            add(new BenchResult(name + "_1_thread", single, "µs", floorSingle, single / floorSingle, string.Create(CultureInfo.InvariantCulture, $"the step above on one thread (intra-step split off): {flops / single / 1000:F1} GFLOP/s = {floorSingle / single:P0} of the 1-thread FMA peak ({peakSingle:F1} GFLOP/s, mean of the first and a new measurement)")));
        }
    }

    /// <summary>
    /// The flops of one training step of an mlp inputs-H-H-1 on <paramref name="batch"/> rows: the forward products
    /// 2·B·Σ(in·out), the δ passed back through every layer after the first 2·B·Σ(in·out), and the weight gradients
    /// 2·B·Σ(in·out). Biases, activations, the loss and the update are not counted.
    /// </summary>
    public static double Flops(int inputs, int hidden, int batch)
    {
        double all = ((double)inputs * hidden) + ((double)hidden * hidden) + hidden;
        double afterFirst = ((double)hidden * hidden) + hidden;
        return 2.0 * batch * (all + afterFirst + all);
    }

    /// <summary>The median GFLOP/s of the peak loop run on <paramref name="threads"/> threads at once.</summary>
    public static double Peak(int threads, int repetitions)
    {
        const int Iterations = 4_000_000;
        double flopsPerThread = (double)Iterations * Accumulators * Vector256<float>.Count * 2;
        _ = Loop(10_000);
        double[] rates = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            if (threads == 1)
            {
                _ = Loop(Iterations);
            }
            else
            {
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Loop(Iterations));
            }

            rates[r] = flopsPerThread * threads / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
        }

        Array.Sort(rates);
        return rates[repetitions / 2];
    }

    /// <summary>12 independent chains of a·m + c in 8 float lanes; returns their sum so that nothing is optimised away.</summary>
    private static float Loop(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = Vector256.Create(1.1f), a2 = Vector256.Create(1.2f), a3 = Vector256.Create(1.3f);
        Vector256<float> a4 = Vector256.Create(1.4f), a5 = Vector256.Create(1.5f), a6 = Vector256.Create(1.6f), a7 = Vector256.Create(1.7f);
        Vector256<float> a8 = Vector256.Create(1.8f), a9 = Vector256.Create(1.9f), a10 = Vector256.Create(2f), a11 = Vector256.Create(2.1f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
            a10 = Vector256.FusedMultiplyAdd(a10, m, c);
            a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)));
    }
}
