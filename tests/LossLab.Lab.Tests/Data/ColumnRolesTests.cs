using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

public sealed class ColumnRolesTests
{
    private static RawTable Table(string text) => CsvLoader.Read(new StringReader(text), "t.csv");

    private static string Csv(string header, int rows, Func<int, string> line)
        => header + "\n" + string.Concat(Enumerable.Range(0, rows).Select(i => line(i) + "\n"));

    [Fact]
    public void A_string_identifier_is_dropped_with_a_note_instead_of_one_hot_columns()
    {
        string csv = Csv("name,x,y", 50, i => $"person{i},{i % 7},{(2 * (i % 7)) + (i % 3)}");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Equal(["x"], d.FeatureNames);
        Assert.Contains(d.Notes, n => n.Contains("'name'", StringComparison.Ordinal) && n.Contains("dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void A_numeric_running_index_is_dropped_but_an_ordinary_numeric_feature_is_kept()
    {
        // id is 101..150 in shuffled order (a sequence, so an identifier); x is unique per row too, but not a sequence
        int[] ids = [.. Enumerable.Range(101, 50)];
        new Random(3).Shuffle(ids);
        string csv = Csv("id,x,y", 50, i => $"{ids[i]},{(i * 1.37).ToString(System.Globalization.CultureInfo.InvariantCulture)},{i % 5}.5");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Equal(["x"], d.FeatureNames);
        Assert.Single(d.Notes, n => n.Contains("'id'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rank_that_tracks_the_target_is_kept_though_it_looks_like_an_identifier()
    {
        // size_rank is a permutation of 1..n, ordered like the target: information, not a row label
        string csv = Csv("size_rank,price", 40, i => $"{((i * 17) % 40) + 1},{(((i * 17) % 40) * 3.5) + 100 + (i % 3)}");
        Dataset d = TableConverter.ToDataset(Table(csv), "price");
        Assert.Equal(["size_rank"], d.FeatureNames);
        Assert.Contains(d.Notes, n => n.Contains("correlates with the target", StringComparison.Ordinal));
    }

    [Fact]
    public void When_every_feature_is_an_identifier_the_error_says_so()
    {
        string csv = Csv("name,y", 30, i => $"p{i},{i % 4}.5");
        var e = Assert.Throws<DataException>(() => TableConverter.ToDataset(Table(csv), "y"));
        Assert.Contains("'name'", e.Message, StringComparison.Ordinal);
        Assert.Contains("--features", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_named_like_an_identifier_with_unique_whole_numbers_is_dropped()
    {
        string csv = Csv("customer_id,x,y", 30, i => $"{(i * 7919) % 100003},{i % 4},{i % 6}.25");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Equal(["x"], d.FeatureNames);
    }

    [Fact]
    public void Explicit_features_keep_an_identifier()
    {
        string csv = Csv("name,x,y", 20, i => $"p{i},{i},{i % 3}.5");
        Dataset d = TableConverter.ToDataset(Table(csv), "y", ["name", "x"]);
        Assert.Equal(20, d.Columns); // 19 one-hot levels + x
        Assert.Empty(d.Notes);
    }

    [Theory]
    [InlineData("1", "2")]
    [InlineData("0", "1")]
    [InlineData("-1", "1")]
    [InlineData("yes", "no")]
    public void A_target_with_two_values_in_any_coding_is_binary(string a, string b)
    {
        string csv = Csv("x,y", 30, i => $"{i % 7},{(i % 3 == 0 ? a : b)}");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Equal(TaskKind.Binary, d.Task);
        Assert.Equal(2, d.Classes);
        bool zeroOne = (a, b) is ("0", "1");
        Assert.Equal(!zeroOne, d.Notes.Any(n => n.Contains("read as binary", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_two_valued_target_coded_1_2_has_2_as_the_positive_class()
    {
        string csv = Csv("x,y", 20, i => $"{i % 4},{(i < 5 ? 2 : 1)}");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Equal(["1", "2"], d.ClassNames);
        Assert.Equal(5, d.Targets.Count(t => t == 1));
    }

    [Fact]
    public void Iso_dates_become_decimal_years_and_order_the_rows_in_time()
    {
        var start = new DateTime(2020, 1, 1);
        string csv = Csv("date,x,y", 24, i => $"{start.AddMonths(i):yyyy-MM-dd},{i % 5},{i}.5");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Equal("date", d.TimeColumn);
        Assert.Equal(["date", "x"], d.FeatureNames);
        Assert.Equal(2020f, d.Features[0], 3);
        Assert.Equal(2021f + (31f / 365f), d.Features[13 * 2], 3); // 2021-02-01
    }

    [Fact]
    public void A_year_column_orders_the_rows_only_when_it_never_decreases()
    {
        string ordered = Csv("year,x,y", 20, i => $"{1990 + i},{i % 3},{i}.5");
        Assert.Equal("year", TableConverter.ToDataset(Table(ordered), "y").TimeColumn);
        Dataset kept = TableConverter.ToDataset(Table(ordered), "y");
        Assert.Contains("year", kept.FeatureNames); // a trend feature, not an identifier

        string panel = Csv("year,x,y", 20, i => $"{1990 + (i % 5)},{i % 3},{i}.5");
        Assert.Null(TableConverter.ToDataset(Table(panel), "y").TimeColumn);
    }

    [Theory]
    [InlineData("2024-03-01", 2024 + (60.0 / 366))]
    [InlineData("2023-07", 2023 + (181.0 / 365))]
    [InlineData("2023-01-01T12:00", 2023 + (0.5 / 365))]
    public void Iso_dates_in_years(string cell, double years)
        => Assert.Equal(years, ColumnRoles.ToYears(cell)!.Value, 9);

    [Theory]
    [InlineData("dd/MM/yyyy", "13/01/2020", "14/02/2020", "2020")]
    [InlineData("MM/dd/yyyy", "01/13/2020", "02/14/2020", "2020")]
    [InlineData("dd.MM.yyyy", "13.01.2020", "14.02.2020", "2020")]
    [InlineData("yyyy/MM/dd", "2020/01/13", "2020/02/14", "2020")]
    public void Common_non_iso_dates_are_read_by_the_one_format_that_fits_every_cell(string format, string first, string second, string year)
    {
        Assert.Equal(format, ColumnRoles.DateFormat([first, second]));
        Assert.StartsWith(year, ColumnRoles.ToYears(first, format)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_out_of_order_are_a_feature_with_a_note_and_no_time_order()
    {
        var start = new DateTime(2020, 1, 1);
        int[] order = [.. Enumerable.Range(0, 24)];
        new Random(4).Shuffle(order);
        string csv = Csv("when,x,y", 24, i => $"{start.AddMonths(order[i]):dd/MM/yyyy},{i % 5},{i}.5");
        Dataset d = TableConverter.ToDataset(Table(csv), "y");
        Assert.Null(d.TimeColumn);
        Assert.Contains("when", d.FeatureNames);
        Assert.Contains(d.Notes, n => n.Contains("not in date order", StringComparison.Ordinal));
    }

    [Fact]
    public void Rows_dropped_for_missing_values_are_counted_in_a_note()
    {
        string csv = Csv("a,x,y", 12, i => i % 4 == 0 ? $",{i % 5},{i}.5" : $"{i % 3},{i % 5},{i}.5");
        Dataset d = TableConverter.ToDataset(Table(csv), "y", dropMissing: true);
        Assert.Equal(9, d.Rows);
        Assert.Contains(d.Notes, n => n.StartsWith("3 of 12 rows dropped for missing values", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("01/02/2024")]
    [InlineData("yesterday")]
    public void Not_iso_dates(string cell) => Assert.Null(ColumnRoles.ToYears(cell));
}
