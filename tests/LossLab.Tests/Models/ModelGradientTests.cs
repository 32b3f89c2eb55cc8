using FsCheck;
using FsCheck.Fluent;
using LossLab.Models;
using Xunit.Abstractions;

namespace LossLab.Tests.Models;

/// <summary>
/// Backward against finite differences, with L = Σ c·y for random c (so ∂L/∂y = c):
/// <list type="number">
/// <item>in double, on <see cref="Reference"/> (an independent double-precision network written from the formulas),
/// with h = 1e-6 — a tight check (relative 1e-6; observed about 5e-8) of the analytic gradient; the model's Forward is checked against the
/// same reference, so the reference is the model's function;</item>
/// <item>in float, on the model's own Forward with h = 1e-2 on a well-scaled problem (relative 3e-3) — a coarse check
/// that needs no reference at all.</item>
/// </list>
/// Coordinates within h of a ReLU kink (the one-sided differences disagree; in float also those with h/2) are skipped;
/// few may be.
/// </summary>
public sealed class ModelGradientTests(ITestOutputHelper output)
{
    public static TheoryData<string> Activations => new() { "relu", "tanh", "gelu", "sigmoid" };

    public static TheoryData<string> Models => new() { "linear", "relu", "tanh", "gelu", "sigmoid" };

    [Fact]
    public void Linear_multi_output_backward_matches_double_finite_differences() => CheckDouble("linear");

    [Theory]
    [MemberData(nameof(Activations))]
    public void Mlp_backward_matches_double_finite_differences(string activation) => CheckDouble(activation);

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_matches_float_finite_differences_of_the_model_itself(string kind)
    {
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            (Model model, float[] theta, float[] x, int batch, float[] c) = Problem(kind, random);
            (_, float[] g) = Reference.Run(model, theta, x, batch, c);
            const float H = 1e-2f;
            double l0 = Loss(model, theta, x, batch, c);
            for (int i = 0; i < theta.Length; i++)
            {
                double lPlus = Loss(model, Shift(theta, i, H), x, batch, c);
                double lMinus = Loss(model, Shift(theta, i, -H), x, batch, c);
                double hPlus = Shift(theta, i, H)[i] - (double)theta[i], hMinus = (double)theta[i] - Shift(theta, i, -H)[i];
                double forward = (lPlus - l0) / hPlus, backward = (l0 - lMinus) / hMinus;
                double central = (lPlus - lMinus) / (hPlus + hMinus);
                double scale = 1 + Math.Abs(central);
                if (kind == "relu" && NearKink(model, theta, x, batch, c, i, l0, forward, backward, 1e-3 * scale))
                {
                    skipped++;
                    continue;
                }

                checkedCount++;
                worst = Math.Max(worst, Math.Abs(g[i] - central) / scale);
                Assert.True(
                    Math.Abs(g[i] - central) <= 3e-3 * scale,
                    $"{kind} seed={seed} θ[{i}]: analytic {g[i]:R} vs float finite difference {central:R}");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(15));

        output.WriteLine($"{kind}: {checkedCount} coordinates checked, {skipped} skipped, worst relative error {worst:E2}");
        Assert.True(checkedCount > 100, $"{kind}: only {checkedCount} coordinates checked");
        Assert.True(skipped <= checkedCount / 4, $"{kind}: {skipped} coordinates near kinks skipped, {checkedCount} checked");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_equals_the_double_reference(string kind)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            (Model model, float[] theta, float[] x, int batch, _) = Problem(kind, new Random(seed));
            float[] y = new float[batch * model.Outputs];
            model.Forward(theta, x, batch, y, model.CreateWorkspace(batch));
            double[] expected = Reference.Forward(Reference.Sizes(model), ActivationOf(model), Reference.ToDouble(theta), Reference.ToDouble(x), batch);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.True(Math.Abs(y[i] - expected[i]) <= 2e-6 * (1 + Math.Abs(expected[i])), $"{kind} seed={seed} y[{i}]: {y[i]:R} vs {expected[i]:R}");
            }
        }
    }

    private void CheckDouble(string kind)
    {
        const double H = 1e-6;
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        Prop.ForAll(Gen.Choose(0, 1_000_000).ToArbitrary(), seed =>
        {
            var random = new Random(seed);
            (Model model, float[] theta, float[] x, int batch, float[] c) = Problem(kind, random);
            (_, float[] g) = Reference.Run(model, theta, x, batch, c);
            int[] sizes = Reference.Sizes(model);
            Activation activation = ActivationOf(model);
            double[] td = Reference.ToDouble(theta), xd = Reference.ToDouble(x), cd = Reference.ToDouble(c);
            double L(double[] t) => Reference.Weighted(cd, Reference.Forward(sizes, activation, t, xd, batch));
            double l0 = L(td);
            for (int i = 0; i < td.Length; i++)
            {
                double[] plus = (double[])td.Clone(), minus = (double[])td.Clone();
                plus[i] += H;
                minus[i] -= H;
                double lPlus = L(plus), lMinus = L(minus);
                double forward = (lPlus - l0) / H, backward = (l0 - lMinus) / H, central = (lPlus - lMinus) / (2 * H);
                double scale = 1 + Math.Abs(central);
                if (Math.Abs(forward - backward) > 1e-4 * scale)
                {
                    skipped++;
                    continue;
                }

                checkedCount++;
                double error = Math.Abs(g[i] - central) / scale;
                worst = Math.Max(worst, error);
                Assert.True(error <= 1e-6, $"{kind} seed={seed} θ[{i}]: analytic {g[i]:R} vs finite difference {central:R}");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));

        output.WriteLine($"{kind}: {checkedCount} coordinates checked, {skipped} skipped, worst relative error {worst:E2}");
        Assert.True(checkedCount > 200, $"{kind}: only {checkedCount} coordinates checked");
        Assert.True(skipped <= checkedCount / 50, $"{kind}: {skipped} coordinates near kinks skipped, {checkedCount} checked");
    }

    /// <summary>A random model of the kind (linear with 1–4 outputs, or an MLP of 1–3 hidden layers), θ from Init.Default, x and c uniform.</summary>
    internal static (Model Model, float[] Theta, float[] X, int Batch, float[] C) Problem(string kind, Random random)
    {
        // Widths up to 19 exercise both the vectorised (≥ Vector<float>.Count lanes) and the scalar tails of the kernels.
        int inputs = random.Next(1, 20), outputs = random.Next(1, 5), batch = random.Next(1, 6);
        Model model;
        if (kind == "linear")
        {
            model = new LinearModel(inputs, outputs);
        }
        else
        {
            int[] hidden = new int[random.Next(1, 4)];
            for (int h = 0; h < hidden.Length; h++)
            {
                hidden[h] = random.Next(1, 13);
            }

            model = new Mlp(inputs, hidden, outputs, Enum.Parse<Activation>(kind, ignoreCase: true));
        }

        float[] theta = new float[model.ParameterCount];
        model.Initialize(theta, Init.Default, random);
        float[] x = Reference.Uniform(random, batch * inputs, 2);
        float[] c = Reference.Uniform(random, batch * outputs);
        return (model, theta, x, batch, c);
    }

    /// <summary>
    /// A ReLU network is piecewise linear in each parameter, so away from kinks the one-sided differences with h and h/2
    /// all agree; a kink within h on either side (or two, one on each side) makes them spread.
    /// </summary>
    private static bool NearKink(Model model, float[] theta, float[] x, int batch, float[] c, int i, double l0, double forward, double backward, double tolerance)
    {
        const float Half = 5e-3f;
        float[] plus = Shift(theta, i, Half), minus = Shift(theta, i, -Half);
        double forwardHalf = (Loss(model, plus, x, batch, c) - l0) / (plus[i] - (double)theta[i]);
        double backwardHalf = (l0 - Loss(model, minus, x, batch, c)) / ((double)theta[i] - minus[i]);
        double high = Math.Max(Math.Max(forward, backward), Math.Max(forwardHalf, backwardHalf));
        double low = Math.Min(Math.Min(forward, backward), Math.Min(forwardHalf, backwardHalf));
        return high - low > tolerance;
    }

    private static Activation ActivationOf(Model model) => model is Mlp mlp ? mlp.Activation : Activation.Relu;

    private static double Loss(Model model, float[] theta, float[] x, int batch, float[] c)
    {
        float[] y = new float[batch * model.Outputs];
        model.Forward(theta, x, batch, y, model.CreateWorkspace(batch));
        return Reference.Weighted(Reference.ToDouble(c), Reference.ToDouble(y));
    }

    private static float[] Shift(float[] theta, int i, float h)
    {
        float[] shifted = (float[])theta.Clone();
        shifted[i] += h;
        return shifted;
    }
}
