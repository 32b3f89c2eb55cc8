using System.Runtime.Intrinsics;
using LossLab.Losses;
using LossLab.Numerics;

namespace LossLab.Tests.Numerics;

/// <summary>
/// The fused float32 SIMD kernels (taken when a gradient is wanted without per-item values) agree with the
/// generic scalar path evaluated in double, on sizes that exercise full vectors, overlapping row tails and scalar tails.
/// </summary>
public sealed class FusedKernelTests
{
    [Theory]
    [InlineData("mse", 1003)]
    [InlineData("l1", 1003)]
    [InlineData("huber", 1003)]
    [InlineData("huber:delta=0.3", 77)]
    [InlineData("smooth_l1:beta=0.5", 1003)]
    [InlineData("smooth_l1", 13)]
    [InlineData("log_cosh", 1003)]
    [InlineData("log_cosh", 13)]
    [InlineData("log_cosh", 5)]
    [InlineData("bce_with_logits", 1003)]
    [InlineData("mse", 1_000_003)]
    [InlineData("bce_with_logits", 1_000_003)]
    public void Elementwise_fused_kernels_match_the_double_path(string spec, int n)
    {
        var random = new Random(5);
        float[] p = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 40) - 20)).ToArray();
        float[] t = spec.StartsWith("bce", StringComparison.Ordinal)
            ? Enumerable.Range(0, n).Select(_ => (float)random.Next(2)).ToArray()
            : Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        p[3] = t[3];
        ILoss loss = LossCatalog.Create(spec);
        foreach (Reduction r in new[] { Reduction.Mean, Reduction.Sum })
        {
            AssertAgree(loss, p, t, r);
        }
    }

    [Theory]
    [InlineData(3, 517)]
    [InlineData(8, 300)]
    [InlineData(10, 1031)]
    [InlineData(13, 64)]
    [InlineData(37, 20)]
    [InlineData(2, 203)]
    [InlineData(7, 64)]
    [InlineData(16, 41)]
    [InlineData(64, 19)]
    [InlineData(65, 17)]
    public void Cross_entropy_fused_kernel_matches_the_double_path(int classes, int rows)
    {
        var random = new Random(classes);
        float[] p = Enumerable.Range(0, rows * classes).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        float[] t = Enumerable.Range(0, rows).Select(_ => (float)random.Next(classes)).ToArray();
        p[0] = 1e4f;
        p[classes] = -1e4f;
        AssertAgree(LossCatalog.Create("cross_entropy", classes), p, t, Reduction.Mean);
        AssertAgree(LossCatalog.Create("cross_entropy", classes), p, t, Reduction.Sum);

        // Ignored rows get no loss and no gradient.
        t[1] = -100;
        t[rows - 1] = -100;
        AssertAgree(LossCatalog.Create("cross_entropy", classes), p, t, Reduction.Mean);
        float[] g = new float[p.Length];
        LossCatalog.Create("cross_entropy", classes).Evaluate(p, t, g, Reduction.Mean);
        Assert.All(g.AsSpan(classes, classes).ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(2, 41, 0.0)]
    [InlineData(3, 41, 0.0)]
    [InlineData(7, 9, 0.1)]
    [InlineData(10, 1003, 0.0)]
    [InlineData(10, 41, 0.2)]
    [InlineData(16, 24, 0.0)]
    [InlineData(37, 17, 0.05)]
    [InlineData(64, 16, 0.0)]
    [InlineData(65, 9, 0.0)]
    public void Cross_entropy_with_probability_targets_matches_the_double_path(int classes, int rows, double smoothing)
    {
        var random = new Random(classes * 31);
        float[] p = Enumerable.Range(0, rows * classes).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        float[] t = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            // Soft labels, one-hot rows and rows that do not sum to 1 (the loss does not require it).
            for (int k = 0; k < classes; k++)
            {
                t[(r * classes) + k] = r % 3 == 0 ? (k == r % classes ? 1f : 0f) : (float)random.NextDouble() / (r % 3 == 1 ? classes : 1);
            }
        }

        p[0] = 1e4f;
        p[classes] = -1e4f;
        var loss = new CrossEntropy(labelSmoothing: smoothing, classes: classes);
        AssertAgree(loss, p, t, Reduction.Mean);
        AssertAgree(loss, p, t, Reduction.Sum);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(17)]
    public void Cross_entropy_with_an_ignore_index_among_the_classes_and_non_finite_ignored_rows(int classes)
    {
        // ignore_index = 1 is a valid class number: rows targeting it contribute nothing, and their gradient is exactly 0
        // even when their logits are infinite or NaN.
        int rows = 40;
        var random = new Random(classes + 100);
        float[] p = Enumerable.Range(0, rows * classes).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();
        float[] t = Enumerable.Range(0, rows).Select(_ => (float)random.Next(classes)).ToArray();
        t[5] = 1;
        t[9] = 1;
        p[(5 * classes) + 2] = float.PositiveInfinity;
        p[9 * classes] = float.NaN;
        var loss = new CrossEntropy(ignoreIndex: 1, classes: classes);
        float[] g = new float[p.Length];
        double value = loss.Evaluate(p, t, g, Reduction.Mean);
        Assert.All(g.AsSpan(5 * classes, classes).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(g.AsSpan(9 * classes, classes).ToArray(), v => Assert.Equal(0f, v));
        Assert.True(double.IsFinite(value));

        // The same as the double path on the finite rows.
        p[(5 * classes) + 2] = 0;
        p[9 * classes] = 0;
        foreach (Reduction r in new[] { Reduction.Mean, Reduction.Sum })
        {
            AssertAgree(loss, p, t, r);
        }
    }

    [Fact]
    public void Cross_entropy_class_index_check_names_the_first_bad_target_on_the_vector_path()
    {
        float[] p = new float[40 * 10];
        float[] t = Enumerable.Range(0, 40).Select(i => (float)(i % 10)).ToArray();
        t[3] = -100;
        foreach (float bad in new[] { 2.5f, 10f, -1f, float.NaN })
        {
            t[21] = bad;
            var error = Assert.Throws<ArgumentException>(() => LossCatalog.Create("cross_entropy", 10).Evaluate(p, t, new float[p.Length], Reduction.Mean));
            Assert.Contains("target 21", error.Message, StringComparison.Ordinal);
        }

        t[21] = 0;
        t[39] = 10;
        Assert.Throws<ArgumentException>(() => LossCatalog.Create("cross_entropy", 10).Evaluate(p, t, new float[p.Length], Reduction.Mean));
    }

    [Fact]
    public void Vector_exp_and_log_are_accurate_to_a_few_ulp()
    {
        double worstExp = 0, worstLog = 0, worstLog1P = 0;
        var random = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            float[] x = Enumerable.Range(0, 8).Select(_ => (float)((random.NextDouble() * 170) - 86)).ToArray();
            float[] pos = Enumerable.Range(0, 8).Select(_ => (float)Math.Exp((random.NextDouble() * 160) - 80)).ToArray();
            float[] unit = Enumerable.Range(0, 8).Select(_ => (float)Math.Pow(random.NextDouble(), 8)).ToArray();
            Vector256<float> e = VectorMath.Exp(Vector256.Create(x));
            Vector256<float> l = VectorMath.Log(Vector256.Create(pos));
            Vector256<float> l1 = VectorMath.Log1PUnit(Vector256.Create(unit));
            for (int k = 0; k < 8; k++)
            {
                worstExp = Math.Max(worstExp, Math.Abs(e[k] - Math.Exp(x[k])) / Math.Exp(x[k]));
                worstLog = Math.Max(worstLog, Math.Abs(l[k] - Math.Log(pos[k])) / Math.Max(Math.Abs(Math.Log(pos[k])), 1e-3));
                double u = unit[k];
                double reference = u < 1e-8 ? u - (u * u / 2) : Math.Log(1 + u);
                if (u > 0)
                {
                    worstLog1P = Math.Max(worstLog1P, Math.Abs(l1[k] - reference) / reference);
                }
            }
        }

        Assert.True(worstExp < 3e-7, $"exp {worstExp}");
        Assert.True(worstLog < 3e-7, $"log {worstLog}");
        Assert.True(worstLog1P < 3e-7, $"log1p {worstLog1P}");
        Assert.Equal(0f, VectorMath.Exp(Vector256.Create(-1e4f))[0]);
        Assert.Equal(float.PositiveInfinity, VectorMath.Exp(Vector256.Create(100f))[0]);
    }

    [Fact]
    public void Log1p_on_the_unit_interval_is_within_1_6_ulp_on_a_dense_grid_of_every_binade()
    {
        // Every 61st float from the smallest normal to 1 (about 17 million values, every binade densely covered), then
        // 0 and 1 exactly, against double math (log(1 + e) is exact to double rounding here, since 1 + e is exact for
        // e ≥ 2⁻²⁹; below, the series). The bound is what tools/fit_log1p.py reports for its float32 evaluation.
        double worst = 0;
        float worstAt = 0;
        float[] lanes = new float[8];
        int filled = 0;
        for (int bits = 0x00800000; ; bits += 61)
        {
            bool last = bits >= 0x3F800000;
            lanes[filled++] = last ? 1f : BitConverter.Int32BitsToSingle(bits);
            if (filled == 8 || last)
            {
                Vector256<float> y = VectorMath.Log1PUnit(Vector256.Create(lanes));
                for (int k = 0; k < filled; k++)
                {
                    double e = lanes[k];
                    double reference = e < 1.0 / (1 << 29) ? e - (e * e / 2) + (e * e * e / 3) : Math.Log(1 + e);
                    float rounded = (float)reference;
                    double ulp = MathF.BitIncrement(rounded) - rounded;
                    double error = Math.Abs(y[k] - reference) / ulp;
                    if (error > worst)
                    {
                        worst = error;
                        worstAt = lanes[k];
                    }
                }

                filled = 0;
            }

            if (last)
            {
                break;
            }
        }

        Assert.True(worst <= 1.6, $"log1p: {worst} ulp at {worstAt}");
        Assert.Equal(0f, VectorMath.Log1PUnit(Vector256<float>.Zero)[0]);
        Assert.True(float.IsNaN(VectorMath.Log1PUnit(Vector256.Create(float.NaN))[0]));
    }

    [Fact]
    public void The_reciprocal_of_the_sigmoid_and_the_softmax_is_within_1_ulp()
    {
        // 1/a on a dense grid of [1, 2] (every 7th float) and on [2, 1024] (every 4099th), against the division.
        double worst = 0;
        for (int bits = 0x3F800000; bits <= 0x44800000; bits += bits < 0x40000000 ? 7 * 8 : 4099 * 8)
        {
            Vector256<float> a = Vector256.Create(bits, bits + 1, bits + 2, bits + 3, bits + 4, bits + 5, bits + 6, bits + 7).AsSingle();
            Vector256<float> r = VectorMath.Reciprocal(a);
            for (int k = 0; k < 8; k++)
            {
                float exact = 1f / a[k];
                worst = Math.Max(worst, Math.Abs(r[k] - (1.0 / a[k])) / (MathF.BitIncrement(exact) - exact));
            }
        }

        Assert.True(worst <= 1.0, $"reciprocal: {worst} ulp");
    }

    [Fact]
    public void Exp_of_non_positive_arguments_is_as_accurate_and_keeps_nan()
    {
        double worst = 0;
        var random = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            float[] x = Enumerable.Range(0, 8).Select(_ => (float)(-random.NextDouble() * 87)).ToArray();
            Vector256<float> e = VectorMath.ExpNonPositive(Vector256.Create(x));
            for (int k = 0; k < 8; k++)
            {
                worst = Math.Max(worst, Math.Abs(e[k] - Math.Exp(x[k])) / Math.Exp(x[k]));
            }
        }

        Assert.True(worst < 3e-7, $"exp {worst}");
        Assert.Equal(1f, VectorMath.ExpNonPositive(Vector256<float>.Zero)[0]);
        Assert.Equal(0f, VectorMath.ExpNonPositive(Vector256.Create(-1e4f))[0]);
        Assert.Equal(0f, VectorMath.ExpNonPositive(Vector256.Create(float.NegativeInfinity))[0]);
        Assert.True(float.IsNaN(VectorMath.ExpNonPositive(Vector256.Create(float.NaN))[0]));
    }

    [Theory]
    [InlineData("huber")]
    [InlineData("bce_with_logits")]
    [InlineData("mse")]
    [InlineData("smooth_l1")]
    [InlineData("log_cosh")]
    public void A_nan_prediction_gives_a_nan_value_and_gradient_on_the_vector_path(string spec)
    {
        float[] p = Enumerable.Range(0, 16).Select(i => i * 0.1f).ToArray();
        float[] t = Enumerable.Range(0, 16).Select(i => (i % 2) * 1f).ToArray();
        p[3] = float.NaN;
        float[] g = new float[p.Length];
        double value = LossCatalog.Create(spec).Evaluate(p, t, g, Reduction.Mean);
        Assert.True(double.IsNaN(value), $"{spec}: value {value}");
        Assert.True(float.IsNaN(g[3]), $"{spec}: gradient {g[3]}");
        Assert.True(float.IsFinite(g[4]), $"{spec}: gradient of a finite prediction {g[4]}");
    }

    [Fact]
    public void Fused_log_cosh_is_accurate_to_a_few_ulp_from_tiny_to_huge_residuals()
    {
        var random = new Random(9);
        float[] z = Enumerable.Range(0, 40_000).Select(_ => (float)(Math.Exp((random.NextDouble() * 30) - 25) * (random.Next(2) * 2 - 1))).ToArray();
        z[0] = 0f;
        z[1] = 1f;
        z[2] = -1f;
        z[3] = 1e30f;
        float[] g = new float[z.Length];
        float[] values = new float[z.Length];
        var loss = new LogCosh();
        for (int i = 0; i + 8 <= z.Length; i += 8)
        {
            // Sum reduction over one vector at a time gives each element's value through the fused path.
            g.AsSpan(i, 8).Clear();
            values[i] = (float)loss.Evaluate(z.AsSpan(i, 8), new float[8], g.AsSpan(i, 8), Reduction.Sum);
        }

        double worstValue = 0, worstGradient = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double a = Math.Abs((double)z[i]);
            double tanh = Math.Tanh(z[i]);
            worstGradient = Math.Max(worstGradient, Math.Abs(g[i] - tanh) / Math.Max(Math.Abs(tanh), 1e-300));
        }

        for (int i = 0; i + 8 <= z.Length; i += 8)
        {
            double expected = 0;
            for (int k = i; k < i + 8; k++)
            {
                double a = Math.Abs((double)z[k]);
                expected += a < 1e-3 ? a * a * (0.5 - (a * a / 12)) : a + Math.Log(1 + Math.Exp(-2 * a)) - Math.Log(2);
            }

            worstValue = Math.Max(worstValue, Math.Abs(values[i] - expected) / expected);
        }

        Assert.True(worstGradient < 3e-7, $"tanh {worstGradient}");
        Assert.True(worstValue < 3e-7, $"log cosh {worstValue}");
    }

    [Theory]
    [InlineData("log_cosh")]
    [InlineData("huber")]
    [InlineData("bce_with_logits")]
    public void A_gradient_written_over_the_predictions_is_the_same_as_into_its_own_buffer(string spec)
    {
        var random = new Random(12);
        float[] p = Enumerable.Range(0, 21).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        float[] t = Enumerable.Range(0, 21).Select(i => (float)(i % 2)).ToArray();
        ILoss loss = LossCatalog.Create(spec);
        float[] g = new float[p.Length];
        double separate = loss.Evaluate(p, t, g, Reduction.Mean);
        float[] inPlace = (float[])p.Clone();
        double overwritten = loss.Evaluate(inPlace, t, inPlace, Reduction.Mean);
        // In place, the tail is done by the scalar operator instead of an overlapping vector: equal to a few ulp.
        Assert.Equal(separate, overwritten, 1e-6);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.True(Math.Abs(g[i] - inPlace[i]) <= 1e-6 * Math.Abs(g[i]) + 1e-9, $"{spec} [{i}]: {inPlace[i]} vs {g[i]}");
        }
    }

    [Theory]
    [InlineData("mse", 1.5e19f)]
    [InlineData("l1", 3e37f)]
    [InlineData("huber", 3e37f)]
    public void Huge_but_finite_values_sum_without_overflow(string spec, float prediction)
    {
        float[] p = Enumerable.Repeat(prediction, 1024).ToArray();
        double value = LossCatalog.Create(spec).Evaluate(p, new float[1024], new float[1024], Reduction.Mean);
        Assert.True(double.IsFinite(value), $"{spec}: {value}");
    }

    [Fact]
    public void Huber_scalar_path_keeps_nan_in_the_gradient_like_the_vector_path()
    {
        float[] p = [0.5f, float.NaN, 3f];
        float[] g = new float[3];
        LossCatalog.Create("huber").Evaluate(p, new float[3], g, Reduction.Sum);
        Assert.True(float.IsNaN(g[1]));
        Assert.Equal(0.5f, g[0]);
        Assert.Equal(1f, g[2]);
    }

    private static void AssertAgree(ILoss loss, float[] p, float[] t, Reduction r)
    {
        float[] gf = new float[p.Length];
        double vf = loss.Evaluate(p, t, gf, r);
        if (loss is PointwiseLoss)
        {
            Assert.Equal(vf, loss.Evaluate(p, t, Span<float>.Empty, r)); // the value alone takes the same kernel
        }
        double[] gd = new double[p.Length];
        double vd = loss.Evaluate(p.Select(x => (double)x).ToArray(), t.Select(x => (double)x).ToArray(), gd, r);
        Assert.True(Math.Abs(vf - vd) <= 1e-5 * Math.Abs(vd) + 1e-6, $"{loss.Name} {r}: value {vf} vs {vd}");
        double gscale = gd.Max(Math.Abs);
        for (int i = 0; i < p.Length; i++)
        {
            Assert.True(Math.Abs(gf[i] - gd[i]) <= (1e-5 * Math.Abs(gd[i])) + (1e-6 * gscale), $"{loss.Name} {r} grad[{i}]: {gf[i]} vs {gd[i]}");
        }
    }
}
