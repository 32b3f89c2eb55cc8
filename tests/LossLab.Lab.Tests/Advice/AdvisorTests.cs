using System.Globalization;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Losses;
using LossLab.Optim;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Advice;

public sealed class AdvisorTests(ITestOutputHelper output)
{
    private Recommendation Recommend(Dataset data, Kpi? kpi = null)
    {
        DataDiagnostics d = Diagnostics.Analyze(data);
        Recommendation r = Advisor.Recommend(d, kpi);
        output.WriteLine($"{data.Name} kpi={kpi}: loss {r.Loss}, optimizer {r.Optimizer}, metric {r.Metric}");
        output.WriteLine("  alternatives: " + string.Join(", ", r.Alternatives));
        foreach (string reason in r.Reasons)
        {
            output.WriteLine("  - " + reason);
        }

        // every spec the advisor emits must build
        int classes = data.Task == TaskKind.Multiclass ? data.Classes : 0;
        foreach (string loss in r.Alternatives.Prepend(r.Loss))
        {
            Assert.NotNull(LossCatalog.Create(loss, classes));
        }

        foreach (string optimizer in r.OptimizerAlternatives.Prepend(r.Optimizer))
        {
            Assert.NotNull(OptimizerCatalog.Create(optimizer));
        }

        Assert.DoesNotContain(r.Loss, r.Alternatives);
        Assert.NotEmpty(r.Reasons);
        return r;
    }

    private static bool IsRobust(string loss) => loss == "l1" || loss.StartsWith("huber:", StringComparison.Ordinal);

    [Fact]
    public void Gaussian_noise_gets_mse_with_sgd_momentum()
    {
        Recommendation r = Recommend(Builtins.Load(DiagnosticsTests.Gaussian));
        Assert.Equal("mse", r.Loss);
        Assert.StartsWith("sgd:lr=", r.Optimizer, StringComparison.Ordinal);
        Assert.Contains("l1", r.Alternatives);
        Assert.Contains(r.Alternatives, a => a.StartsWith("huber:delta=", StringComparison.Ordinal));
        Assert.Equal("rmse", r.Metric);
        Assert.True(r.LowerIsBetter);
        Assert.Contains(r.Reasons, s => s.Contains("L9", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(DiagnosticsTests.StudentT)]
    [InlineData(DiagnosticsTests.Outliers)]
    public void Dirty_data_gets_a_robust_loss_with_adam(string data)
    {
        Recommendation r = Recommend(Builtins.Load(data));
        Assert.True(IsRobust(r.Loss), r.Loss);
        Assert.StartsWith("adam:lr=", r.Optimizer, StringComparison.Ordinal);
        Assert.Contains("mse", r.Alternatives);
        Assert.Contains(r.Reasons, s => s.Contains("L13", StringComparison.Ordinal));
    }

    [Fact]
    public void Huber_delta_is_1_345_robust_scales_to_three_digits()
    {
        Dataset data = Builtins.Load(DiagnosticsTests.Outliers);
        DataDiagnostics d = Diagnostics.Analyze(data);
        Recommendation r = Advisor.Recommend(d, null);
        Assert.StartsWith("huber:delta=", r.Loss, StringComparison.Ordinal);
        double delta = double.Parse(r.Loss["huber:delta=".Length..], CultureInfo.InvariantCulture);
        Assert.Equal(AdviceMath.RoundSignificant(1.345 * d.RobustScale!.Value), delta);
        Assert.Equal(1.345 * d.RobustScale.Value, delta, 0.0006);
        Assert.Contains(r.Reasons, s => s.Contains("% of rows (", StringComparison.Ordinal) && s.Contains("more than 3.5 robust SDs", StringComparison.Ordinal));
    }

    [Fact]
    public void Many_outliers_get_l1()
    {
        Recommendation r = Recommend(Builtins.Load("builtin:seed:n=500,outliers=0.2,outlier_scale=20"));
        Assert.Equal("l1", r.Loss);
        Assert.Contains(r.Alternatives, a => a.StartsWith("huber:delta=", StringComparison.Ordinal));
        Assert.Contains("adagrad:lr=0.1", r.OptimizerAlternatives);
    }

    [Fact]
    public void Count_target_gets_poisson_nll()
    {
        Recommendation r = Recommend(DiagnosticsTests.CountData());
        Assert.Equal("poisson_nll", r.Loss);
        Assert.StartsWith("adam:", r.Optimizer, StringComparison.Ordinal);
        Assert.Contains("mse", r.Alternatives);
    }

    [Fact]
    public void Imbalanced_binary_keeps_plain_bce_under_log_loss_and_says_why()
    {
        Recommendation r = Recommend(DiagnosticsTests.ImbalancedBinary(500, 40));
        Assert.Equal("bce_with_logits", r.Loss);
        Assert.Empty(r.Alternatives); // reweighting would miscalibrate the probabilities log loss scores
        Assert.Contains(r.Reasons, s => s.Contains("imbalance", StringComparison.Ordinal) && s.Contains("8.0%", StringComparison.Ordinal));
        Assert.Equal("log_loss", r.Metric);
        Assert.True(r.LowerIsBetter);
        Assert.False(r.TuneThreshold);
    }

    [Theory]
    [InlineData("f1")]
    [InlineData("balanced_accuracy")]
    [InlineData("accuracy")]
    public void A_threshold_kpi_on_imbalanced_classes_verifies_pos_weight_and_focal_against_bce_with_a_tuned_threshold(string kpi)
    {
        Recommendation r = Recommend(DiagnosticsTests.ImbalancedBinary(500, 40), Kpi.Parse(kpi));
        Assert.Equal("bce_with_logits", r.Loss);
        Assert.Contains("bce_with_logits:pos_weight=11.5", r.Alternatives);
        Assert.Contains("focal:alpha=0.92,gamma=2", r.Alternatives);
        Assert.True(r.TuneThreshold);
        Assert.Equal(kpi, r.Metric);
        Assert.False(r.LowerIsBetter);
    }

    [Fact]
    public void Balanced_binary_gets_plain_bce()
    {
        Recommendation r = Recommend(DiagnosticsTests.ImbalancedBinary(400, 190));
        Assert.Equal("bce_with_logits", r.Loss);
        Assert.Empty(r.Alternatives); // no reweighting under log loss, whatever the balance
        Assert.NotEmpty(r.OptimizerAlternatives); // the verification compares the optimizer instead
        Assert.Equal("log_loss", r.Metric);
        Recommendation f1 = Recommend(DiagnosticsTests.ImbalancedBinary(400, 190), Kpi.F1);
        Assert.Contains(f1.Alternatives, a => a.StartsWith("bce_with_logits:pos_weight=", StringComparison.Ordinal));
    }

    [Fact]
    public void Imbalanced_multiclass_verifies_inverse_frequency_weights_with_mean_one_for_balanced_accuracy()
    {
        var d = new DataDiagnostics
        {
            Task = TaskKind.Multiclass,
            Rows = 700,
            Features = 4,
            ClassCounts = [500, 100, 100],
            MinorityClass = 1,
            MinorityShare = 100 / 700.0,
            ImbalanceRatio = 5,
            EmptyClasses = 0,
            RowsPerCoefficient = 70,
        };
        Recommendation proper = Advisor.Recommend(d, null);
        Assert.Equal("cross_entropy", proper.Loss);
        Assert.Equal("log_loss", proper.Metric);
        Assert.Empty(proper.Alternatives);

        // 1/n ∝ 1 : 5 : 5, mean 11/3 → 3/11, 15/11, 15/11
        Recommendation balanced = Advisor.Recommend(d, Kpi.BalancedAccuracy);
        Assert.Equal("cross_entropy", balanced.Loss);
        Assert.Contains("cross_entropy:weight=0.273/1.36/1.36", balanced.Alternatives);
        Assert.NotNull(LossCatalog.Create(balanced.Alternatives[0], 3));
        Assert.Contains(balanced.Reasons, s => s.Contains("imbalance", StringComparison.Ordinal));
    }

    [Fact]
    public void Balanced_multiclass_gets_cross_entropy()
    {
        Recommendation r = Recommend(Builtins.Load("builtin:iris"));
        Assert.Equal("cross_entropy", r.Loss);
        Assert.Equal("log_loss", r.Metric);
    }

    [Theory]
    [InlineData("mae", "l1")]
    [InlineData("rmse", "mse")]
    [InlineData("max", "mse")]
    [InlineData("quantile:0.9", "quantile:tau=0.9")]
    public void The_kpi_decides_first(string kpi, string loss)
    {
        foreach (string data in new[] { DiagnosticsTests.Gaussian, DiagnosticsTests.Outliers })
        {
            Recommendation r = Recommend(Builtins.Load(data), Kpi.Parse(kpi));
            Assert.Equal(loss, r.Loss);
            Assert.Equal(Kpi.Parse(kpi).Metric, r.Metric);
            Assert.True(r.LowerIsBetter);
            Assert.Contains(r.Reasons, s => s.Contains("KPI", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_kpi_that_does_not_fit_the_task_is_refused()
    {
        DataDiagnostics regression = Diagnostics.Analyze(Builtins.Load(DiagnosticsTests.Gaussian));
        DataDiagnostics binary = Diagnostics.Analyze(DiagnosticsTests.ImbalancedBinary(100, 10));
        DataDiagnostics multiclass = Diagnostics.Analyze(Builtins.Load("builtin:iris"));
        Assert.Contains("L12", Assert.Throws<LossLab.Specs.SpecException>(() => Advisor.Recommend(binary, Kpi.Mae)).Message, StringComparison.Ordinal);
        Assert.Throws<LossLab.Specs.SpecException>(() => Advisor.Recommend(regression, Kpi.Accuracy));
        Assert.Throws<LossLab.Specs.SpecException>(() => Advisor.Recommend(multiclass, Kpi.F1));
    }

    [Fact]
    public void Recommendations_are_deterministic()
    {
        foreach (string data in new[] { DiagnosticsTests.Gaussian, DiagnosticsTests.StudentT, DiagnosticsTests.Outliers })
        {
            Recommendation a = Advisor.Recommend(Diagnostics.Analyze(Builtins.Load(data)), null);
            Recommendation b = Advisor.Recommend(Diagnostics.Analyze(Builtins.Load(data)), null);
            Assert.Equal(a.Loss, b.Loss);
            Assert.Equal(a.Optimizer, b.Optimizer);
            Assert.Equal(a.Reasons, b.Reasons);
            Assert.Equal(a.Alternatives, b.Alternatives);
        }
    }

    [Fact]
    public void A_noise_free_target_gets_mse()
    {
        float[] x = Enumerable.Range(0, 50).Select(i => (float)i).ToArray();
        float[] y = x.Select(v => (2 * v) + 1).ToArray();
        Recommendation r = Recommend(new Dataset("line", ["x"], "y", x, y.Select(v => v + 0.5f).ToArray(), TaskKind.Regression));
        Assert.Equal("mse", r.Loss);
        Assert.DoesNotContain(r.Reasons, s => s.Contains("Breusch", StringComparison.Ordinal));
    }

    [Fact]
    public void Heteroscedastic_counts_are_explained_by_the_poisson_variance()
    {
        Recommendation r = Recommend(DiagnosticsTests.CountData());
        Assert.Contains(r.Reasons, s => s.Contains("Breusch", StringComparison.Ordinal) && s.Contains("Poisson variance", StringComparison.Ordinal));
        Assert.DoesNotContain(r.Reasons, s => s.Contains("outliers", StringComparison.Ordinal) && s.Contains("% of rows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("builtin:stackloss")]
    [InlineData("builtin:engel")]
    [InlineData("builtin:longley")]
    [InlineData("builtin:diabetes")]
    [InlineData("builtin:wine")]
    [InlineData("builtin:digits")]
    [InlineData("builtin:breast_cancer")]
    public void Every_builtin_gets_a_recommendation_whose_specs_build(string data)
    {
        Recommendation r = Recommend(Builtins.Load(data));
        Assert.True(r.Alternatives.Count + r.OptimizerAlternatives.Count > 0, "something to verify against");
    }
}
