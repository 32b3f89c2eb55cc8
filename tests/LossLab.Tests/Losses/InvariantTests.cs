using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>The identities between losses that the guide and the references state.</summary>
public sealed class InvariantTests
{
    private static readonly double[] Pred = [-3.5, -1.2, -0.3, 0, 0.2, 0.9, 1.7, 4.0, 12.5];
    private static readonly double[] Zero = new double[9];

    private static (double Value, double[] Grad, double[] Items) Eval(ILoss loss, double[] p, double[] t, Reduction r = Reduction.Mean)
    {
        double[] g = new double[p.Length];
        double v = loss.Evaluate(p, t, g, r);
        double[] items = new double[loss.ItemCount(p.Length, t.Length)];
        loss.EvaluateItems(p, t, items, new double[p.Length]);
        return (v, g, items);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    public void SmoothL1_of_beta_is_Huber_of_delta_beta_divided_by_beta(double beta)
    {
        var s = Eval(new SmoothL1(beta), Pred, Zero);
        var h = Eval(new Huber(beta), Pred, Zero);
        Assert.Equal(h.Value / beta, s.Value, 12);
        for (int i = 0; i < Pred.Length; i++)
        {
            Assert.Equal(h.Grad[i] / beta, s.Grad[i], 12);
            Assert.Equal(h.Items[i] / beta, s.Items[i], 12);
        }
    }

    [Fact]
    public void Huber_with_delta_1_is_SmoothL1_with_beta_1()
    {
        var s = Eval(new SmoothL1(1), Pred, Zero);
        var h = Eval(new Huber(1), Pred, Zero);
        Assert.Equal(h.Value, s.Value, 14);
        Assert.Equal(h.Grad, s.Grad);
    }

    [Fact]
    public void SmoothL1_with_beta_0_is_exactly_L1_with_gradient_0_at_0()
    {
        float[] p = [-2f, 0f, 0f, 3.5f];
        float[] t = [1f, 0f, 0f, -1f];
        float[] gs = new float[4], gl = new float[4];
        double vs = new SmoothL1(0).Evaluate(p, t, gs, Reduction.Sum);
        double vl = new L1().Evaluate(p, t, gl, Reduction.Sum);
        Assert.Equal(vl, vs);
        Assert.Equal(gl, gs);
        Assert.Equal(0f, gs[1]);
        Assert.Equal(0f, gs[2]);
        Assert.All(gs, g => Assert.False(float.IsNaN(g)));
    }

    [Fact]
    public void Huber_tends_to_half_MSE_as_delta_grows()
    {
        double mse = Eval(new Mse(), Pred, Zero).Value;
        double previousGap = double.PositiveInfinity;
        foreach (double delta in new[] { 1.0, 4.0, 13.0 })
        {
            double gap = Math.Abs(Eval(new Huber(delta), Pred, Zero).Value - (0.5 * mse));
            Assert.True(gap < previousGap, $"gap {gap} at delta {delta} did not shrink");
            previousGap = gap;
        }

        Assert.Equal(0.5 * mse, Eval(new Huber(13), Pred, Zero).Value, 12);
    }

    [Fact]
    public void Barron_with_alpha_2_is_half_squared_scaled_error()
    {
        const double c = 1.7;
        var b = Eval(new Barron(2, c), Pred, Zero);
        for (int i = 0; i < Pred.Length; i++)
        {
            Assert.Equal(0.5 * Pred[i] * Pred[i] / (c * c), b.Items[i], 12);
        }
    }

    [Fact]
    public void Barron_special_cases_match_the_named_losses()
    {
        var cauchy = Eval(new Cauchy(0.8), Pred, Zero);
        var barron0 = Eval(new Barron(0, 0.8), Pred, Zero);
        Assert.Equal(cauchy.Value, barron0.Value, 12);
        Assert.Equal(cauchy.Grad, barron0.Grad, new ToleranceComparer(1e-12));

        const double delta = 1.5;
        var pseudo = Eval(new PseudoHuber(delta), Pred, Zero);
        var barron1 = Eval(new Barron(1, delta), Pred, Zero);
        Assert.Equal(pseudo.Value, delta * delta * barron1.Value, 11);

        var gemanMcClure = Eval(new Barron(-2, 1), Pred, Zero);
        for (int i = 0; i < Pred.Length; i++)
        {
            double z2 = Pred[i] * Pred[i];
            Assert.Equal(2 * z2 / (z2 + 4), gemanMcClure.Items[i], 12);
        }

        // Near the special values the general formula agrees with the limits.
        // Near the special values the general formula approaches the limits (relative gaps shrink with the distance).
        static double Gap(double a, double b) => Math.Abs(a - b) / Math.Abs(a);
        double l2 = Eval(new Barron(2, 1), Pred, Zero).Value;
        Assert.True(Gap(l2, Eval(new Barron(2 - 1e-9, 1), Pred, Zero).Value) < 1e-7);
        Assert.True(Gap(barron0.Value, Eval(new Barron(1e-9, 0.8), Pred, Zero).Value) < 1e-8);
        Assert.True(Gap(Eval(new Barron(double.NegativeInfinity, 1), Pred, Zero).Value, Eval(new Barron(-1e6, 1), Pred, Zero).Value) < 1e-5);
    }

    [Fact]
    public void Quantile_at_one_half_is_half_L1()
    {
        double[] t = [0.5, -1, 2, 0, 0.2, -3, 1, 1, 1];
        var q = Eval(new Quantile(0.5), Pred, t);
        var l1 = Eval(new L1(), Pred, t);
        Assert.Equal(0.5 * l1.Value, q.Value, 14);
        for (int i = 0; i < t.Length; i++)
        {
            Assert.Equal(0.5 * l1.Items[i], q.Items[i], 14);
        }
    }

    [Fact]
    public void Log_cosh_is_stable_and_accurate_for_huge_and_tiny_errors()
    {
        float[] p = [1e30f, -1e30f, 1e4f, 1e-4f, 0f, 88.8f];
        float[] t = new float[p.Length];
        float[] values = new float[p.Length], g = new float[p.Length];
        new LogCosh().EvaluateItems(p, t, values, g);
        Assert.All(values, v => Assert.True(float.IsFinite(v)));
        Assert.All(g, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1e30f, values[0], 1e24f);
        Assert.Equal(1f, g[0]);
        Assert.Equal(-1f, g[1]);
        Assert.Equal(5e-9f, values[3], 1e-14f);
        Assert.Equal(0f, values[4]);
        Assert.Equal(88.8 - Math.Log(2), values[5], 4);
    }

    [Theory]
    [InlineData("bce_with_logits")]
    [InlineData("bce_with_logits:pos_weight=3")]
    [InlineData("cross_entropy")]
    [InlineData("cross_entropy:label_smoothing=0.1")]
    [InlineData("log_cosh")]
    [InlineData("focal")]
    [InlineData("softmax_focal")]
    public void No_NaN_or_infinity_at_logits_of_plus_minus_1e4(string spec)
    {
        bool classLoss = spec.StartsWith("cross_entropy", StringComparison.Ordinal) || spec.StartsWith("softmax_focal", StringComparison.Ordinal);
        float[] p = [1e4f, -1e4f, 0f, -1e4f, 1e4f, 3f];
        float[] t = classLoss ? [1f, 0f] : [0f, 1f, 1f, 0f, 1f, 0f];
        ILoss loss = LossCatalog.Create(spec, classLoss ? 3 : 0);
        foreach (Reduction r in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        {
            float[] g = new float[p.Length];
            double v = loss.Evaluate(p, t, g, r);
            Assert.True(double.IsFinite(v), $"{spec} {r}: value {v}");
            Assert.All(g, x => Assert.True(float.IsFinite(x), $"{spec} {r}: gradient {x}"));
        }
    }

    [Fact]
    public void Float_and_double_paths_agree()
    {
        foreach (string spec in LossCases.Specs)
        {
            LossInfo info = LossCatalog.Find(spec.Split(':')[0])!;
            (double[] p, double[] t, int classes) = Inputs.For(spec, info.Input, new Random(11));
            ILoss loss = LossCatalog.Create(spec, classes);
            double[] gd = new double[p.Length];
            float[] gf = new float[p.Length];
            double vd = loss.Evaluate(p, t, gd, Reduction.Mean);
            double vf = loss.Evaluate(p.Select(x => (float)x).ToArray(), t.Select(x => (float)x).ToArray(), gf, Reduction.Mean);
            Assert.True(Math.Abs(vd - vf) <= 1e-5 * (1 + Math.Abs(vd)), $"{spec}: {vf} vs {vd}");
            for (int i = 0; i < p.Length; i++)
            {
                Assert.True(Math.Abs(gd[i] - gf[i]) <= 1e-5 * (1 + Math.Abs(gd[i])), $"{spec} grad[{i}]: {gf[i]} vs {gd[i]}");
            }
        }
    }

    [Fact]
    public void Tweedie_tends_to_Poisson_as_the_power_tends_to_1_and_to_gamma_as_it_tends_to_2()
    {
        double[] f = [-1.5, -0.2, 0, 0.7, 2.1];
        double[] y = [0, 0.4, 1, 3, 7.5];
        double[] positive = [0.3, 0.4, 1, 3, 7.5];
        double rhoOne = 1 + 1e-7, rhoTwo = 2 - 1e-7;
        double aboveOne = rhoOne - 1, belowTwo = 2 - rhoTwo; // exact in double, as the loss computes them
        var poisson = Eval(new PoissonNll(), f, y, Reduction.None);
        var nearOne = Eval(new Tweedie(rhoOne), f, y, Reduction.None);
        var gamma = Eval(new GammaNll(), f, positive, Reduction.None);
        var nearTwo = Eval(new Tweedie(rhoTwo), f, positive, Reduction.None);
        for (int i = 0; i < f.Length; i++)
        {
            // ℓ_ρ − y/(ρ − 1) → e^f − y·f as ρ → 1; ℓ_ρ − 1/(2 − ρ) → y·e^(−f) + f as ρ → 2.
            Assert.Equal(poisson.Items[i], nearOne.Items[i] - (y[i] / aboveOne), 4);
            Assert.Equal(poisson.Grad[i], nearOne.Grad[i], 5);
            Assert.Equal(gamma.Items[i], nearTwo.Items[i] - (1 / belowTwo), 4);
            Assert.Equal(gamma.Grad[i], nearTwo.Grad[i], 5);
        }
    }

    [Theory]
    [InlineData("tweedie")]
    [InlineData("tweedie:power=1.2")]
    [InlineData("tweedie:power=1.9")]
    [InlineData("gamma")]
    [InlineData("poisson_nll")]
    public void Log_link_losses_are_minimised_over_a_constant_at_the_log_of_the_mean_target(string spec)
    {
        double[] y = [0.5, 2, 3.25, 9, 0.75, 14];
        double mean = y.Average();
        ILoss loss = LossCatalog.Create(spec);
        double[] g = new double[y.Length];
        double at = loss.Evaluate(Enumerable.Repeat(Math.Log(mean), y.Length).ToArray(), y, g, Reduction.Sum);
        Assert.Equal(0, g.Sum(), 10);
        foreach (double step in new[] { -0.05, 0.05 })
        {
            double moved = loss.Evaluate(Enumerable.Repeat(Math.Log(mean) + step, y.Length).ToArray(), y, Span<double>.Empty, Reduction.Sum);
            Assert.True(moved > at, $"{spec}: {moved} at log ȳ {step:+0.00;-0.00} is not above {at}");
        }
    }

    [Fact]
    public void Tweedie_gradient_is_mu_to_the_one_minus_rho_times_the_residual()
    {
        double[] f = [-2, -0.5, 0.3, 1.8];
        double[] y = [0, 1.5, 0.2, 4];
        var t = Eval(new Tweedie(1.35), f, y, Reduction.Sum);
        for (int i = 0; i < f.Length; i++)
        {
            double mu = Math.Exp(f[i]);
            Assert.Equal(Math.Pow(mu, 1 - 1.35) * (mu - y[i]), t.Grad[i], 12);
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance * (1 + Math.Abs(y));

        public int GetHashCode(double obj) => 0;
    }

    [Theory]
    [InlineData(17f, 1f)]
    [InlineData(20f, 1f)]
    [InlineData(200f, 1f)]
    [InlineData(-200f, 0f)]
    public void Focal_with_gamma_below_1_has_a_zero_not_NaN_gradient_at_saturated_logits(float x, float t)
    {
        // PyTorch 1.13 gives NaN at all four (0·∞ in autograd); LossLab gives the limit, 0 (or a number near it).
        float[] g = new float[1];
        double value = LossCatalog.Create("focal:gamma=0.5").Evaluate([x], [t], g);
        Assert.True(float.IsFinite(g[0]) && Math.Abs(g[0]) < 1e-6, $"gradient {g[0]}");
        Assert.Equal(0, value, 1e-6);
        if (Math.Abs(x) >= 200)
        {
            Assert.Equal(0f, g[0]);
        }
    }
}
