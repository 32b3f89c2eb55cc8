using System.Globalization;
using System.Text;
using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

/// <summary>The column storage of the CSV loader: numbers exactly as double.Parse reads them, text where it matters.</summary>
public sealed class CsvColumnsTests
{
    private static RawTable Table(string text) => CsvLoader.Read(new StringReader(text), "t.csv");

    [Fact]
    public void Numbers_are_the_doubles_double_parse_gives_for_their_text()
    {
        string[] cells = ["0.1", "-0", "+.5", "1.", "3.14159265358979323846264", "123456789012345678901234567890", "1e-300", "2.5E+10", "0.30000000000000004", "7", " 8.25 ", "\"9.5\""];
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < cells.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{cells[i]},{i % 3}.5\n");
        }

        Dataset d = TableConverter.ToDataset(Table(text.ToString()), "y", task: TaskKind.Regression);
        for (int i = 0; i < cells.Length; i++)
        {
            double expected = double.Parse(cells[i].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(d.FeaturesDouble![i]));
            Assert.Equal((float)expected, d.Features[i]);
        }
    }

    [Theory]
    [InlineData("1,5", false)]
    [InlineData("1.5", true)]
    [InlineData("-.5e-3", true)]
    [InlineData("+7", true)]
    [InlineData("1e", false)]
    [InlineData(".", false)]
    [InlineData("1_000", false)]
    [InlineData("0x10", false)]
    [InlineData("Infinity", false)]
    [InlineData("1.5.2", false)]
    public void Only_plain_decimals_take_the_fast_parser(string cell, bool plain)
        => Assert.Equal(plain, CsvRows.Row.IsPlainDecimal(cell));

    [Fact]
    public void A_decimal_comma_in_a_semicolon_file_stays_text()
    {
        RawTable t = Table("x;y\n1,5;2\n2,5;3\n");
        Assert.False(t.Column(0).IsNumber(0));
        Assert.Equal("1,5", t.Cell(0, 0));
    }

    [Fact]
    public void Class_labels_written_as_decimals_come_back_as_written()
    {
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < 3000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i * 0.001:R},{(i % 3 == 0 ? "2.0" : "1.0")}\n");
        }

        Dataset d = TableConverter.ToDataset(Table(text.ToString()), "y");
        Assert.Equal(TaskKind.Binary, d.Task);
        Assert.Equal(["1.0", "2.0"], d.ClassNames);
        Assert.Equal(1f, d.Targets[0]);
        Assert.Equal(0f, d.Targets[1]);
    }

    [Fact]
    public void A_word_late_in_a_numeric_column_is_reported_at_its_line()
    {
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < 5000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{(i == 4321 ? "oops" : (i * 0.5).ToString(CultureInfo.InvariantCulture))},{i % 7}\n");
        }

        var ex = Assert.Throws<DataException>(() => TableConverter.ToDataset(Table(text.ToString()), "y"));
        Assert.Contains("line 4323, column 1 ('x'): 'oops' is not a number", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_that_turns_to_words_keeps_its_earlier_cells_exactly()
    {
        // 1,500 numeric labels written with trailing zeros, then 3,000 words: the column switches to text storage and
        // must rebuild the numeric cells as written ("1.50", not "1.5").
        var text = new StringBuilder("x,label\n");
        string[] numbers = ["1.50", "2.50", "3.50"];
        string[] words = ["cat", "dog"];
        for (int i = 0; i < 4500; i++)
        {
            string label = i < 1500 ? numbers[i % 3] : words[i % 2];
            text.Append(CultureInfo.InvariantCulture, $"{i},{label}\n");
        }

        RawTable table = Table(text.ToString());
        Assert.False(table.Column(1).IsNumericStorage);
        Assert.Equal("1.50", table.Cell(0, 1));
        Assert.Equal("cat", table.Cell(4499 - 1, 1));
        Dataset d = TableConverter.ToDataset(table, "label", ["x"], TaskKind.Multiclass);
        Assert.Equal(["1.50", "2.50", "3.50", "cat", "dog"], d.ClassNames);
    }

    [Fact]
    public void Word_columns_are_interned_and_one_hot_encoded()
    {
        var text = new StringBuilder("color,y\n");
        string[] colors = ["red", "green", "blue"];
        for (int i = 0; i < 2000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{colors[i % 3]},{i % 5}\n");
        }

        RawTable table = Table(text.ToString());
        Assert.Same(table.Cell(0, 0), table.Cell(3, 0));
        Dataset d = TableConverter.ToDataset(table, "y", task: TaskKind.Regression);
        Assert.Equal(["color=green", "color=red"], d.FeatureNames);
        Assert.Equal([0f, 1f], d.Features[..2]);
    }

    [Theory]
    [InlineData("a,b\n1,x\"y\n2,3\n", "line 2: a quote inside an unquoted field")]
    [InlineData("a,b\n1,\"x\"y\n2,3\n", "line 2: text after the closing quote of a quoted field")]
    public void Stray_quotes_are_errors_naming_the_line(string text, string expected)
    {
        var ex = Assert.Throws<DataException>(() => Table(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_fields_may_span_lines_and_rows_keep_their_first_line()
    {
        RawTable t = Table("a,b\n\"x\ny\",1\nz,2\n");
        Assert.Equal("x\ny", t.Cell(0, 0));
        Assert.Equal([2, 4], t.Lines);
    }
}
