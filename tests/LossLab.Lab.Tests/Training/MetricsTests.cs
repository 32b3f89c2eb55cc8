using System.Text.Json;
using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Tests.Training;

/// <summary>Metrics against <c>tools/generate_metric_goldens.py</c> (scikit-learn 1.2) and by hand.</summary>
public sealed class MetricsTests
{
    private static readonly Dictionary<string, JsonElement> Cases = LoadCases();

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

    private static Dictionary<string, JsonElement> LoadCases()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Goldens", "metrics.json")));
        return document.RootElement.Clone().GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c);
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    private static void AssertClose(double expected, double actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-10 * (1 + Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void Goldens_cover_every_task_they_claim()
    {
        Assert.Equal(9, Cases.Count);
        Assert.Equal(5, Cases.Values.Count(c => c.GetProperty("task").GetString() == "regression"));
        Assert.Equal(3, Cases.Values.Count(c => c.GetProperty("task").GetString() == "binary"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Metrics_match_scikit_learn(string id)
    {
        JsonElement c = Cases[id];
        float[] outputs = Floats(c.GetProperty("outputs"));
        float[] targets = Floats(c.GetProperty("targets"));
        string task = c.GetProperty("task").GetString()!;
        SortedDictionary<string, double> metrics = task switch
        {
            "regression" => Metrics.Compute(TaskKind.Regression, outputs, targets, 1),
            "binary" => Metrics.Compute(TaskKind.Binary, outputs, targets, 1),
            _ => Metrics.Compute(TaskKind.Multiclass, outputs, targets, c.GetProperty("classes").GetInt32()),
        };

        int compared = 0;
        foreach (JsonProperty expected in c.GetProperty("expected").EnumerateObject())
        {
            Assert.True(metrics.ContainsKey(expected.Name), $"{id}: {expected.Name} missing");
            AssertClose(expected.Value.GetDouble(), metrics[expected.Name], $"{id} {expected.Name}");
            compared++;
        }

        if (c.TryGetProperty("absent", out JsonElement absent))
        {
            foreach (JsonElement key in absent.EnumerateArray())
            {
                Assert.DoesNotContain(key.GetString()!, metrics.Keys);
            }
        }

        if (c.TryGetProperty("thresholds", out JsonElement thresholds))
        {
            foreach (JsonProperty t in thresholds.EnumerateObject())
            {
                double threshold = double.Parse(t.Name, System.Globalization.CultureInfo.InvariantCulture);
                SortedDictionary<string, double> at = Metrics.Binary(outputs, targets, threshold);
                foreach (JsonProperty expected in t.Value.EnumerateObject())
                {
                    AssertClose(expected.Value.GetDouble(), at[expected.Name], $"{id} t={t.Name} {expected.Name}");
                    compared++;
                }
            }
        }

        Assert.True(compared >= 4, $"{id}: only {compared} values compared");
    }

    [Theory]
    [InlineData(TaskKind.Regression)]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Boxes)]
    [InlineData(TaskKind.Segmentation)]
    public void Names_list_every_key_a_task_can_produce(TaskKind task)
    {
        // Targets that allow every key: positive regression targets, both classes.
        (float[] outputs, float[] targets, int classes) = task switch
        {
            TaskKind.Regression => (new[] { 1f, 2f, 4f }, new[] { 1.5f, 2f, 3f }, 1),
            TaskKind.Binary => (new[] { -1f, 0.5f, 2f }, new[] { 0f, 1f, 1f }, 1),
            TaskKind.Multiclass => (new[] { 1f, 0f, 0f, 1f, 0.5f, 0f }, new[] { 0f, 1f, 0f }, 2),
            TaskKind.Boxes => (new[] { 0f, 0f, 2f, 2f }, new[] { 1f, 1f, 3f, 3f }, 1),
            _ => (new[] { 1f, -1f, 2f, -2f }, new[] { 1f, 0f, 0f, 1f }, 1),
        };
        Assert.Equal(Metrics.Names(task), Metrics.Compute(task, outputs, targets, classes).Keys);
    }

    [Fact]
    public void Deviances_are_absent_where_the_targets_do_not_allow_them_but_still_named()
    {
        // Compare validates --metric on an all-zero dummy target: poisson_deviance is still computed, gamma_deviance is
        // not (y = 0), so Names is the list to validate against.
        SortedDictionary<string, double> zeros = Metrics.Regression(new float[3], new float[3]);
        Assert.InRange(zeros["poisson_deviance"], 0, 1e-300); // 2μ per row, μ clipped at 1e-6·1e-300
        Assert.DoesNotContain("gamma_deviance", zeros.Keys);
        Assert.Contains("gamma_deviance", Metrics.Names(TaskKind.Regression));
        Assert.Contains("poisson_deviance", Metrics.Names(TaskKind.Regression));
        SortedDictionary<string, double> signed = Metrics.Regression([1f, 2f], [-1f, 2f]);
        Assert.DoesNotContain("poisson_deviance", signed.Keys);
        Assert.Equal(1, signed["mean_bias"]);
    }

    [Fact]
    public void Deviances_by_hand_including_a_clipped_prediction()
    {
        // y = (0, 2), ŷ = (1, −3): μ = (1, 1e-6·1) after the clip at 1e-6·ȳ.
        SortedDictionary<string, double> m = Metrics.Regression([1f, -3f], [0f, 2f]);
        double mu = 1e-6;
        double expected = ((2 * 1.0) + (2 * ((2 * Math.Log(2 / mu)) - (2 - mu)))) / 2;
        Assert.Equal(expected, m["poisson_deviance"], 9);
        m = Metrics.Regression([2f, 4f], [1f, 4f]);
        Assert.Equal(2 * ((-0.5) - Math.Log(0.5)) / 2, m["gamma_deviance"], 12);
    }

    [Fact]
    public void Multiclass_brier_by_hand()
    {
        // One row, logits (0, 0) → p = (½, ½), y = 0: (½ − 1)² + (½)² = ½.
        Assert.Equal(0.5, Metrics.Multiclass([0f, 0f], [0f], 2)["brier"], 15);
    }

    [Fact]
    public void Binary_threshold_moves_the_decisions_and_nothing_else()
    {
        float[] z = [-2f, -0.5f, 0.4f, 1.5f];
        float[] y = [0f, 1f, 0f, 1f];
        SortedDictionary<string, double> half = Metrics.Binary(z, y);
        Assert.Equal(half, Metrics.Binary(z, y, 0.5));
        SortedDictionary<string, double> low = Metrics.Binary(z, y, 0.3); // σ(−0.5) = 0.378 > 0.3: three positives
        Assert.Equal(0.75, low["accuracy"]);
        Assert.Equal(0.8, low["f1"], 15);
        Assert.Equal(0.5, half["accuracy"]);
        Assert.Equal(half["roc_auc"], low["roc_auc"]);
        Assert.Equal(half["brier"], low["brier"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Binary(z, y, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Metrics.Binary(z, y, double.NaN));
    }

    [Fact]
    public void Average_precision_with_tied_scores_by_hand()
    {
        // Scores (desc): 2 (pos), 1 (pos, neg tied), 0 (neg), −1 (pos). Steps: R = 1/3 at P = 1; R = 2/3 at P = 2/3;
        // the 0 group adds no recall; R = 1 at P = 3/5. AP = 1/3 + (1/3)(2/3) + (1/3)(3/5).
        float[] z = [1f, 2f, 0f, -1f, 1f];
        float[] y = [1f, 1f, 0f, 1f, 0f];
        Assert.Equal((1.0 / 3) + (2.0 / 9) + (1.0 / 5), Metrics.Binary(z, y)["pr_auc"], 15);
        Assert.True(double.IsNaN(Metrics.Binary(z, new float[5])["pr_auc"]));
    }

    [Fact]
    public void Best_threshold_by_hand()
    {
        // p = σ(z) = (0.1192, 0.3775, 0.5987, 0.8176) with labels (0, 1, 0, 1). Cuts: 0, midpoints, 1.
        // f1: cut 0 → 4 positives, f1 = 2·2/(4 + 2) = 2/3; below 0.3775 → positives {0.3775, 0.5987, 0.8176}: 4/5 (best);
        // below 0.5987 → {0.5987, 0.8176}: 1/2; below 0.8176 → {0.8176}: 2/3; 1 → 0.
        float[] z = [-2f, -0.5f, 0.4f, 1.5f];
        float[] y = [0f, 1f, 0f, 1f];
        double t = Thresholds.Best(z, y, "f1");
        double a = 1 / (1 + Math.Exp(2.0)), b = 1 / (1 + Math.Exp(0.5));
        Assert.Equal((a + b) / 2, t, 15);
        Assert.Equal(0.8, Metrics.Binary(z, y, t)["f1"], 15);

        // accuracy: 3/4 both below 0.3775 (t ≈ 0.248) and below 0.8176 (t ≈ 0.708); 0.708 is closer to 0.5.
        double c = 1 / (1 + Math.Exp(-(double)0.4f)), d = 1 / (1 + Math.Exp(-1.5));
        Assert.Equal((c + d) / 2, Thresholds.Best(z, y, "accuracy"), 15);
        Assert.Throws<ArgumentException>(() => Thresholds.Best(z, y, "roc_auc"));
        Assert.Throws<ArgumentException>(() => Thresholds.Best(z, y.AsSpan(0, 3), "f1"));
    }

    [Theory]
    [InlineData("f1", 1)]
    [InlineData("f1", 2)]
    [InlineData("balanced_accuracy", 3)]
    [InlineData("balanced_accuracy", 4)]
    [InlineData("accuracy", 5)]
    [InlineData("accuracy", 6)]
    public void Best_threshold_is_as_good_as_a_brute_force_scan(string metric, int seed)
    {
        var random = new Random(seed);
        int n = 60 + random.Next(60);
        float[] z = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            // Few distinct logits, so that ties matter; labels correlated with them, positives a minority.
            z[i] = MathF.Round((float)((random.NextDouble() * 8) - 5) * 2) / 2;
            y[i] = random.NextDouble() < 0.6 / (1 + Math.Exp(-z[i])) ? 1 : 0;
        }

        double best = Thresholds.Best(z, y, metric);
        double chosen = Metrics.Binary(z, y, best)[metric];
        double scanned = double.NegativeInfinity;
        for (int k = 0; k <= 10_000; k++)
        {
            scanned = Math.Max(scanned, Metrics.Binary(z, y, k / 10_000.0)[metric]);
        }

        double[] p = z.Select(v => 1 / (1 + Math.Exp(-(double)v))).Distinct().Order().ToArray();
        for (int i = 0; i + 1 < p.Length; i++)
        {
            scanned = Math.Max(scanned, Metrics.Binary(z, y, (p[i] + p[i + 1]) / 2)[metric]);
        }

        Assert.Equal(scanned, chosen, 12);
        Assert.True(chosen >= Metrics.Binary(z, y, 0.5)[metric]);
        Assert.InRange(best, 0, 1);
        Assert.Equal(best, Thresholds.Best(z, y, metric));
    }
}
