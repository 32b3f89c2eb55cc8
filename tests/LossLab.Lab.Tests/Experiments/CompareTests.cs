using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Specs;

namespace LossLab.Lab.Tests.Experiments;

public sealed class CompareTests
{
    [Theory]
    [InlineData("builtin:diabetes", "mse,l1,huber", "sgd,adam")]
    [InlineData("builtin:breast_cancer", "bce_with_logits,focal", "sgd,adam")]
    [InlineData("builtin:digits", "cross_entropy,multi_margin", "sgd,adam")]
    public void Runs_end_to_end_and_is_the_same_on_one_or_two_threads(string data, string losses, string optimizers)
    {
        Dataset d = Builtins.Load(data);
        var settings = new CompareSettings
        {
            Losses = losses.Split(','),
            Optimizers = optimizers.Split(','),
            LearningRates = [0.01, 0.1],
            Folds = 3,
            Seeds = 2,
            Epochs = data.Contains("digits", StringComparison.Ordinal) ? 5 : 20,
            Parallelism = 1,
        };
        CompareResult one = Compare.Run(d, settings);
        CompareResult two = Compare.Run(d, settings with { Parallelism = 2 });
        Assert.Equal(losses.Split(',').Length * 2, one.Ranking.Count);
        Assert.Equal(one.Ranking.Select(c => (c.Loss, c.Optimizer)), two.Ranking.Select(c => (c.Loss, c.Optimizer)));
        Assert.Equal(one.Ranking.SelectMany(c => c.Scores), two.Ranking.SelectMany(c => c.Scores));
        Assert.All(one.Ranking, c => Assert.Equal(6, c.Scores.Length));
        Assert.NotNull(one.WinnerVsRunnerUp);
        bool lower = one.LowerIsBetter;
        Assert.True(one.Ranking.Zip(one.Ranking.Skip(1)).All(p => lower ? p.First.Mean <= p.Second.Mean : p.First.Mean >= p.Second.Mean));
    }

    [Fact]
    public void Every_combination_gets_the_same_learning_rate_search()
    {
        CompareResult r = Compare.Run(Builtins.Load("builtin:seed"), new CompareSettings { Losses = ["mse", "l1"], Optimizers = ["sgd", "adam:lr=5"], Folds = 2, Epochs = 10 });
        Assert.All(r.Ranking, c => Assert.Equal(CompareSettings.AutoRates, c.Search.Keys.Order()));
        Assert.Equal(2 * 2 * CompareSettings.AutoRates.Count * 2, r.RunsTotal);
    }

    [Fact]
    public void The_paired_permutation_test_is_exact_for_small_samples()
    {
        // All four differences favour the winner: only the two all-same-sign flips are as extreme (p = 2/16).
        PairedTest t = Compare.Paired([1, 1, 1, 1], [2, 3, 2, 4], lowerIsBetter: true);
        Assert.Equal(0.125, t.PValue, 12);
        Assert.Equal(1.75, t.MeanDifference, 12);
        Assert.Equal(1.0, Compare.Paired([1, 2], [1, 2], true).PValue, 12);
    }

    [Fact]
    public void Cancellation_keeps_only_finished_candidates()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        CompareResult r = Compare.Run(Builtins.Load("builtin:seed"), new CompareSettings { Losses = ["mse"], Optimizers = ["sgd"], Folds = 2 }, null, cts.Token);
        Assert.True(r.Cancelled);
        Assert.Empty(r.Ranking);
    }

    [Theory]
    [InlineData("nope", "sgd", null, "unknown loss 'nope'")]
    [InlineData("mse", "sgdd", null, "unknown optimizer 'sgdd'")]
    [InlineData("cross_entropy", "sgd", null, "does not fit a regression task")]
    [InlineData("mse", "sgd", "accuracy", "--metric accuracy: not a regression metric")]
    public void Bad_specs_fail_before_any_run(string loss, string optimizer, string? metric, string expected)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Compare.Run(Builtins.Load("builtin:seed"), new CompareSettings { Losses = [loss], Optimizers = [optimizer], Metric = metric }));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        _ = ex is SpecException;
    }
}
