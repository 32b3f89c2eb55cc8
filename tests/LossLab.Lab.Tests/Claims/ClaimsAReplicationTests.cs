using System.Diagnostics;
using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.Claims;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Claims;

public sealed class ClaimsAReplicationTests(ITestOutputHelper output)
{
    private static readonly int[] BaseSeeds = [7, 11, 23];

    public static TheoryData<string> Sampled => ["L3", "L5", "L9"];

    public static TheoryData<string> ExactIds => ["L4", "L6", "L7", "L10"];

    private static IClaim Claim(string id) => ClaimCatalog.Find(id) ?? throw new InvalidOperationException(id);

    [Theory]
    [MemberData(nameof(Sampled))]
    public void SampledClaimsGiveTheSameVerdictAtThreeBaseSeeds(string id)
    {
        IClaim claim = Claim(id);
        Assert.False(claim.Exact);
        var verdicts = new List<Verdict>();
        foreach (int seed in BaseSeeds)
        {
            var clock = Stopwatch.StartNew();
            ClaimResult r = ClaimRunner.Run([claim], 20, seed).Single();
            output.WriteLine($"{id} seed {seed}: {r.Verdict} share {r.SupportShare:F2} in {clock.ElapsedMilliseconds} ms — {r.Explanation}");
            Assert.Equal(20, r.Replications);
            Assert.All(r.Evidence.Keys, k => Assert.True(claim.Units.ContainsKey(k.Contains(':', StringComparison.Ordinal) ? k[(k.IndexOf(':', StringComparison.Ordinal) + 1)..] : k), k));
            verdicts.Add(r.Verdict);
        }

        Assert.Single(verdicts.Distinct());
    }

    [Theory]
    [MemberData(nameof(ExactIds))]
    public void ExactClaimsRunOnceAndHoldTheSameWay(string id)
    {
        IClaim claim = Claim(id);
        Assert.True(claim.Exact);
        var verdicts = new List<Verdict>();
        foreach (int seed in BaseSeeds)
        {
            ClaimResult r = ClaimRunner.Run([claim], 20, seed).Single();
            output.WriteLine($"{id} seed {seed}: {r.Verdict} — {r.Explanation}");
            Assert.Equal(1, r.Replications);
            Assert.True(r.Exact);
            Assert.All(r.Evidence.Keys, k => Assert.True(claim.Units.ContainsKey(k.Contains(':', StringComparison.Ordinal) ? k[(k.IndexOf(':', StringComparison.Ordinal) + 1)..] : k), k));
            verdicts.Add(r.Verdict);
        }

        Assert.Single(verdicts.Distinct());
    }

    [Fact]
    public void L3ShowsBothSides()
    {
        ClaimResult r = ClaimRunner.Run([Claim("L3")], 20, 7).Single();
        ScenarioSummary y = r.Scenarios.Single(s => s.Name == "y_outliers"), lev = r.Scenarios.Single(s => s.Name == "bad_leverage");
        Assert.True(y.Low > 0.5, $"y_outliers share {y.Share}");
        Assert.True(lev.High < 0.5, $"bad_leverage share {lev.Share}");
        Assert.Equal(Verdict.HoldsWithCaveat, r.Verdict);
        Assert.Contains("bad_leverage", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void L4KeepsTheFullBatchCaveatAndL6AndL10Hold()
    {
        IReadOnlyList<ClaimResult> r = ClaimRunner.Run([Claim("L4"), Claim("L6"), Claim("L10")], 20, 7);
        Assert.Equal(Verdict.HoldsWithCaveat, r[0].Verdict);
        Assert.Equal(1.0, r[0].Scenarios.Single(s => s.Name == "single_residual").Share);
        Assert.Equal(Verdict.Holds, r[1].Verdict);
        Assert.Equal(0.0, r[1].Evidence["l1_kink:l1_grad_at_0"]);
        Assert.Equal(Verdict.Holds, r[2].Verdict);
    }

    [Fact]
    public void L9EfficiencyRatiosAreNearTheAsymptoticValues()
    {
        ClaimResult r = ClaimRunner.Run([Claim("L9")], 20, 7).Single();
        double gaussian = L9Claim.EfficiencyRatio(r.Scenarios.Single(s => s.Name == "gaussian"));
        double laplace = L9Claim.EfficiencyRatio(r.Scenarios.Single(s => s.Name == "laplace"));
        Assert.InRange(gaussian, 1.2, 2.2);
        Assert.True(laplace < 1, $"laplace ratio {laplace}");
        Assert.Contains($"{gaussian:G3}", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void L7IsComputedOnceAndTheLeastSquaresLineIsNotTheL1Optimum()
    {
        ClaimResult r = ClaimRunner.Run([Claim("L7")], 20, 7).Single();
        Assert.Equal(1, r.Replications);
        Assert.Equal(Verdict.Holds, r.Verdict);
        Assert.True(r.Evidence["ols_relative_normal_equation_residual"] <= 1e-9);
        Assert.True(r.Evidence["ols_sum_abs_dev"] > r.Evidence["lad_sum_abs_dev"]);
        Assert.Equal(1, r.Evidence["ols_solves"]);
        Assert.True(r.Evidence["lad_irls_iterations"] > 1);
        Assert.True(r.Evidence["subgradient_steps_to_1e-6"] > r.Evidence["subgradient_steps_to_1e-3"]);
    }
}
