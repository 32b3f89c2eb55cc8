using System.Text.Json;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Advice;

/// <summary>
/// The advice corpus (tests/AdviceCorpus, docs/ADVICE.md): real and synthetic data sets with the expert's choice written
/// before the advisor ran on them. These tests run the diagnosis and the first recommendation (no verification; the full
/// comparison is tools/run_advice_corpus.py) and hold the agreements measured there.
/// </summary>
public sealed class AdviceCorpusTests(ITestOutputHelper output)
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "AdviceCorpus");
            if (File.Exists(Path.Combine(candidate, "corpus.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/AdviceCorpus not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder.Value, "corpus.json")));
        return [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone())];
    });

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Cases.Value)
        {
            data.Add(c.GetProperty("file").GetString()!);
        }

        return data;
    }

    private static (JsonElement Case, Dataset Data, DataDiagnostics Diagnostics, Recommendation Recommendation) Load(string file)
    {
        JsonElement c = Cases.Value.Single(x => x.GetProperty("file").GetString() == file);
        Dataset data = DataSource.Load(Path.Combine(Folder.Value, file), c.GetProperty("target").GetString());
        DataDiagnostics d = Diagnostics.Analyze(data);
        return (c, data, d, Advisor.Recommend(d, null));
    }

    /// <summary>The loss family of a spec, in the corpus' words.</summary>
    private static string Family(Recommendation r) => r.Optimizer == LossLab.Lab.Verification.Verifier.MmSolver ? "mm" : r.Loss.Split(':')[0] switch
    {
        "poisson_nll" => "poisson",
        "bce_with_logits" => "bce",
        var other => other,
    };

    private static HashSet<string> Acceptable(JsonElement expert)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string a in expert.GetProperty("acceptable_losses").EnumerateArray().Select(e => e.GetString()!).Append(expert.GetProperty("loss_family").GetString()!))
        {
            if (a.StartsWith("high_breakdown", StringComparison.Ordinal))
            {
                names.Add("mm");
            }
            else if (a == "mse_or_huber")
            {
                names.UnionWith(["mse", "huber"]);
            }
            else
            {
                names.Add(a == "bce_with_logits" ? "bce" : a);
            }
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_task_and_the_columns_are_read_as_the_expert_reads_them(string file)
    {
        (JsonElement c, Dataset data, DataDiagnostics d, _) = Load(file);
        JsonElement expert = c.GetProperty("expert");
        Assert.Equal(expert.GetProperty("task").GetString(), data.Task.ToString().ToLowerInvariant());
        foreach (string drop in expert.GetProperty("drop_columns").EnumerateArray().Select(e => e.GetString()!))
        {
            bool date = data.TimeColumn == drop; // a date column is kept as a trend and orders the folds (documented in ADVICE.md)
            Assert.True(date || !data.FeatureNames.Any(f => f == drop || f.StartsWith(drop + "=", StringComparison.Ordinal)), $"{drop} should be dropped: {string.Join(", ", data.FeatureNames)}");
        }

        Assert.Equal(expert.GetProperty("time_ordered").GetBoolean(), data.TimeColumn is not null);
    }

    [Fact]
    public void Bad_leverage_rows_the_expert_named_are_found()
    {
        int cases = 0, found = 0;
        foreach (JsonElement c in Cases.Value)
        {
            JsonElement expert = c.GetProperty("expert");
            int[] expected = [.. expert.GetProperty("bad_leverage_rows").EnumerateArray().Select(e => e.GetInt32())];
            if (expected.Length == 0 || !expert.GetProperty("loss_family").GetString()!.StartsWith("high_breakdown", StringComparison.Ordinal))
            {
                continue;
            }

            (_, _, DataDiagnostics d, Recommendation r) = Load(c.GetProperty("file").GetString()!);
            bool all = expected.All(d.BadLeverageRows!.Contains);
            cases++;
            found += all ? 1 : 0;
            output.WriteLine($"{c.GetProperty("file").GetString()}: expected rows {string.Join(",", expected)}, found {string.Join(",", d.BadLeverageRows!)}; advice {r.Loss} {r.Optimizer}");
        }

        // Measured: 4 of 5. real_hills is read as a positive skewed target, judged on the log scale, where its long races
        // are not outliers (ADVICE.md argues it).
        Assert.Equal(5, cases);
        Assert.True(found >= 4, $"{found} of {cases}");
    }

    [Fact]
    public void The_first_recommendation_agrees_with_the_expert_on_most_cases()
    {
        int agree = 0;
        var disagreements = new List<string>();
        foreach (JsonElement c in Cases.Value)
        {
            string file = c.GetProperty("file").GetString()!;
            (_, _, DataDiagnostics d, Recommendation r) = Load(file);
            bool ok = Acceptable(c.GetProperty("expert")).Contains(Family(r));
            agree += ok ? 1 : 0;
            output.WriteLine($"{(ok ? "agree   " : "disagree")} {file}: {r.Loss} ({Family(r)}), metric {r.Metric}, target {d.TargetKind}");
            if (!ok)
            {
                disagreements.Add(file);
            }
        }

        output.WriteLine($"{agree} of {Cases.Value.Length} agree");

        // Measured: 36 of 38 (docs/ADVICE.md lists the two disagreements and argues them). A regression below 34 fails.
        Assert.True(agree >= 34, $"{agree} of {Cases.Value.Length}; disagreements: {string.Join(", ", disagreements)}");
    }

    [Fact]
    public void Counts_get_log_link_candidates_and_ordinal_scales_do_not()
    {
        foreach (JsonElement c in Cases.Value)
        {
            string shape = c.GetProperty("expert").GetProperty("target_shape").GetString()!;
            if (shape is not ("counts" or "counts_no_zeros" or "ordinal"))
            {
                continue;
            }

            (_, _, DataDiagnostics d, Recommendation r) = Load(c.GetProperty("file").GetString()!);
            string[] losses = [r.Loss, .. r.Alternatives];
            bool logLink = losses.Any(l => l.StartsWith("poisson_nll", StringComparison.Ordinal) || l.StartsWith("tweedie", StringComparison.Ordinal));
            Assert.True(shape == "ordinal" ? !logLink : logLink, $"{c.GetProperty("file").GetString()}: {string.Join(", ", losses)} ({d.TargetKind})");
        }
    }
}
