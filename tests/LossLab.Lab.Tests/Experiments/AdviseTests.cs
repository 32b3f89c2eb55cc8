using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;

namespace LossLab.Lab.Tests.Experiments;

public sealed class AdviseTests
{
    [Fact]
    public void Gaussian_noise_gets_mse()
    {
        AdviceResult r = Advise.Run(Builtins.Load("builtin:seed:n=500,noise=1"), null, epochs: 60);
        Assert.Equal("mse", r.Recommendation.Loss);
        Assert.True(r.Confirmed, r.Verdict);
    }

    [Theory]
    [InlineData("builtin:seed:n=500,noise=0.5,noise_dist=cauchy")]
    [InlineData("builtin:seed:n=500,outliers=0.05,outlier_scale=20")]
    [InlineData("builtin:seed:n=500,outliers=0.1,outlier_scale=30")]
    public void Heavy_tails_or_outliers_get_a_robust_loss_that_beats_mse_on_validation_mae(string data)
    {
        AdviceResult r = Advise.Run(Builtins.Load(data), null, epochs: 60);
        Assert.Matches("^(huber|l1)", r.Recommendation.Loss);
        Assert.Equal("mae", r.Metric);
        double robust = r.Verification.Ranking.Single(c => c.Loss == r.Recommendation.Loss).Mean;
        double mse = r.Verification.Ranking.Single(c => c.Loss == "mse").Mean;
        Assert.True(robust < mse, $"{r.Recommendation.Loss} {robust} vs mse {mse}");
    }

    [Fact]
    public void An_imbalanced_binary_set_gets_a_weighted_or_focal_loss_and_says_why()
    {
        Dataset d = Imbalanced(800, 0.08);
        AdviceResult r = Advise.Run(d, null, epochs: 40);
        Assert.Matches("^(focal|bce_with_logits:pos_weight)", r.Recommendation.Loss);
        Assert.Contains(r.Recommendation.Reasons, reason => reason.Contains("imbalance", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(r.Verification.Ranking);
    }

    [Fact]
    public void The_kpi_steers_the_recommendation_and_the_metric()
    {
        Dataset d = Builtins.Load("builtin:seed:n=300,noise=1");
        AdviceResult mae = Advise.Run(d, Kpi.Parse("mae"), epochs: 40);
        Assert.Equal("l1", mae.Recommendation.Loss);
        Assert.Equal("mae", mae.Metric);
        AdviceResult q = Advise.Run(d, Kpi.Parse("quantile:0.9"), epochs: 40);
        Assert.Equal("quantile:tau=0.9", q.Recommendation.Loss);
        Assert.Equal("pinball_0.9", q.Metric);
        AdviceResult max = Advise.Run(d, Kpi.Parse("max"), epochs: 40);
        Assert.Equal("mse", max.Recommendation.Loss);
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
