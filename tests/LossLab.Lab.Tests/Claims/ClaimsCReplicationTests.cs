using LossLab.Lab.Experiments;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments.Claims;
using LossLab.Losses;

namespace LossLab.Lab.Tests.Claims;

public sealed class ClaimsCReplicationTests
{
    private static readonly int[] BaseSeeds = [7, 11, 23];

    private static ClaimResult Run(IClaim claim, int seed) => ClaimRunner.Run([claim], ClaimRunner.DefaultReplications, seed)[0];

    [Theory]
    [InlineData("O6")]
    [InlineData("O7")]
    [InlineData("O9")]
    [InlineData("O11")]
    public void The_verdict_is_the_same_for_three_base_seeds(string id)
    {
        IClaim claim = ClaimCatalog.Find(id)!;
        Assert.Equal(id, claim.Id);
        ClaimResult[] results = [.. BaseSeeds.Select(s => Run(claim, s))];
        Assert.All(results, r => Assert.Equal(results[0].Verdict, r.Verdict));
        Assert.All(results, r => Assert.Equal(claim.Exact ? 1 : ClaimRunner.DefaultReplications, r.Replications));
        Assert.All(results[0].Samples.SelectMany(s => s.Evidence.Keys), key => Assert.True(claim.Units.ContainsKey(key), $"{id}: no unit for {key}"));
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

    [Theory]
    [InlineData("mse")]
    [InlineData("huber")]
    [InlineData("log_cosh")]
    [InlineData("l1")]
    public void The_reference_optimum_is_a_minimum_of_the_mean_loss(string loss)
    {
        Dataset data = Builtins.Load("builtin:seed:n=100,noise=1,outliers=0.1,outlier_scale=10,seed=3");
        (double[] c, double optimum) = LinearRuns.Optimum(loss, data);
        ILoss l = LossCatalog.Create(loss);
        Assert.Equal(optimum, LinearRuns.Objective(l, data, c), 12);
        // No nudge of either coefficient lowers the objective.
        foreach (int j in new[] { 0, 1 })
        {
            foreach (double h in new[] { -1e-4, 1e-4 })
            {
                double[] moved = (double[])c.Clone();
                moved[j] += h;
                Assert.True(LinearRuns.Objective(l, data, moved) >= optimum - 1e-12, $"{loss}: coefficient {j} moved by {h}");
            }
        }
    }

    [Fact]
    public void O6_reports_each_scenario_and_its_verdict_follows_the_gains()
    {
        ClaimResult r = Run(new O6Claim(), 7);
        Assert.Equal(["guide_noise", "unit_noise", "outliers", "offset_feature"], r.Scenarios.Select(s => s.Name));
        Assert.All(r.Samples.Select(t => t.Evidence), e => Assert.Equal(e["huber_rmsprop_gain"] - e["mse_rmsprop_gain"], e["gain_huber_minus_mse"], 12));
        int held = r.Scenarios.Sum(s => s.Held);
        Assert.Equal(r.Samples.Select(t => t.Evidence).Count(e => e["gain_huber_minus_mse"] > 0), held);
    }

    [Fact]
    public void O9_is_judged_per_data_set_from_the_cost_of_a_borrowed_rate()
    {
        ClaimResult r = Run(new O9Claim(), 7);
        Assert.Equal(["seed_data", "diabetes", "stackloss", "engel"], r.Scenarios.Select(s => s.Name));
        Assert.Equal(r.Samples.Select(t => t.Evidence).Count(e => e["held_at_10x"] == 1), r.Scenarios.Sum(s => s.Held));
        Assert.DoesNotContain(1.0, O9Claim.Rates);
        Assert.All(r.Samples.Select(t => t.Evidence), e =>
        {
            // The sweep is nested: a cost over 10× is over 5× and over 2×.
            Assert.True(e["held_at_2x"] >= e["held_at_5x"] && e["held_at_5x"] >= e["held_at_10x"]);
            Assert.True(e["pairs_over_2x"] >= e["pairs_over_5x"] && e["pairs_over_5x"] >= e["pairs_over_10x"]);
            Assert.InRange(e["pairs_over_10x"], e["reused_rates_diverging"], 6);
            Assert.InRange(e["mse_log10_best_lr"], -3, 0);
            Assert.True(double.IsFinite(e["worst_reuse_cost"]) && e["worst_reuse_cost"] >= 0 && e["worst_reuse_cost"] <= 6.01);
        });
        Assert.Contains("tolerance sweep", r.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void O11_is_exact_runs_once_and_every_fact_is_computed()
    {
        ClaimResult r = Run(new O11Claim(), 7);
        Assert.True(r.Exact);
        Assert.Equal(1, r.Replications);
        Assert.Equal(6, r.Scenarios.Count);
        Assert.Equal(Verdict.Holds, r.Verdict);
        IReadOnlyDictionary<string, double> brake = r.Scenarios.Single(s => s.Name == "adam_remembers_and_brakes").Evidence;
        // m̂₂ = (0.9·0.1 − 0.1)/(1 − 0.81) = −1/19 and v̂₂ = 1: the reversed step is η/19.
        Assert.Equal(1.0 / 19, brake["adam_second_over_first_step_after_reversal"], 4);
        Assert.Equal(2, r.Scenarios.Single(s => s.Name == "l1_v_groove").Evidence["l1_slope_jump_at_0"], 9);
    }
}
