using LossLab.Functions;

namespace LossLab.Tests.Functions;

public sealed class RotatedSaddleTests
{
    [Theory]
    [InlineData(0.3, -1.2)]
    [InlineData(2.0, 0.5)]
    [InlineData(-1.5, -0.25)]
    public void It_is_the_axis_aligned_saddle_turned_by_45_degrees_with_the_exact_gradient(double x, double y)
    {
        double u = (x + y) / Math.Sqrt(2), v = (x - y) / Math.Sqrt(2);
        var gradient = new double[2];
        double value = TestFunctions.RotatedSaddle.Evaluate([x, y], gradient);
        Assert.Equal(TestFunctions.Saddle.Evaluate([u, v], new double[2]), value, 12);

        const double h = 1e-6;
        double dx = (TestFunctions.RotatedSaddle.Evaluate([x + h, y], []) - TestFunctions.RotatedSaddle.Evaluate([x - h, y], [])) / (2 * h);
        double dy = (TestFunctions.RotatedSaddle.Evaluate([x, y + h], []) - TestFunctions.RotatedSaddle.Evaluate([x, y - h], [])) / (2 * h);
        Assert.Equal(dx, gradient[0], 6);
        Assert.Equal(dy, gradient[1], 6);
    }

    [Fact]
    public void It_is_in_the_catalog_by_name()
    {
        Assert.Same(TestFunctions.RotatedSaddle, TestFunctions.Find("rotated_saddle"));
        Assert.Empty(TestFunctions.RotatedSaddle.Minimum);
    }
}
