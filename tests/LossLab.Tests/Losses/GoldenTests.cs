using System.Text.Json;
using LossLab.Losses;

namespace LossLab.Tests.Losses;

/// <summary>
/// Values and gradients against golden files written by <c>tools/generate_loss_goldens.py</c> from real PyTorch
/// and torchvision (float32), or from the reference formula in float64 with autograd for losses they lack.
/// LossLab's float32 path must agree within 1e-5 relative (plus 1e-6 absolute for values that round to zero in float32).
/// </summary>
public sealed class GoldenTests
{
    private const double Relative = 1e-5;
    private const double Absolute = 1e-6;

    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Goldens", "losses.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.Clone());
    });

    public static TheoryData<string> Ids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (string id in Cases.Value.Keys)
            {
                data.Add(id);
            }

            return data;
        }
    }

    [Fact]
    public void Goldens_cover_every_loss_in_the_catalog_and_every_reduction()
    {
        var covered = Cases.Value.Values
            .Select(c => (Name: c.GetProperty("spec").GetString()!.Split(':')[0], Reduction: c.GetProperty("reduction").GetString()!))
            .ToHashSet();
        foreach (LossInfo info in LossCatalog.All)
        {
            foreach (Reduction r in LossCases.ReductionsOf(info.Name))
            {
                Assert.Contains((info.Name, r.ToName()), covered);
            }
        }

        Assert.True(Cases.Value.Count >= 300, $"only {Cases.Value.Count} golden cases");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Float32_value_and_gradient_match_the_golden(string id)
    {
        JsonElement c = Cases.Value[id];
        string spec = c.GetProperty("spec").GetString()!;
        Reduction reduction = ReductionNames.Parse(c.GetProperty("reduction").GetString()!);
        float[] p = Floats(c.GetProperty("pred"));
        float[] t = Floats(c.GetProperty("target"));
        double[] expectedGrad = Doubles(c.GetProperty("grad"));
        ILoss loss = LossCatalog.Create(spec, c.GetProperty("classes").GetInt32());

        float[] grad = new float[p.Length];
        JsonElement value = c.GetProperty("value");
        if (reduction == Reduction.None)
        {
            double[] expected = Doubles(value);
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

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
