using LossLab.Lab.Experiments;

namespace LossLab.Lab.Tests.Experiments;

public sealed class ClaimsTests
{
    private static readonly Lazy<IReadOnlyList<ClaimResult>> Results = new(() => Claims.RunAll());

    [Fact]
    public void The_required_claims_are_all_run_with_evidence_and_an_explanation()
    {
        string[] required = ["L3", "L4", "L5", "L7", "L8", "L9", "L10", "O2", "O3", "O4", "O5", "O7", "O8"];
        Assert.Equal(required, Results.Value.Select(r => r.Id));
        Assert.All(Results.Value, r =>
        {
            Assert.NotEmpty(r.Evidence);
            Assert.All(r.Evidence.Values, v => Assert.False(double.IsNaN(v), r.Id));
            Assert.False(string.IsNullOrWhiteSpace(r.Explanation));
        });
    }

    [Fact]
    public void Verdicts_are_deterministic_for_a_seed()
    {
        IReadOnlyList<ClaimResult> again = Claims.RunAll();
        for (int i = 0; i < again.Count; i++)
        {
            Assert.Equal(Results.Value[i].Verdict, again[i].Verdict);
            Assert.Equal(Results.Value[i].Evidence, again[i].Evidence);
        }
    }

    [Fact]
    public void Verdicts_follow_the_measurements()
    {
        ClaimResult l3 = Results.Value.Single(r => r.Id == "L3");
        Assert.Equal(10, l3.Evidence["l1_cost_ratio_10x"], 9);
        Assert.Equal(100, l3.Evidence["l2_cost_ratio_10x"], 9);
        Assert.Equal(l3.Evidence["lad_param_error"] < l3.Evidence["ols_param_error"], l3.Verdict != Verdict.DoesNotHold);

        ClaimResult l5 = Results.Value.Single(r => r.Id == "L5");
        Assert.Equal(l5.Evidence["median"], l5.Evidence["best_constant_l1"], 2);
        Assert.Equal(l5.Evidence["mean"], l5.Evidence["best_constant_l2"], 2);

        ClaimResult o2 = Results.Value.Single(r => r.Id == "O2");
        Assert.Equal(-0.009, o2.Evidence["one_dim_theta_after_1"], 6);
        Assert.Equal(0.001, o2.Evidence["one_dim_theta_after_2"], 6);

        ClaimResult o7 = Results.Value.Single(r => r.Id == "O7");
        Assert.True(o7.Evidence["adam_escape_step"] < o7.Evidence["sgd_escape_step"]);
    }

    [Fact]
    public void A_different_seed_gives_different_evidence()
    {
        ClaimResult a = Claims.All.Single(c => c.Id == "O3").Run(7);
        ClaimResult b = Claims.All.Single(c => c.Id == "O3").Run(8);
        Assert.NotEqual(a.Evidence["sgd_loss_drop_epochs_0_10"], b.Evidence["sgd_loss_drop_epochs_0_10"]);
    }
}
