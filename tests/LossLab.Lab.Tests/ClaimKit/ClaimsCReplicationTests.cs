using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.ClaimKit;

namespace LossLab.Lab.Tests.ClaimKit;

public sealed class ClaimsCReplicationTests
{
    private static readonly int[] BaseSeeds = [7, 11, 23];

    private static ClaimResult Run(IClaim claim, int seed) => ClaimRunner.Run([claim], ClaimRunner.DefaultReplications, seed)[0];

    [Theory]
    [InlineData("O7")]
    public void The_verdict_is_the_same_for_three_base_seeds(string id)
    {
        IClaim claim = ClaimCatalog.Find(id)!;
        Assert.Equal(id, claim.Id);
        ClaimResult[] results = [.. BaseSeeds.Select(s => Run(claim, s))];
        Assert.All(results, r => Assert.Equal(results[0].Verdict, r.Verdict));
        Assert.All(results, r => Assert.Equal(claim.Exact ? 1 : ClaimRunner.DefaultReplications, r.Replications));
        Assert.All(results[0].Samples.SelectMany(s => s.Keys), key => Assert.True(claim.Units.ContainsKey(key), $"{id}: no unit for {key}"));
        Assert.False(string.IsNullOrWhiteSpace(results[0].Explanation));
    }

    [Fact]
    public void O7_the_adaptive_advantage_is_clear_when_axis_aligned_and_not_when_rotated()
    {
        ClaimResult r = Run(new O7Claim(), 7);
        Assert.Equal(4, r.Scenarios.Count);
        ScenarioSummary axis = r.Scenarios.Single(s => s.Name == "axis_aligned"), rotated = r.Scenarios.Single(s => s.Name == "rotated_45");
        Assert.True(axis.Share >= rotated.Share + 0.25, $"axis {axis.Share} vs rotated {rotated.Share}");
        Assert.True(axis.Low > 0.5);
        Assert.Equal(Verdict.HoldsWithCaveat, r.Verdict);
        Assert.Contains("rotated_45", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void O7_escape_is_measured_along_the_falling_direction()
    {
        // From (0, 10⁻³) plain SGD at lr 0.1 multiplies y by 1.2 per step: ln(1000)/ln(1.2) ≈ 37.9 → 38 steps to f ≤ −1.
        Assert.Equal(38, O7Claim.Escape("sgd:lr=0.1", rotated: false, noiseSeed: null, [0, 1e-3]));
        // The rotated surface started on its rotated escape direction behaves the same.
        double c = Math.Sqrt(0.5) * 1e-3;
        Assert.Equal(38, O7Claim.Escape("sgd:lr=0.1", rotated: true, noiseSeed: null, [c, c]));
        // Along the rising direction only, the point falls into the saddle and never escapes.
        Assert.Equal(O7Claim.MaxSteps, O7Claim.Escape("sgd:lr=0.1", rotated: false, noiseSeed: null, [1e-3, 0]));
    }
}
