using LossLab.Lab.Verification;

namespace LossLab.Lab.Tests.Verification;

public sealed class JudgementTests
{
    /// <summary>A run whose candidates have the given per-split scores (5-fold: n_test/n_train = 0.25).</summary>
    private static VerificationRun RunOf(bool lowerIsBetter, params (string Loss, double[] Scores)[] candidates)
    {
        var plan = new ResamplingPlan { Folds = 5, Repeats = candidates[0].Scores.Length / 5 };
        var outcomes = candidates.Select(c =>
        {
            SplitOutcome[] splits = [.. c.Scores.Select(s => new SplitOutcome(s, new Dictionary<string, double> { ["rmse"] = s }, 0.01, null, false, false, false, []))];
            double mean = c.Scores.Average();
            double std = Math.Sqrt(c.Scores.Sum(v => (v - mean) * (v - mean)) / (c.Scores.Length - 1));
            return new CandidateOutcome(new Candidate(c.Loss, "adam"), "adam:lr=0.01", splits, c.Scores, mean, std, new Dictionary<string, double> { ["rmse"] = mean }, 0.01, 1);
        }).ToList();
        return new VerificationRun("rmse", lowerIsBetter, plan, 0.25, outcomes, false, outcomes.Count * candidates[0].Scores.Length, outcomes.Count * candidates[0].Scores.Length);
    }

    private static double[] Noisy(double level, double spread, int seed, int n = 20)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => level + (spread * (random.NextDouble() - 0.5)))];
    }

    [Fact]
    public void A_recommendation_clearly_worse_than_an_alternative_is_not_confirmed_and_the_alternative_named()
    {
        double[] good = Noisy(1.0, 0.02, 1);
        double[] bad = [.. good.Select(v => v * 1.3)];
        VerificationRun run = RunOf(true, ("mse", bad), ("huber", good), ("l1", [.. good.Select(v => v * 1.1)]));
        VerdictReport v = Judgement.Decide(run, run.Candidates[0], withOptimizer: false);
        Assert.Equal(VerdictKind.NotConfirmed, v.Kind);
        Assert.Equal("huber", v.Winner);
        Assert.StartsWith("not confirmed: huber is better than mse", v.Text, StringComparison.Ordinal);
        Assert.All(v.Comparisons, c => Assert.True(c.PAdjusted < 0.05 && c.PAdjusted > 0));
    }

    [Fact]
    public void Worse_in_every_split_is_never_confirmed_even_within_the_margin()
    {
        // The alternative is better in all 20 splits — by 0.0001 in 18 and by 0.05 in 2: not significant once the overlap
        // of the training sets is accounted for, and well within a 50% margin, yet never confirmed.
        double[] alternative = Noisy(1.0, 0.4, 2);
        double[] recommended = [.. alternative.Select((v, i) => v + (i < 2 ? 0.05 : 0.0001))];
        VerificationRun run = RunOf(true, ("mse", recommended), ("huber", alternative));
        VerdictReport v = Judgement.Decide(run, run.Candidates[0], withOptimizer: false, marginShare: 0.5);
        Assert.Equal(20, v.Comparisons[0].OtherBetterSplits);
        Assert.True(v.Comparisons[0].PAdjusted >= 0.05, $"p = {v.Comparisons[0].PAdjusted}");
        Assert.Equal(VerdictKind.Inconclusive, v.Kind);
        Assert.Contains("in all 20 splits", v.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tiny_lead_with_a_huge_spread_is_inconclusive_not_confirmed()
    {
        var random = new Random(3);
        double[] a = Noisy(1.0, 1.0, 4);
        double[] b = [.. a.Select(v => v + (random.NextDouble() - 0.5))]; // differences with std ≈ 0.29, 300× a 0.1% lead
        VerificationRun run = RunOf(true, ("mse", a), ("huber", b));
        VerdictReport v = Judgement.Decide(run, run.Candidates[0], withOptimizer: false);
        Assert.Equal(VerdictKind.Inconclusive, v.Kind);
        Assert.NotNull(v.Settle);
        Assert.Contains("95% interval", v.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void As_good_within_a_tight_interval_is_confirmed()
    {
        double[] a = Noisy(1.0, 0.2, 5);
        var random = new Random(6);
        double[] b = [.. a.Select(v => v + (0.002 * (random.NextDouble() - 0.5)))];
        VerificationRun run = RunOf(true, ("mse", a), ("huber", b));
        VerdictReport v = Judgement.Decide(run, run.Candidates[0], withOptimizer: false);
        Assert.Equal(VerdictKind.Confirmed, v.Kind);
        Assert.Contains("rules out a loss larger than", v.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Higher_is_better_metrics_turn_the_direction()
    {
        double[] good = Noisy(0.9, 0.02, 7);
        VerificationRun run = RunOf(false, ("bce", [.. good.Select(v => v - 0.1)]), ("focal", good));
        VerdictReport v = Judgement.Decide(run, run.Candidates[0], withOptimizer: false);
        Assert.Equal(VerdictKind.NotConfirmed, v.Kind);
        Assert.Equal("focal", v.Winner);
    }

    [Fact]
    public void Identical_scores_give_p_one_and_a_p_is_never_printed_as_zero()
    {
        double[] a = Noisy(1.0, 0.2, 8);
        VerificationRun run = RunOf(true, ("mse", a), ("huber", [.. a]));
        VerdictReport v = Judgement.Decide(run, run.Candidates[0], withOptimizer: false);
        Assert.Equal(1, v.Comparisons[0].PValue, 12);
        Assert.Equal(VerdictKind.Confirmed, v.Kind);
        Assert.Equal("< 1e-300", Judgement.P(0));
        Assert.Equal("1.0e-12", Judgement.P(1e-12));
        Assert.DoesNotContain("p = 0 ", v.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Three_or_more_candidates_get_friedman_ranks_with_the_nemenyi_difference()
    {
        double[] a = Noisy(1.0, 0.1, 9);
        VerificationRun run = RunOf(true, ("a", a), ("b", [.. a.Select(v => v + 0.05)]), ("c", [.. a.Select(v => v + 0.1)]));
        RankTest? ranks = Judgement.Ranks(run, withOptimizer: false);
        Assert.NotNull(ranks);
        Assert.Equal([1.0, 2.0, 3.0], ranks.AverageRanks);
        Assert.True(ranks.PValue < 1e-6 && ranks.PValue > 0);
        Assert.Equal(2.343 * Math.Sqrt(3 * 4 / (6.0 * 20)), ranks.CriticalDifference, 3);
    }
}
