using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Specs;

namespace LossLab.Lab.Tests.Advice;

public sealed class KpiTests
{
    [Theory]
    [InlineData("mae", KpiKind.Mae, "mae", true)]
    [InlineData("rmse", KpiKind.Rmse, "rmse", true)]
    [InlineData("max", KpiKind.Max, "max_error", true)]
    [InlineData(" Accuracy ", KpiKind.Accuracy, "accuracy", false)]
    [InlineData("f1", KpiKind.F1, "f1", false)]
    [InlineData("quantile:0.9", KpiKind.Quantile, "pinball_0.9", true)]
    [InlineData("quantile:tau=0.25", KpiKind.Quantile, "pinball_0.25", true)]
    [InlineData("quantile:0.5", KpiKind.Quantile, "pinball_0.5", true)]
    public void Parses_the_accepted_values(string text, KpiKind kind, string metric, bool lower)
    {
        Kpi kpi = Kpi.Parse(text);
        Assert.Equal(kind, kpi.Kind);
        Assert.Equal(metric, kpi.Metric);
        Assert.Equal(lower, kpi.LowerIsBetter);
        Assert.Equal(kpi, Kpi.Parse(kpi.ToString()));
    }

    [Fact]
    public void Quantile_keeps_its_tau()
    {
        Assert.Equal(0.9, Kpi.Parse("quantile:0.9").Tau);
        Assert.Null(Kpi.Parse("mae").Tau);
        Assert.Equal("quantile:0.9", Kpi.Parse("quantile:tau=0.9").ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("mse")]
    [InlineData("quantile")]
    [InlineData("quantile:")]
    [InlineData("quantile:0")]
    [InlineData("quantile:1")]
    [InlineData("quantile:1.5")]
    [InlineData("quantile:-0.1")]
    [InlineData("quantile:abc")]
    [InlineData("quantile:nan")]
    [InlineData("r2")]
    public void Rejects_anything_else_listing_the_accepted_values(string text)
    {
        SpecException e = Assert.Throws<SpecException>(() => Kpi.Parse(text));
        Assert.Contains("mae, rmse, max, quantile:TAU", e.Message, StringComparison.Ordinal);
        Assert.Contains("accuracy, f1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pinball_is_the_asymmetric_absolute_error()
    {
        float[] y = [1, 2, 3, 4];
        float[] p = [2, 2, 2, 2]; // errors y − ŷ: −1, 0, 1, 2
        Assert.Equal(((0.1 * 1) + (0.9 * 3)) / 4, Kpi.Pinball(p, y, 0.9), 12);
        Assert.Equal(((0.9 * 1) + (0.1 * 3)) / 4, Kpi.Pinball(p, y, 0.1), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kpi.Pinball(p, y, 1));
        Assert.Throws<ArgumentException>(() => Kpi.Pinball(p, [1f], 0.5));
    }

    [Fact]
    public void Pinball_at_one_half_agrees_with_the_lab_metric()
    {
        float[] y = [1.5f, -2, 3, 0.25f, 7];
        float[] p = [1, 1, 1, 1, 1];
        double lab = Metrics.Regression(p, y)["pinball_0.5"];
        Assert.Equal(lab, Kpi.Pinball(p, y, 0.5), 12);
        Assert.Equal(lab, Kpi.Parse("quantile:0.5").Score(TaskKind.Regression, p, y, 1), 12);
        Assert.Equal(Metrics.Regression(p, y)["max_error"], Kpi.Max.Score(TaskKind.Regression, p, y, 1), 12);
    }

    [Fact]
    public void Score_refuses_a_kpi_of_the_other_task()
    {
        float[] y = [0, 1];
        float[] logits = [-1, 1];
        Assert.Equal(1.0, Kpi.Accuracy.Score(TaskKind.Binary, logits, y, 2));
        Assert.Throws<SpecException>(() => Kpi.Mae.Score(TaskKind.Binary, logits, y, 2));
        Assert.Throws<SpecException>(() => Kpi.F1.Score(TaskKind.Regression, logits, y, 1));
    }
}
