using System.Text.Json;
using LossLab.Losses;
using LossLab.Tests.Support;

namespace LossLab.Tests.Losses;

/// <summary>
/// Values and gradients against golden files written by <c>tools/generate_loss_goldens.py</c> from real PyTorch
/// and torchvision (float32), or from the reference formula in float64 with autograd for losses they lack, and by
/// <c>tools/generate_log_link_goldens.py</c> (tweedie and gamma: the formula in float64 with autograd, cross-checked
/// there against scikit-learn's deviances).
/// LossLab's float32 path must agree within 1e-5 relative (plus 1e-6 absolute for values that round to zero in float32).
/// </summary>
public sealed class GoldenTests
{
    private const double Relative = 1e-5;
    private const double Absolute = 1e-6;

    private static readonly Golden[] Files = [Golden.Load("losses.json"), Golden.Load("log_link_losses.json")];

    private static readonly Dictionary<string, JsonElement> Cases = Files
        .SelectMany(f => f.Cases)
        .ToDictionary(c => c.GetProperty("id").GetString()!, c => c);

    public static TheoryData<string> Ids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string id in Cases.Keys)
            {
                data.Add(id);
            }

            return data;
        }
    }

    [Fact]
    public void Goldens_cover_every_loss_in_the_catalog_and_every_reduction()
    {
        var covered = Cases.Values
            .Select(c => (Name: c.GetProperty("spec").GetString()!.Split(':')[0], Reduction: c.GetProperty("reduction").GetString()!))
            .ToHashSet();
        foreach (LossInfo info in LossCatalog.All)
        {
            foreach (Reduction r in LossCases.ReductionsOf(info.Name))
            {
                Assert.Contains((info.Name, r.ToName()), covered);
            }
        }

        Assert.True(Cases.Count >= 300, $"only {Cases.Count} golden cases");
        Assert.Equal(15, Files[1].Cases.Count(c => c.GetProperty("spec").GetString()!.Split(':')[0] is "tweedie" or "gamma"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Float32_value_and_gradient_match_the_golden(string id)
    {
        JsonElement c = Cases[id];
        string spec = c.GetProperty("spec").GetString()!;
        Reduction reduction = ReductionNames.Parse(c.GetProperty("reduction").GetString()!);
        float[] p = Golden.Floats(c.GetProperty("pred"));
        float[] t = Golden.Floats(c.GetProperty("target"));
        double[] expectedGrad = Golden.Doubles(c.GetProperty("grad"));
        ILoss loss = LossCatalog.Create(spec, c.GetProperty("classes").GetInt32());

        float[] grad = new float[p.Length];
        JsonElement value = c.GetProperty("value");
        if (reduction == Reduction.None)
        {
            double[] expected = Golden.Doubles(value);
            float[] items = new float[expected.Length];
            loss.EvaluateItems(p, t, items, grad);
            for (int i = 0; i < expected.Length; i++)
            {
                AssertClose(expected[i], items[i], $"{id} value[{i}]");
            }
        }
        else
        {
            AssertClose(value.GetDouble(), loss.Evaluate(p, t, grad, reduction), $"{id} value");
        }

        Assert.Equal(expectedGrad.Length, grad.Length);
        for (int i = 0; i < grad.Length; i++)
        {
            AssertClose(expectedGrad[i], grad[i], $"{id} grad[{i}]");
        }
    }

    private static void AssertClose(double expected, double actual, string what)
        => Assert.True(
            Math.Abs(expected - actual) <= (Relative * Math.Abs(expected)) + Absolute,
            $"{what}: expected {expected:R}, got {actual:R}");
}
