using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Advice.Checks;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Verification;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Experiments;

public sealed class AdviseTests(ITestOutputHelper output)
{
    private static readonly AdviseSettings Quick = new() { Epochs = 60 };

    private AdviceResult Run(Dataset data, Kpi? kpi = null, AdviseSettings? settings = null)
    {
        AdviceResult r = Advise.Run(data, kpi, settings ?? Quick);
        output.WriteLine($"{data.Name}: {r.Recommendation.Loss} + {r.Recommendation.Optimizer} on {r.Metric}; {r.Verdict}");
        foreach (CandidateResult c in r.Verification.Ranking)
        {
            output.WriteLine($"  {c.Loss} {c.Optimizer} {c.Mean:G5} ± {c.Std:G3}");
        }

        // p is never 0, and every verdict names its interval and test
        Assert.All(r.Outcome?.Comparisons ?? [], c => Assert.True(c.PValue > 0 && c.PAdjusted > 0 && c.PAdjusted <= 1, $"{c.Against}: p = {c.PValue}"));
        Assert.Matches("Nadeau–Bengio|paired t-test", r.Verdict);
        return r;
    }

    [Fact]
    public void Gaussian_noise_gets_mse_confirmed_by_rmse()
    {
        AdviceResult r = Run(Builtins.Load("builtin:seed:n=500,noise=1"));
        Assert.Equal("mse", r.Recommendation.Loss);
        Assert.Equal("rmse", r.Metric);
        Assert.Equal(VerdictKind.Confirmed, r.Outcome!.Kind);
        Assert.True(r.Confirmed);
        Assert.Equal(20, r.Verification.Ranking[0].Scores.Length); // 5 folds × 4 repeats
    }

    [Fact]
    public void The_optimizer_shown_is_the_one_verified()
    {
        AdviceResult r = Run(Builtins.Load("builtin:seed:n=300,noise=1"));
        CandidateOutcome verified = r.Run!.Candidates.Single(c => c.Candidate.Loss == r.Recommendation.Loss);
        Assert.Equal(verified.Optimizer, r.Recommendation.Optimizer);
        string rate = verified.ModalRate.ToString("R", CultureInfo.InvariantCulture);
        Assert.Contains($"lr={rate}", r.Recommendation.Optimizer, StringComparison.Ordinal);
        Assert.Contains(verified.Splits, s => s.LearningRate == verified.ModalRate);
    }

    [Theory]
    [InlineData("builtin:seed:n=500,noise=0.5,noise_dist=cauchy")]
    [InlineData("builtin:seed:n=500,outliers=0.05,outlier_scale=20")]
    public void Heavy_tails_or_outliers_get_a_robust_loss_scored_by_mae(string data)
    {
        AdviceResult r = Run(Builtins.Load(data));
        Assert.Matches("^(huber|l1)", r.Recommendation.Loss);
        Assert.Equal("mae", r.Metric);
        Assert.Contains("contaminated", r.Recommendation.MetricReason, StringComparison.Ordinal);
        double robust = r.Verification.Ranking.Single(c => c.Loss == r.Recommendation.Loss).Mean;
        double mse = r.Verification.Ranking.Single(c => c.Loss == "mse").Mean;
        Assert.True(robust < mse, $"{r.Recommendation.Loss} {robust} vs mse {mse}");
    }

    [Fact]
    public void A_worse_recommendation_is_not_confirmed_and_the_better_alternative_is_recommended()
    {
        // A straight line y = 10 + 5x forced to be read as a skewed positive target: the gamma loss (log link) bends it.
        var random = new Random(5);
        int n = 300;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(10 * random.NextDouble());
            y[i] = (float)(10 + (5 * x[i]) + (0.5 * Builtins.Normal(random)));
        }

        var data = new Dataset("line", ["x"], "y", x, y, TaskKind.Regression);
        AdviceResult r = Run(data, null, Quick with { TargetKind = TargetKind.PositiveSkewed });
        Assert.Equal("gamma", r.Initial!.Loss);
        Assert.Equal(VerdictKind.NotConfirmed, r.Outcome!.Kind);
        Assert.False(r.Confirmed);
        Assert.NotEqual("gamma", r.Recommendation.Loss);
        Assert.Equal(r.Outcome.Winner, r.Recommendation.Loss);
        Assert.StartsWith("the verification overturned the first choice gamma", r.Recommendation.Reasons[0], StringComparison.Ordinal);
        Comparison against = r.Outcome.Comparisons.Single(c => c.Against == r.Outcome.Winner);
        Assert.True(against.PAdjusted < 0.05);
        Assert.True(against.Low > 0, "the interval of gamma − winner (rmse) lies above 0");
    }

    [Fact]
    public void A_tiny_data_set_is_inconclusive_and_says_what_would_settle_it()
    {
        AdviceResult r = Run(Builtins.Load("builtin:seed:n=20,noise=1"));
        Assert.Equal(VerdictKind.Inconclusive, r.Outcome!.Kind);
        Assert.NotNull(r.Outcome.Settle);
        Assert.Contains("more data", r.Outcome.Settle, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_get_log_link_candidates_scored_by_poisson_deviance()
    {
        AdviceResult r = Run(LossLab.Lab.Tests.Advice.DiagnosticsTests.CountData());
        Assert.Equal(TargetKind.Counts, r.Diagnostics.TargetKind);
        Assert.Equal("poisson_deviance", r.Metric);
        string[] losses = [.. r.Run!.Candidates.Select(c => c.Candidate.Loss)];
        Assert.Contains("poisson_nll", losses);
        Assert.Contains("tweedie:power=1.5", losses);
        Assert.Contains("mse", losses);
    }

    [Fact]
    public void An_imbalanced_binary_set_keeps_plain_bce_under_log_loss_and_verifies_reweighting_only_for_a_threshold_kpi()
    {
        Dataset d = Imbalanced(1000, 0.05);
        AdviceResult proper = Run(d);
        Assert.Equal("bce_with_logits", proper.Initial!.Loss);
        Assert.Equal("log_loss", proper.Metric);
        Assert.DoesNotContain(proper.Run!.Candidates, c => c.Candidate.Loss.StartsWith("focal", StringComparison.Ordinal) || c.Candidate.Loss.Contains("pos_weight", StringComparison.Ordinal));
        Assert.Contains(proper.Recommendation.Reasons, reason => reason.Contains("miscalibration", StringComparison.Ordinal));
        Assert.True(proper.Run.Candidates[0].MetricMeans.ContainsKey("pr_auc"));

        AdviceResult f1 = Run(d, Kpi.Parse("f1"));
        Assert.Equal("bce_with_logits", f1.Initial!.Loss);
        Assert.Contains(f1.Run!.Candidates, c => c.Candidate.Loss.StartsWith("focal", StringComparison.Ordinal));
        Assert.Contains(f1.Run.Candidates, c => c.Candidate.Loss.Contains("pos_weight", StringComparison.Ordinal));
        Assert.All(f1.Run.Candidates, c => Assert.All(c.Splits, s => Assert.NotNull(s.Threshold)));
        Assert.Contains(f1.Run.Candidates[0].Splits, s => s.Threshold != 0.5);
    }

    [Fact]
    public void The_kpi_steers_the_recommendation_and_the_metric()
    {
        Dataset d = Builtins.Load("builtin:seed:n=300,noise=1");
        AdviceResult mae = Run(d, Kpi.Parse("mae"), Quick with { Repeats = 1 });
        Assert.Equal("l1", mae.Initial!.Loss);
        Assert.Equal("mae", mae.Metric);
        AdviceResult q = Run(d, Kpi.Parse("quantile:0.9"), Quick with { Repeats = 1 });
        Assert.Equal("quantile:tau=0.9", q.Initial!.Loss);
        Assert.Equal("pinball_0.9", q.Metric);
        AdviceResult max = Run(d, Kpi.Parse("max"), Quick with { Repeats = 1 });
        Assert.Equal("mse", max.Initial!.Loss);
    }

    [Fact]
    public void Rows_ordered_by_a_date_are_verified_with_forward_chaining_folds()
    {
        var start = new DateTime(2015, 1, 1);
        var random = new Random(9);
        var csv = new System.Text.StringBuilder("date,price,y\n");
        double noise = 0;
        for (int i = 0; i < 120; i++)
        {
            noise = (0.7 * noise) + Builtins.Normal(random);
            csv.Append(CultureInfo.InvariantCulture, $"{start.AddMonths(i):yyyy-MM-dd},{random.NextDouble() * 10:F3},{(0.05 * i) + noise:F4}\n");
        }

        Dataset data = TableConverter.ToDataset(CsvLoader.Read(new StringReader(csv.ToString()), "series.csv"), "y");
        AdviceResult r = Run(data);
        Assert.Equal(FoldScheme.Time, r.Run!.Plan.Scheme);
        Assert.Contains(r.Recommendation.Warnings, w => w.Contains("ordered in time", StringComparison.Ordinal));
    }

    [Fact]
    public void A_running_index_with_autocorrelated_residuals_switches_to_forward_chaining_folds()
    {
        var random = new Random(12);
        var csv = new System.Text.StringBuilder("t,x,y\n");
        double noise = 0;
        for (int i = 0; i < 150; i++)
        {
            noise = (0.8 * noise) + Builtins.Normal(random);
            double x = random.NextDouble() * 10;
            csv.Append(CultureInfo.InvariantCulture, $"{i + 1},{x:F3},{(2 * x) + noise:F4}\n");
        }

        Dataset data = TableConverter.ToDataset(CsvLoader.Read(new StringReader(csv.ToString()), "indexed.csv"), "y");
        Assert.Equal("t", data.OrderedIndexColumn);
        Assert.Null(data.TimeColumn);
        AdviceResult r = Run(data);
        Assert.Equal(FoldScheme.Time, r.Run!.Plan.Scheme);
        Assert.Contains(r.Recommendation.Warnings, w => w.Contains("running index 't'", StringComparison.Ordinal));
        Assert.Equal(FoldScheme.Shuffled, Run(data, null, Quick with { Scheme = FoldScheme.Shuffled, Repeats = 1 }).Run!.Plan.Scheme);
    }

    [Fact]
    public void More_columns_than_rows_allow_still_get_advice_with_a_warning()
    {
        var random = new Random(13);
        int n = 25, d = 30;
        float[] x = new float[n * d], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                x[(i * d) + j] = (float)Builtins.Normal(random);
            }

            y[i] = (float)((2 * x[i * d]) + Builtins.Normal(random));
        }

        var data = new Dataset("wide", [.. Enumerable.Range(1, d).Select(j => $"x{j}")], "y", x, y, TaskKind.Regression);
        AdviceResult r = Run(data, null, Quick with { Folds = 2, Repeats = 1 });
        Assert.Contains(r.Diagnostics.Findings, f => f.Code == "too_wide");
        Assert.NotEqual(VerdictKind.Confirmed, r.Outcome!.Kind);
    }

    [Fact]
    public void Loss_parameters_are_re_estimated_on_each_training_part()
    {
        Dataset data = Builtins.Load("builtin:seed:n=400,noise=1");
        Func<Dataset, string> huber = Advise.PerSplit("huber:delta=1.3")!;
        Dataset first = data.Subset([.. Enumerable.Range(0, 200)]), second = data.Subset([.. Enumerable.Range(200, 200)]);
        double Delta(string spec) => double.Parse(spec["huber:delta=".Length..], CultureInfo.InvariantCulture);
        double a = Delta(huber(first)), b = Delta(huber(second));
        Assert.InRange(a, 0.3, 1.2); // 1.345 × robust scale (≈ 1) / target SD (≈ 2.1)
        Assert.NotEqual(a, b);

        Dataset imbalanced = Imbalanced(400, 0.1);
        Assert.Equal("bce_with_logits:pos_weight=9", Advise.PerSplit("bce_with_logits:pos_weight=3")!(imbalanced));
        Assert.Equal("focal:alpha=0.9,gamma=2", Advise.PerSplit("focal:alpha=0.5,gamma=2")!(imbalanced));
        Assert.Null(Advise.PerSplit("mse"));
    }

    private static Dataset Imbalanced(int n, double share)
    {
        var random = new Random(3);
        float[] x = new float[n * 3];
        float[] y = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = i < (int)(share * n);
            y[i] = positive ? 1 : 0;
            for (int j = 0; j < 3; j++)
            {
                x[(i * 3) + j] = (float)(Builtins.Normal(random) + (positive ? 1.2 : 0));
            }
        }

        return new Dataset("imbalanced", ["a", "b", "c"], "y", x, y, TaskKind.Binary, ["0", "1"]);
    }
}
