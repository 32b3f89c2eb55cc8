using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.Claims;

namespace LossLab.Lab.Tests.Claims;

public sealed class ClaimRunnerTests
{
    /// <summary>A claim whose prediction holds with a given probability per scenario (seeded), for the verdict rule.</summary>
    private sealed class Coin(params (string Scenario, double P)[] scenarios) : IClaim
    {
        public string Id => "T1";

        public string Statement => "a test claim";

        public string Prediction => "the coin shows heads";

        public bool Exact => false;

        public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string> { ["u"] = "draw" };

        public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
        {
            var random = new Random(seed);
            return [.. scenarios.Select(s =>
            {
                double u = random.NextDouble();
                return new ClaimTrial(s.Scenario, u < s.P, new Dictionary<string, double> { ["u"] = u });
            })];
        }

        public string Explain(ClaimSummary summary) => $"{summary.Share}";
    }

    [Theory]
    [InlineData(15, 20, 0.5313, 0.8881)]
    [InlineData(0, 20, 0, 0.1611)]
    [InlineData(20, 20, 0.8389, 1)]
    [InlineData(5, 10, 0.2366, 0.7634)]
    public void Wilson_intervals_match_the_textbook_values(int held, int n, double low, double high)
    {
        (double lo, double hi) = ClaimRunner.Wilson(held, n);
        Assert.Equal(low, lo, 4);
        Assert.Equal(high, hi, 4);
    }

    [Fact]
    public void The_verdict_follows_the_support_of_every_scenario()
    {
        Assert.Equal(Verdict.Holds, ClaimRunner.Run([new Coin(("a", 1.0), ("b", 0.97))], 40, 1)[0].Verdict);
        Assert.Equal(Verdict.DoesNotHold, ClaimRunner.Run([new Coin(("a", 0.0), ("b", 0.03))], 40, 1)[0].Verdict);
        ClaimResult split = ClaimRunner.Run([new Coin(("works", 1.0), ("fails", 0.0))], 40, 1)[0];
        Assert.Equal(Verdict.HoldsWithCaveat, split.Verdict);
        Assert.Equal(2, split.Scenarios.Count);
        Assert.Equal(0.5, split.SupportShare, 12);
        Assert.Equal(Verdict.HoldsWithCaveat, ClaimRunner.Run([new Coin(("even", 0.5))], 40, 1)[0].Verdict);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count_and_seeds_change_them()
    {
        IReadOnlyList<ClaimResult> one = ClaimRunner.Run(ClaimCatalog.All, 3, 7, parallelism: 1);
        IReadOnlyList<ClaimResult> two = ClaimRunner.Run(ClaimCatalog.All, 3, 7, parallelism: 2);
        Assert.Equal(one.Select(r => r.Verdict), two.Select(r => r.Verdict));
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].Evidence, two[i].Evidence);
        }

        var coin = new Coin(("a", 0.5));
        Assert.NotEqual(ClaimRunner.Run([coin], 10, 1)[0].Evidence["u"], ClaimRunner.Run([coin], 10, 2)[0].Evidence["u"]);
    }

    [Fact]
    public void Every_claim_of_the_catalog_has_a_unique_id_a_statement_and_a_prediction()
    {
        Assert.Equal(ClaimCatalog.All.Count, ClaimCatalog.All.Select(c => c.Id).Distinct().Count());
        Assert.All(ClaimCatalog.All, c =>
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Statement));
            Assert.False(string.IsNullOrWhiteSpace(c.Prediction));
        });
    }
}

public sealed class ClaimReplicationStabilityTests
{
    [Fact]
    public void Support_shares_stay_within_their_intervals_when_rerun_with_three_times_the_replications()
    {
        IClaim[] sampled = [.. ClaimCatalog.All.Where(c => !c.Exact)];
        IReadOnlyList<ClaimResult> twenty = ClaimRunner.Run(sampled, 20, 7);
        IReadOnlyList<ClaimResult> sixty = ClaimRunner.Run(sampled, 60, 7);
        Assert.Equal(sampled.Length, twenty.Count);
        for (int i = 0; i < sampled.Length; i++)
        {
            foreach (ScenarioSummary wide in sixty[i].Scenarios)
            {
                ScenarioSummary narrow = twenty[i].Scenarios.Single(s => s.Name == wide.Name);
                Assert.True(wide.Share >= narrow.Low - 1e-12 && wide.Share <= narrow.High + 1e-12, $"{sampled[i].Id}/{wide.Name}: {wide.Share:F2} with 60 replications outside [{narrow.Low:F2}, {narrow.High:F2}] from 20");
            }

            Assert.Equal(twenty[i].Verdict, sixty[i].Verdict);
        }
    }
}
