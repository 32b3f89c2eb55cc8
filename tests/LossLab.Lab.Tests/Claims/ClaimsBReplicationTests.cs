using System.Diagnostics;
using System.Reflection;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.Claims;
using Xunit;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Claims;

/// <summary>The replicated optimizer claims O2, O3, O4, O5 and O8.</summary>
public sealed class ClaimsBReplicationTests(ITestOutputHelper output)
{
    public static TheoryData<string> Ids => new(Claims);

    private static readonly string[] Claims = ["O2", "O3", "O4", "O5", "O8"];

    [Theory]
    [MemberData(nameof(Ids))]
    public void TheVerdictIsTheSameForThreeBaseSeeds(string id)
    {
        IClaim claim = ClaimCatalog.Find(id)!;
        Assert.IsAssignableFrom<IClaim>(claim);
        var verdicts = new List<Verdict>();
        foreach (int seed in new[] { 7, 11, 23 })
        {
            var clock = Stopwatch.StartNew();
            ClaimResult r = ClaimRunner.Run([claim], 20, seed)[0];
            output.WriteLine($"{id} seed {seed}: {r.Verdict} in {clock.ElapsedMilliseconds} ms — {r.Explanation}");
            verdicts.Add(r.Verdict);
            Assert.All(r.Evidence.Keys, key => Assert.True(claim.Units.ContainsKey(key.Split(':')[^1]), $"{id}: no unit for {key}"));
        }

        Assert.Single(verdicts.Distinct());
    }

    [Fact]
    public void O3JudgesMomentumAndAdamSeparatelyInBothDesigns()
    {
        ClaimResult r = ClaimRunner.Run([new O3Claim()], 20, 7)[0];
        Assert.Equal(
            ["ill_conditioned_adam", "ill_conditioned_momentum", "well_conditioned_adam", "well_conditioned_momentum"],
            r.Scenarios.Select(s => s.Name).Order(StringComparer.Ordinal));
        foreach (string fix in new[] { "momentum", "adam" })
        {
            ScenarioSummary well = r.Scenarios.Single(s => s.Name == $"well_conditioned_{fix}");
            ScenarioSummary ill = r.Scenarios.Single(s => s.Name == $"ill_conditioned_{fix}");
            Assert.True(ill.Share >= well.Share + 0.5, $"{fix}: ill {ill.Share}, well {well.Share}");
            Assert.True(ill.Evidence["design_condition_number"] >= 100);
            Assert.True(well.Evidence["design_condition_number"] < 10);

            // One budget and one sample size for every design and optimizer, as the documentation states.
            Assert.Equal(O3Claim.Steps, well.Evidence["budget_steps"]);
            Assert.Equal(O3Claim.Steps, ill.Evidence["budget_steps"]);
            Assert.Equal(O3Claim.Rows, well.Evidence["rows"]);
            Assert.Equal(O3Claim.Rows, ill.Evidence["rows"]);
        }

        Assert.Equal(Verdict.HoldsWithCaveat, r.Verdict);
        Assert.Contains("well_conditioned", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void O3MomentumSearchContainsPlainSgd()
    {
        // μ = 0 is in the momentum search, so on the well-conditioned design (where plain SGD is already at the float
        // floor) the tuned momentum run is never farther from the optimum than plain SGD's on average.
        ClaimResult r = ClaimRunner.Run([new O3Claim()], 5, 7)[0];
        ScenarioSummary well = r.Scenarios.Single(s => s.Name == "well_conditioned_momentum");
        Assert.True(well.Evidence["fix_final_distance"] <= well.Evidence["sgd_final_distance"] * (1 + 1e-9));
        Assert.Contains("μ = 0", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void O2JudgesDecayAndAdamSeparately()
    {
        ClaimResult r = ClaimRunner.Run([new O2Claim()], 20, 7)[0];
        Assert.Equal(["adam", "decay"], r.Scenarios.Select(s => s.Name).Order(StringComparer.Ordinal));
        ScenarioSummary decay = r.Scenarios.Single(s => s.Name == "decay");

        // The decay half is close to automatic: the cosine rate over the last 20 epochs is a tiny share of its start,
        // and the explanation says so with the computed share.
        Assert.True(decay.Evidence["window_rate_share"] < 0.01);
        Assert.Contains("close to automatic", r.Explanation, StringComparison.Ordinal);
        Assert.Contains("adam", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void O4ExplosionUsesLeverageOutliersThatMoveTheStabilityEdge()
    {
        // Outliers in y alone leave XᵀX (and so SGD's stability edge) unchanged; the explosion scenario's outliers move x.
        ClaimResult r = ClaimRunner.Run([new O4Claim()], 20, 7)[0];
        Assert.All(r.Samples.Where(t => t.Scenario == "explosion").Select(t => t.Evidence), e =>
        {
            Assert.True(e["outliers_stability_edge_lr"] < e["clean_stability_edge_lr"] / 2, $"edges {e["outliers_stability_edge_lr"]} vs {e["clean_stability_edge_lr"]}");
            Assert.Equal(e["outliers_diverged"] == 1 && e["clean_diverged"] == 0, r.Samples.First(t => t.Scenario == "explosion" && ReferenceEquals(t.Evidence, e)).Held);
        });
        Assert.Contains("stability edge", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void O5IsJudgedByAdamsRelativeExcessAgainstTheToleranceFixedInAdvance()
    {
        Assert.Equal(1e-3, O5Claim.Tolerance);
        Assert.Equal(1e-6, O5Claim.Floor);
        ClaimResult r = ClaimRunner.Run([new O5Claim()], 20, 7)[0];
        Assert.Equal(["l1", "l2"], r.Scenarios.Select(s => s.Name));
        Assert.All(r.Samples, t =>
        {
            Assert.Equal(t.Evidence["adam_relative_excess"] <= O5Claim.Tolerance, t.Held);
            // Below the float32 floor a relative excess is 0, so such optimizers tie.
            Assert.All(t.Evidence.Where(p => p.Key.EndsWith("_relative_excess", StringComparison.Ordinal)), p => Assert.True(p.Value == 0 || p.Value >= O5Claim.Floor, p.Key));
        });
    }

    [Fact]
    public void TheIllConditionedDesignHasConditionNumberAtLeast100()
    {
        foreach (int seed in new[] { 1, 2, 3, 4, 5 })
        {
            Assert.True(Descent.DesignCondition(O3Claim.IllConditioned(seed)) >= 100);
        }
    }

    [Fact]
    public void LearningRateTuningTakesOnlyTrainingRowsNeverTheTruth()
    {
        // By construction: the tuning function's inputs are the training rows, the loss, the optimizer, the start and
        // the budget. No parameter could carry the true coefficients or the exact optimum (no double[] at all).
        MethodInfo tune = typeof(Descent).GetMethod(nameof(Descent.TuneRate))!;
        ParameterInfo[] parameters = tune.GetParameters();
        Assert.Equal(typeof(Dataset), parameters[0].ParameterType);
        Assert.DoesNotContain(parameters, p => p.ParameterType == typeof(double[]) || p.ParameterType.IsAssignableTo(typeof(IEnumerable<double>)));
        Assert.DoesNotContain(parameters, p => p.Name!.Contains("truth", StringComparison.OrdinalIgnoreCase) || p.Name!.Contains("optimum", StringComparison.OrdinalIgnoreCase));

        // And the rate depends on the rows alone: the same rows give the same rate whatever else differs.
        Dataset a = Descent.Sample(3), b = Descent.Sample(3);
        float[] start = Experiment.DefaultInit(1, 3);
        Assert.Equal(Descent.TuneRate(a, "mse", "sgd", "", start, 50), Descent.TuneRate(b, "mse", "sgd", "", start, 50));
    }
}
