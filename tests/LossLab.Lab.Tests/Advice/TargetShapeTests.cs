using LossLab.Lab.Advice.Checks;

namespace LossLab.Lab.Tests.Advice;

public sealed class TargetShapeTests
{
    private static double[] Draw(int n, int seed, Func<Random, double> draw)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => draw(random))];
    }

    private static double Poisson(Random r, double mean)
    {
        double l = Math.Exp(-mean), p = 1;
        int k = 0;
        do
        {
            k++;
            p *= r.NextDouble();
        }
        while (p > l);
        return k - 1;
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void Counts_with_zeros_are_counts()
        => Assert.Equal(TargetKind.Counts, TargetShape.Analyze(Draw(400, 1, r => Poisson(r, 1.5)), "y").Kind);

    [Fact]
    public void Counts_without_zeros_are_counts_too()
    {
        double[] y = Draw(400, 2, r => 1 + Poisson(r, 7));
        Assert.DoesNotContain(0.0, y);
        TargetShapeResult shape = TargetShape.Analyze(y, "y");
        Assert.Equal(TargetKind.Counts, shape.Kind);
        Assert.InRange(shape.Dispersion!.Value, 0.6, 1.2);
    }

    [Theory]
    [InlineData("y")]
    [InlineData("rating")]
    public void A_symmetric_zero_to_six_scale_is_ordinal_not_counts(string name)
    {
        double[] y = Draw(400, 3, r => Math.Clamp(Math.Round(3 + (1.5 * Normal(r))), 0, 6));
        Assert.Equal(TargetKind.Ordinal, TargetShape.Analyze(y, name).Kind);
    }

    [Fact]
    public void A_count_name_keeps_small_counts_as_counts()
    {
        double[] y = Draw(400, 4, r => Math.Clamp(Math.Round(3 + (1.5 * Normal(r))), 0, 6));
        Assert.Equal(TargetKind.Counts, TargetShape.Analyze(y, "num_visits").Kind);
    }

    [Fact]
    public void Zero_heavy_continuous_targets_are_zero_heavy()
    {
        double[] y = Draw(500, 5, r => r.NextDouble() < 0.6 ? 0 : Math.Exp(1 + Normal(r)));
        TargetShapeResult shape = TargetShape.Analyze(y, "claims_amount");
        Assert.Equal(TargetKind.ZeroHeavy, shape.Kind);
        Assert.InRange(shape.ZeroShare, 0.5, 0.7);
    }

    [Fact]
    public void Log_normal_targets_are_positive_skewed_and_gaussian_ones_continuous()
    {
        Assert.Equal(TargetKind.PositiveSkewed, TargetShape.Analyze(Draw(500, 6, r => Math.Exp(2 + Normal(r))), "income").Kind);
        Assert.Equal(TargetKind.Continuous, TargetShape.Analyze(Draw(500, 7, r => 10 + Normal(r)), "y").Kind);
    }

    [Fact]
    public void Large_whole_numbers_are_measurements_not_counts()
        => Assert.NotEqual(TargetKind.Counts, TargetShape.Analyze(Draw(300, 8, r => Math.Round(60000 + (3000 * Normal(r)))), "employment").Kind);

    [Fact]
    public void Whole_amounts_with_zeros_are_zero_heavy_even_under_a_claims_name()
    {
        double[] y = Draw(500, 10, r => r.NextDouble() < 0.7 ? 0 : Math.Round(Math.Exp(5 + Normal(r))));
        Assert.True(y.Max() > 1000);
        Assert.Equal(TargetKind.ZeroHeavy, TargetShape.Analyze(y, "claim_amount").Kind);
        Assert.Equal(TargetKind.Counts, TargetShape.Analyze(Draw(500, 11, r => Poisson(r, 1.2)), "claims").Kind);
    }

    [Fact]
    public void A_kind_given_by_the_user_wins()
        => Assert.Equal(TargetKind.Continuous, TargetShape.Analyze(Draw(300, 9, r => Poisson(r, 2)), "y", TargetKind.Continuous).Kind);
}
