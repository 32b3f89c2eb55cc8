using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>
/// Every catalog loss (and its main variants) at the edges of float32: ±3e38, ±1e30, 0, subnormals. For finite inputs
/// in the loss's domain, neither the value nor the gradient is ever NaN, and ±∞ appears only where the exact result
/// (the same loss in float64) lies beyond the float32 range — a true overflow, which <c>eval</c> reports as an error.
/// </summary>
public sealed class ExtremeInputTests
{
    private static readonly float[] Extremes = [3e38f, -3e38f, 1e30f, -1e30f, 0f, float.Epsilon, -float.Epsilon, 1e-40f];
    private static readonly float[] Probabilities = [0f, 1f, 0.5f, float.Epsilon, 1e-40f, 1f - 5.96e-8f];
    private static readonly float[] Labels = [0f, 1f, 0.5f];

    [Theory]
    [MemberData(nameof(LossCases.All), MemberType = typeof(LossCases))]
    public void Finite_inputs_never_give_NaN_and_give_infinity_only_on_a_true_float32_overflow(string spec)
    {
        LossInfo info = LossCatalog.Find(spec.Split(':')[0])!;
        (float[] p, float[] t, int classes) = Case(info.Input, spec);
        ILoss loss = LossCatalog.Create(spec, classes);
        double[] pd = [.. p.Select(v => (double)v)];
        double[] td = [.. t.Select(v => (double)v)];

        // Items: the exact (float64) value and derivative bound what float32 may return.
        int items = loss.ItemCount(p.Length, t.Length);
        float[] values = new float[items], grad = new float[p.Length];
        double[] valuesD = new double[items], gradD = new double[p.Length];
        loss.EvaluateItems(p, t, values, grad);
        loss.EvaluateItems(pd, td, valuesD, gradD);
        for (int i = 0; i < items; i++)
        {
            Check(spec, $"item {i}", values[i], valuesD[i]);
        }

        for (int i = 0; i < p.Length; i++)
        {
            Check(spec, $"derivative {i} (p = {p[i]}, item of target {t[Math.Min(i, t.Length - 1)]})", grad[i], gradD[i]);
        }

        bool anyOverflow = valuesD.Any(v => Math.Abs(v) > float.MaxValue);
        foreach (Reduction reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            double value = loss.Evaluate(p, t, grad, reduction);
            Assert.False(double.IsNaN(value), $"{spec} {reduction}: NaN value");
            Assert.True(double.IsFinite(value) || anyOverflow, $"{spec} {reduction}: value {value} although no item overflows");
            double valueOnly = loss.Evaluate(p, t, Span<float>.Empty, reduction);
            Assert.False(double.IsNaN(valueOnly), $"{spec} {reduction}: NaN value without a gradient");
            Assert.True(double.IsFinite(valueOnly) || anyOverflow, $"{spec} {reduction}: value {valueOnly} without a gradient although no item overflows");
            for (int i = 0; i < p.Length; i++)
            {
                Assert.False(float.IsNaN(grad[i]), $"{spec} {reduction}: NaN gradient at {i} (p = {p[i]})");
                Assert.True(float.IsFinite(grad[i]) || Math.Abs(gradD[i]) > float.MaxValue, $"{spec} {reduction}: gradient {grad[i]} at {i} (p = {p[i]}), exact {gradD[i]}");
            }
        }
    }

    [Fact]
    public void Pseudo_huber_and_cauchy_keep_finite_gradients_where_the_difference_overflows()
    {
        float[] g = new float[1];
        double ph = new PseudoHuber(0.5).Evaluate([3e38f], [-3e38f], g);
        Assert.Equal(0.5f, g[0]);
        Assert.Equal(0.5 * 6e38, ph, 6e38 * 1e-6);

        double cauchy = new Cauchy().Evaluate([3e38f], [-3e38f], g);
        Assert.Equal((2 * Math.Log(6e38)) - Math.Log(2), cauchy, 1e-4);
        Assert.Equal(2 / 6e38, g[0], 1e-44);

        // Below the switch (|z| ≤ 2²⁰c) the direct formula; above it the asymptotic one: they meet.
        double below = new Cauchy().Evaluate([1048575f], [0f], g), gBelow = g[0];
        double above = new Cauchy().Evaluate([1048577f], [0f], g);
        Assert.Equal(below, above, 1e-5);
        Assert.Equal(gBelow, g[0], 1e-11);
    }

    [Theory]
    [InlineData("giou")]
    [InlineData("diou")]
    [InlineData("ciou")]
    [InlineData("iou")]
    public void Huge_boxes_give_the_value_of_the_same_boxes_scaled_down(string spec)
    {
        ILoss loss = LossCatalog.Create(spec);
        float[] small = [0f, 0f, 2f, 1f], smallTarget = [1f, 0.5f, 3f, 3f];
        float[] gSmall = new float[4], gHuge = new float[4];
        double vSmall = loss.Evaluate(small, smallTarget, gSmall);
        double vHuge = loss.Evaluate([.. small.Select(v => v * 1e30f)], [.. smallTarget.Select(v => v * 1e30f)], gHuge);
        Assert.Equal(vSmall, vHuge, 1e-6);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(float.IsFinite(gHuge[i]));
            Assert.Equal(gSmall[i] / 1e30, gHuge[i], Math.Abs(gSmall[i] / 1e30) * 1e-4 + 1e-45);
        }
    }

    private static void Check(string spec, string what, float value, double exact)
    {
        Assert.False(double.IsNaN(exact), $"{spec}: {what} is NaN even in float64");
        Assert.False(float.IsNaN(value), $"{spec}: {what} is NaN (float64 gives {exact})");
        Assert.True(float.IsFinite(value) || Math.Abs(exact) > float.MaxValue, $"{spec}: {what} is {value} although float64 gives {exact}");
    }

    private static (float[] P, float[] T, int Classes) Case(InputKind kind, string spec)
    {
        float[] nonNegative = [.. Extremes.Where(v => v >= 0)];
        float[] positive = [.. Extremes.Where(v => v > 0)];
        bool fromLogits = spec.Contains("from_logits=true", StringComparison.Ordinal);
        switch (kind)
        {
            case InputKind.Regression:
                return Pairs(Extremes, Extremes);
            case InputKind.NonNegative:
                return Pairs(Extremes, nonNegative);
            case InputKind.Counts:
                return Pairs(spec.Contains("log_input=false", StringComparison.Ordinal) ? nonNegative : Extremes, nonNegative);
            case InputKind.Positive:
                return Pairs(Extremes, positive);
            case InputKind.MeanVariance:
            {
                var p = new List<float>();
                var t = new List<float>();
                for (int i = 0; i < Extremes.Length; i++)
                {
                    for (int j = 0; j < Extremes.Length; j++)
                    {
                        p.Add(Extremes[i]);
                        p.Add(nonNegative[(i + j) % nonNegative.Length]);
                        t.Add(Extremes[j]);
                    }
                }

                return ([.. p], [.. t], 0);
            }

            case InputKind.Probabilities:
                return Pairs(Probabilities, Labels);
            case InputKind.Logits:
                return Pairs(Extremes, Labels);
            case InputKind.SignedLabels:
                return Pairs(Extremes, [-1f, 1f]);
            case InputKind.ClassLogits:
            case InputKind.ClassLogProbabilities:
            {
                var p = new List<float>();
                var t = new List<float>();
                for (int i = 0; i < Extremes.Length; i++)
                {
                    for (int j = 0; j < Extremes.Length; j++)
                    {
                        p.AddRange([Extremes[i], Extremes[j], Extremes[(i + (3 * j)) % Extremes.Length]]);
                        t.Add((i + j) % 3);
                    }
                }

                return ([.. p], [.. t], 3);
            }

            case InputKind.Distributions:
                return Pairs(Extremes, spec.Contains("log_target=true", StringComparison.Ordinal) ? [.. Extremes.Where(v => v <= 0)] : Probabilities);
            case InputKind.Boxes:
                return Boxes();
            case InputKind.Mask:
                return Pairs(fromLogits ? Extremes : Probabilities, Labels);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static (float[] P, float[] T, int Classes) Pairs(float[] predictions, float[] targets)
    {
        var p = new List<float>();
        var t = new List<float>();
        foreach (float x in predictions)
        {
            foreach (float y in targets)
            {
                p.Add(x);
                t.Add(y);
            }
        }

        return ([.. p], [.. t], 0);
    }

    /// <summary>Boxes whose corners are drawn from the extremes (every target has x1 &lt; x2, y1 &lt; y2).</summary>
    private static (float[] P, float[] T, int Classes) Boxes()
    {
        float[] distinct = [.. Extremes.Distinct().Order()];
        var sides = new List<(float Lo, float Hi)>();
        for (int i = 0; i < distinct.Length; i++)
        {
            for (int j = i + 1; j < distinct.Length; j++)
            {
                sides.Add((distinct[i], distinct[j]));
            }
        }

        var p = new List<float>();
        var t = new List<float>();
        int n = sides.Count;
        for (int a = 0; a < n; a++)
        {
            (float Lo, float Hi) px = sides[a], py = sides[((3 * a) + 1) % n], tx = sides[((5 * a) + 2) % n], ty = sides[((7 * a) + 3) % n];
            p.AddRange([px.Lo, py.Lo, px.Hi, py.Hi]);
            t.AddRange([tx.Lo, ty.Lo, tx.Hi, ty.Hi]);
            t.AddRange([px.Lo, py.Lo, px.Hi, py.Hi]);
            p.AddRange([tx.Lo, ty.Lo, tx.Hi, ty.Hi]);
        }

        return ([.. p], [.. t], 0);
    }
}
