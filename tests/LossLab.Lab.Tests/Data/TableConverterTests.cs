using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

public sealed class TableConverterTests
{
    private static RawTable Table(string text) => CsvLoader.Read(new StringReader(text), "t.csv");

    [Theory]
    [InlineData("x,y\n1,2\n2,abc\n", "y", "t.csv: line 3, column 2 ('y'): 'abc' is not a number")]
    [InlineData("x,y\n1,2\nfoo,3\n", "y", "t.csv: line 3, column 1 ('x'): 'foo' is not a number")]
    [InlineData("x,y\n1,2\nNaN,3\n", "y", "t.csv: line 3, column 1 ('x'): missing value")]
    [InlineData("x,y\n1,2\n,3\n", "y", "missing value; fill it in or pass --drop-missing")]
    [InlineData("x,y\n1,2\n", "y", "at least two are needed")]
    [InlineData("x,y\n1,5\n2,5\n3,5\n", "y", "the target 'y' is constant")]
    [InlineData("x,y\n1,2\n3,4\n", "z", "--target z: no such column in t.csv; columns are: x, y")]
    public void Bad_tables_get_errors_naming_line_and_column(string text, string target, string expected)
    {
        var ex = Assert.Throws<DataException>(() => TableConverter.ToDataset(Table(text), target));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_make_a_classification_and_missing_rows_can_be_dropped()
    {
        Dataset d = TableConverter.ToDataset(Table("a,b,label\n1,2,cat\n3,4,dog\n5,,cat\n6,7,bird\n"), "label", dropMissing: true);
        Assert.Equal(TaskKind.Multiclass, d.Task);
        Assert.Equal(["bird", "cat", "dog"], d.ClassNames);
        Assert.Equal(3, d.Rows);
        Assert.Equal([1f, 2f, 0f], d.Targets);
    }

    [Fact]
    public void Zero_one_targets_are_binary_and_unknown_features_are_named()
    {
        Assert.Equal(TaskKind.Binary, TableConverter.ToDataset(Table("x,y\n1,0\n2,1\n3,1\n"), "y").Task);
        var ex = Assert.Throws<DataException>(() => TableConverter.ToDataset(Table("x,y\n1,0\n2,1\n"), "y", ["w"]));
        Assert.Contains("--features w: no such column", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Categorical_features_are_one_hot_encoded_with_a_reference_level()
    {
        Dataset d = TableConverter.ToDataset(Table("size,color,y\n1,red,1\n2,blue,2\n3,green,3\n4,red,5\n"), "y");
        Assert.Equal(["size", "color=green", "color=red"], d.FeatureNames);
        Assert.Equal([1f, 0f, 1f, 2f, 0f, 0f, 3f, 1f, 0f, 4f, 0f, 1f], d.Features);
    }
}
