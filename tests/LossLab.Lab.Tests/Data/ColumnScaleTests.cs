using System.Globalization;
using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

public sealed class ColumnScaleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("losslab-scale-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Csv(double scaleX, double scaleY, double? single = null)
    {
        var text = new System.Text.StringBuilder("x,y\n");
        for (int i = 0; i < 50; i++)
        {
            double x = (i - 25) / 10.0;
            double y = 2 * x + 1 + Math.Sin(i);
            double cell = single is { } s && i == 7 ? s : x * scaleX;
            text.Append(CultureInfo.InvariantCulture, $"{cell:R},{y * scaleY:R}\n");
        }

        string path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void A_feature_column_entirely_below_float32_normal_range_is_refused_with_the_factor_that_rescales_it()
    {
        string path = Csv(1e-40, 1);
        var error = Assert.Throws<DataException>(() => DataSource.Load(path, "y"));
        Assert.Contains("feature column 'x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("subnormal", error.Message, StringComparison.Ordinal);
        Assert.Contains("multiply the column by 1e+40", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("E+", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subnormal_regression_target_is_refused()
    {
        string path = Csv(1, 1e-41);
        var error = Assert.Throws<DataException>(() => DataSource.Load(path, "y"));
        Assert.Contains("target 'y'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tiny_but_normal_columns_and_an_isolated_subnormal_cell_pass()
    {
        Assert.Equal(50, DataSource.Load(Csv(1e-30, 1e-30), "y").Rows);
        Assert.Equal(50, DataSource.Load(Csv(1, 1, single: 1e-42), "y").Rows);
    }
}
