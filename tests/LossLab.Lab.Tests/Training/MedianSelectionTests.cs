using LossLab.Lab.Training;

namespace LossLab.Lab.Tests.Training;

/// <summary>The median of the regression metrics by selection equals the median of the sorted values.</summary>
public sealed class MedianSelectionTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(1000, 4)]
    [InlineData(1001, 5)]
    [InlineData(100_000, 6)]
    public void Selection_gives_the_sorted_median(int n, int seed)
    {
        var random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++)
        {
            // Many ties (a coarse grid) and a sorted run stress the partitioning.
            values[i] = i < n / 3 ? i : Math.Round(random.NextDouble() * 50);
        }

        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        double expected = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
        Assert.Equal(expected, Metrics.Median(values));
    }

    [Fact]
    public void Median_ae_of_the_regression_metrics_is_unchanged()
    {
        double[] predictions = [1, 2, 3, 4], targets = [1.5, 1, 3, 10];
        Assert.Equal(0.75, Metrics.Regression(predictions, targets)["median_ae"]);
    }
}
