using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Advice;

public sealed class DiagnosticsTests(ITestOutputHelper output)
{
    internal const string Gaussian = "builtin:seed:n=500,noise=1";
    internal const string StudentT = "builtin:seed:n=500,noise=1,noise_dist=student_t3";
    internal const string Outliers = "builtin:seed:n=500,outliers=0.05,outlier_scale=20";

    private DataDiagnostics Analyze(string data)
    {
        DataDiagnostics d = Diagnostics.Analyze(Builtins.Load(data));
        output.WriteLine($"{data}: {d}");
        return d;
    }

    [Fact]
    public void Gaussian_noise_has_a_robust_scale_near_sigma_and_few_outliers()
    {
        DataDiagnostics d = Analyze(Gaussian);
        Assert.Equal(TaskKind.Regression, d.Task);
        Assert.Equal(500, d.Rows);
        Assert.Equal(1, d.Features);
        Assert.InRange(d.RobustScale!.Value, 0.85, 1.15);
        Assert.True(d.OutlierShare < 0.01);
        Assert.InRange(d.ExcessKurtosis!.Value, -1, 1);
        Assert.InRange(d.Skewness!.Value, -0.5, 0.5);
        Assert.NotNull(d.Heteroscedasticity);
        Assert.InRange(d.Heteroscedasticity.PValue, 0, 1);
        Assert.False(d.NonNegativeTarget);
        Assert.False(d.CountTarget);
        Assert.Null(d.ClassCounts);
        Assert.Null(d.MinorityShare);
    }

    [Fact]
    public void The_robust_scale_is_unbiased_for_gaussian_noise_over_seeds()
    {
        double mean = Enumerable.Range(1, 20).Average(seed => Diagnostics.Analyze(Builtins.Load($"builtin:seed:n=500,noise=1,seed={seed}")).RobustScale!.Value);
        output.WriteLine($"mean robust scale over 20 seeds: {mean}");
        Assert.InRange(mean, 0.96, 1.04);
    }

    [Fact]
    public void Five_percent_outliers_are_found()
    {
        DataDiagnostics d = Analyze(Outliers);
        Assert.InRange(d.OutlierShare!.Value, 0.03, 0.08);
        Assert.Equal(d.OutlierCount!.Value / 500.0, d.OutlierShare.Value);

        // noise = 0.1 by default: the robust scale ignores the shifted rows
        Assert.InRange(d.RobustScale!.Value, 0.085, 0.115);
        Assert.True(d.Skewness > 1, "upward outliers skew the residuals to the right");
    }

    [Fact]
    public void Student_t3_noise_is_heavy_tailed()
    {
        DataDiagnostics d = Analyze(StudentT);
        Assert.True(d.ExcessKurtosis > 1 || d.OutlierShare >= 0.01);
    }

    [Fact]
    public void Scaling_the_noise_scales_the_robust_scale()
    {
        double small = Analyze("builtin:seed:n=400,noise=0.5").RobustScale!.Value;
        double large = Analyze("builtin:seed:n=400,noise=2").RobustScale!.Value;
        Assert.Equal(4, large / small, 2);
    }

    [Fact]
    public void Heteroscedastic_noise_is_detected()
    {
        var random = new Random(11);
        int n = 400;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(random.NextDouble() * 10);
            y[i] = (float)(1 + (2 * x[i]) + (x[i] * Builtins.Normal(random)));
        }

        DataDiagnostics d = Diagnostics.Analyze(new Dataset("hetero", ["x"], "y", x, y, TaskKind.Regression));
        Assert.True(d.Heteroscedasticity!.PValue < 1e-6, $"p = {d.Heteroscedasticity.PValue}");
        Assert.Equal(n * d.Heteroscedasticity.RSquared, d.Heteroscedasticity.Statistic, 10);
        Assert.True(Analyze(Gaussian).Heteroscedasticity!.Statistic < d.Heteroscedasticity.Statistic);
    }

    [Fact]
    public void Count_targets_are_recognised()
    {
        Dataset data = CountData();
        DataDiagnostics d = Diagnostics.Analyze(data);
        Assert.True(d.NonNegativeTarget);
        Assert.True(d.CountTarget);
        Assert.True(d.TargetSkewness > 0);
    }

    [Fact]
    public void Binary_class_balance_is_measured()
    {
        DataDiagnostics d = Diagnostics.Analyze(ImbalancedBinary(500, 40));
        Assert.Equal([460, 40], d.ClassCounts!);
        Assert.Equal(0.08, d.MinorityShare!.Value, 12);
        Assert.Equal(1, d.MinorityClass);
        Assert.Equal(460 / 40.0, d.ImbalanceRatio!.Value, 12);
        Assert.Equal(0, d.EmptyClasses);
        Assert.Null(d.RobustScale);
        Assert.Null(d.CountTarget);
    }

    [Fact]
    public void Multiclass_balance_on_iris_is_even()
    {
        DataDiagnostics d = Diagnostics.Analyze(Builtins.Load("builtin:iris"));
        Assert.Equal([50, 50, 50], d.ClassCounts!);
        Assert.Equal(1.0, d.ImbalanceRatio);
        Assert.Equal(1 / 3.0, d.MinorityShare!.Value, 12);
    }

    [Fact]
    public void Class_targets_must_be_indices()
    {
        var bad = new Dataset("bad", ["x"], "y", [0f, 1f, 2f], [0f, 0.5f, 1f], TaskKind.Binary);
        Assert.Throws<DataException>(() => Diagnostics.Analyze(bad));
        var three = new Dataset("three", ["x"], "y", [0f, 1f, 2f], [0f, 2f, 1f], TaskKind.Binary);
        Assert.Throws<DataException>(() => Diagnostics.Analyze(three));
    }

    [Fact]
    public void Analysis_is_deterministic()
    {
        foreach (string data in new[] { Gaussian, StudentT, Outliers })
        {
            DataDiagnostics a = Diagnostics.Analyze(Builtins.Load(data));
            DataDiagnostics b = Diagnostics.Analyze(Builtins.Load(data));
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(a), System.Text.Json.JsonSerializer.Serialize(b));
            Assert.Equal(a.RobustResiduals, b.RobustResiduals);
        }

        DataDiagnostics c1 = Diagnostics.Analyze(ImbalancedBinary(300, 24));
        DataDiagnostics c2 = Diagnostics.Analyze(ImbalancedBinary(300, 24));
        Assert.Equal(c1.ClassCounts!, c2.ClassCounts!);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(c1), System.Text.Json.JsonSerializer.Serialize(c2));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(1.0, 0.15729920705028513)]
    [InlineData(1.9, 0.007209570764742524)]
    [InlineData(2.0, 0.004677734981047266)]
    [InlineData(3.0, 2.209049699858544e-05)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    [InlineData(-1.0, 1.8427007929497148)]
    public void Erfc_matches_reference_values(double x, double expected)
    {
        double actual = AdviceMath.Erfc(x);
        Assert.True(Math.Abs(actual - expected) <= 1e-12 * expected, $"erfc({x}) = {actual:R}, expected {expected:R}");
    }

    [Fact]
    public void Chi_square_tail_has_the_textbook_quantiles()
    {
        Assert.Equal(0.05, AdviceMath.ChiSquare1Tail(3.841458820694124), 10);
        Assert.Equal(0.01, AdviceMath.ChiSquare1Tail(6.634896601021214), 10);
        Assert.Equal(1.0, AdviceMath.ChiSquare1Tail(0));
    }

    [Theory]
    [InlineData(0.13712, 0.137)]
    [InlineData(1.3449, 1.34)]
    [InlineData(11.5, 11.5)]
    [InlineData(1234.5, 1230)]
    [InlineData(0.000123456, 0.000123)]
    public void Rounding_keeps_three_significant_digits(double value, double expected)
        => Assert.Equal(expected, AdviceMath.RoundSignificant(value));

    internal static Dataset CountData()
    {
        var random = new Random(5);
        int n = 300;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)Builtins.Normal(random);
            double rate = Math.Exp(0.5 + (0.8 * x[i]));
            // Poisson by inversion
            int k = 0;
            double p = Math.Exp(-rate), cdf = p, u = random.NextDouble();
            while (u > cdf && k < 1000)
            {
                k++;
                p *= rate / k;
                cdf += p;
            }

            y[i] = k;
        }

        return new Dataset("counts", ["x"], "events", x, y, TaskKind.Regression);
    }

    /// <summary>n rows with x ~ N(0, 1), of which the first <paramref name="positives"/> are shifted and labelled 1.</summary>
    internal static Dataset ImbalancedBinary(int n, int positives)
    {
        var random = new Random(3);
        float[] x = new float[n * 2], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            bool positive = i < positives;
            x[2 * i] = (float)(Builtins.Normal(random) + (positive ? 1.5 : 0));
            x[(2 * i) + 1] = (float)Builtins.Normal(random);
            y[i] = positive ? 1 : 0;
        }

        return new Dataset("imbalanced", ["a", "b"], "label", x, y, TaskKind.Binary, ["0", "1"]);
    }
}
