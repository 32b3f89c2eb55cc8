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
            Repeats = 1,
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
        Assert.InRange(one.WinnerVsRunnerUp.PValue, double.Epsilon, 1);
        Assert.True(one.WinnerVsRunnerUp.Low <= one.WinnerVsRunnerUp.MeanDifference && one.WinnerVsRunnerUp.MeanDifference <= one.WinnerVsRunnerUp.High);
        Assert.NotNull(one.Ranks); // 4 or more candidates: Friedman + Nemenyi
        Assert.All(one.Ranking.Skip(1), c => Assert.NotNull(c.VersusBest));
        bool lower = one.LowerIsBetter;
        Assert.True(one.Ranking.Zip(one.Ranking.Skip(1)).All(p => lower ? p.First.Mean <= p.Second.Mean : p.First.Mean >= p.Second.Mean));
    }

    [Fact]
    public void Every_combination_gets_the_same_learning_rate_search_on_the_same_splits()
    {
        CompareResult r = Compare.Run(Builtins.Load("builtin:seed"), new CompareSettings { Losses = ["mse", "l1"], Optimizers = ["sgd", "adam:lr=5"], Folds = 2, Epochs = 10 });
        Assert.All(r.Ranking, c => Assert.Equal(CompareSettings.AutoRates, c.Search.Keys.Order()));
        Assert.Equal(2 * 2 * 2 * 4, r.RunsTotal); // 4 candidates × (2 folds × 4 repeats)
        Assert.All(r.Ranking, c => Assert.Equal(8, c.Scores.Length));
    }

    [Fact]
    public void Seeds_change_the_folds_instead_of_reusing_them()
    {
        var settings = new CompareSettings { Losses = ["mse"], Optimizers = ["sgd"], Folds = 2, Repeats = 1, Epochs = 10, LearningRates = [0.1] };
        CompareResult one = Compare.Run(Builtins.Load("builtin:seed"), settings with { Seeds = 2 });
        double[] scores = one.Ranking[0].Scores;
        Assert.Equal(4, scores.Length);
        // with the same folds reused, the second seed's splits would repeat the first seed's scores exactly
        Assert.NotEqual(scores[0], scores[2]);
        Assert.NotEqual(scores[1], scores[3]);
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
