using System.Diagnostics;
using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.Claims;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Claims;

/// <summary>
/// The claims with their own type written in this part (L8 and those after it): every claim reaches the same verdict for
/// three base seeds at 20 replications, names the unit of each evidence key and runs an exact claim once (no test
/// asserts speed).
/// </summary>
public sealed class ClaimsDReplicationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids => ["L8", "L11", "L12", "L13"];

    [Theory]
    [MemberData(nameof(Ids))]
    public void Verdict_is_the_same_for_three_base_seeds(string id)
    {
        IClaim claim = ClaimCatalog.Find(id)!;
        Assert.IsAssignableFrom<IClaim>(claim);
        var verdicts = new List<Verdict>();
        foreach (int seed in new[] { 7, 11, 23 })
        {
            ClaimResult r = ClaimRunner.Run([claim], ClaimRunner.DefaultReplications, seed, parallelism: 1).Single();
            output.WriteLine($"{id} seed {seed}: {r.Verdict}, share {r.SupportShare:F2} [{r.SupportLow:F2}, {r.SupportHigh:F2}], replications {r.Replications}");
            output.WriteLine(r.Explanation);
            Assert.Equal(claim.Exact ? 1 : ClaimRunner.DefaultReplications, r.Replications);
            foreach (string key in r.Samples.SelectMany(s => s.Evidence.Keys).Distinct())
            {
                Assert.True(claim.Units.ContainsKey(key), $"{id}: no unit for {key}");
            }

            Assert.False(string.IsNullOrWhiteSpace(r.Explanation));
            verdicts.Add(r.Verdict);
        }

        Assert.All(verdicts, v => Assert.Equal(verdicts[0], v));
    }

    [Fact]
    public void L8_lasso_zeroes_irrelevant_weights_and_ridge_none()
    {
        ClaimResult r = ClaimRunner.Run([ClaimCatalog.Find("L8")!], ClaimRunner.DefaultReplications, 7, parallelism: 1).Single();
        Assert.Equal(Verdict.Holds, r.Verdict);
        Assert.Contains("penalty", r.Explanation);
        Assert.All(r.Samples, s => Assert.Equal(0, s.Evidence["ridge_irrelevant_exact_zeros"]));
        Assert.All(r.Samples, s => Assert.Equal(0, s.Evidence["ridge_heavy_irrelevant_exact_zeros"]));
    }

    [Fact]
    public void L11_is_exact_runs_once_and_holds()
    {
        IClaim claim = ClaimCatalog.Find("L11")!;
        Assert.True(claim.Exact);
        ClaimResult r = ClaimRunner.Run([claim], ClaimRunner.DefaultReplications, 7, parallelism: 1).Single();
        Assert.Equal(1, r.Replications);
        Assert.Equal(Verdict.Holds, r.Verdict);
        Assert.True(r.Scenarios.Single(s => s.Name == "smooth").Evidence["huber_second_derivative_jump"] > 0.5);
    }

    [Fact]
    public void Ridge_by_augmented_least_squares_solves_its_normal_equations()
    {
        var random = new Random(3);
        int n = 40, d = 4;
        double[] x = [.. Enumerable.Range(0, n * d).Select(_ => random.NextDouble())];
        double[] y = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
        (double[] w, double b) = L8Claim.Ridge(x, n, y, 0.3);
        // Stationarity: (1/n) X_cᵀ(y − Xw − b) = λw and the residuals sum to zero.
        double[] r = [.. Enumerable.Range(0, n).Select(i => y[i] - b - Enumerable.Range(0, d).Sum(j => w[j] * x[(i * d) + j]))];
        Assert.Equal(0, r.Sum(), 1e-10);
        for (int j = 0; j < d; j++)
        {
            double g = Enumerable.Range(0, n).Sum(i => x[(i * d) + j] * r[i]) / n;
            Assert.Equal(0.3 * w[j], g, 1e-10);
        }
    }

    [Fact]
    public void L13_judges_clean_data_strictly_and_the_KPI_scenarios_by_validation_only()
    {
        var claim = new L13Claim();
        foreach (ClaimTrial t in claim.Run(7, CancellationToken.None))
        {
            bool won = t.Evidence["guide_choice_wins_validation"] == 1, picks = t.Evidence["advisor_picks_guide_loss"] == 1;
            Assert.Equal(t.Scenario.StartsWith("kpi", StringComparison.Ordinal) ? won : picks && won, t.Held);
            if (t.Scenario == "clean")
            {
                Assert.Equal(t.Evidence["mse_val_rmse"] < t.Evidence["huber_val_rmse"], won);
            }
        }

        Assert.DoesNotContain("coin", ClaimRunner.Run([claim], ClaimRunner.DefaultReplications, 7, parallelism: 1).Single().Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void L12_saturation_starts_confidently_wrong_per_seed_and_tunes_both_rates_on_one_grid()
    {
        var claim = new L12Claim();
        ClaimTrial a = claim.Run(7, CancellationToken.None).Single(t => t.Scenario == "saturation");
        ClaimTrial b = claim.Run(8, CancellationToken.None).Single(t => t.Scenario == "saturation");
        Assert.NotEqual(a.Evidence["start_mean_p_of_true_class"], b.Evidence["start_mean_p_of_true_class"]);
        foreach (ClaimTrial t in new[] { a, b })
        {
            Assert.True(t.Evidence["start_share_true_class_p_le_0.01"] > 0.5, $"{t.Evidence["start_share_true_class_p_le_0.01"]}");
            Assert.Contains(t.Evidence["bce_tuned_lr"], L12Claim.Rates);
            Assert.Contains(t.Evidence["brier_tuned_lr"], L12Claim.Rates);
            Assert.Equal(t.Evidence["bce_steps_from_bad_start"] < t.Evidence["brier_steps_from_bad_start"], t.Held);
        }

        string text = ClaimRunner.Run([claim], ClaimRunner.DefaultReplications, 7, parallelism: 1).Single().Explanation;
        Assert.DoesNotContain("both models are calibrated", text, StringComparison.Ordinal);
    }
}
