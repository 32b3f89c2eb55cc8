using System.Text;
using FsCheck;
using FsCheck.Fluent;
using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

public sealed class CsvLoaderTests
{
    private static string Write(string text, string name = "data.csv")
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-csv").FullName, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    [Fact]
    public void Reads_quotes_bom_crlf_and_semicolons()
    {
        string path = Write("\uFEFFname;\"x, y\";target\r\n\"a \"\"q\"\"\";1,5;2\r\nb;3;4\r\n");
        RawTable t = CsvLoader.Read(path);
        Assert.Equal(["name", "x, y", "target"], t.Columns);
        Assert.Equal("a \"q\"", t.Rows[0][0]);
        Assert.Equal("1,5", t.Rows[0][1]);
        Assert.Equal([2, 3], t.Lines);
    }

    [Fact]
    public void Headerless_numeric_files_get_column_names()
    {
        RawTable t = CsvLoader.Read(Write("1,2\n3,4\n"));
        Assert.Equal(["column1", "column2"], t.Columns);
        Assert.Equal(2, t.Rows.Count);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,4,5\n", "line 3 has 3 fields, but the header has 2")]
    [InlineData("a,a\n1,2\n", "duplicate column name 'a'")]
    [InlineData("", "the file is empty")]
    [InlineData("a,b\n", "only a header and no data rows")]
    [InlineData("a,b\n1,\"2\n3,4\n", "line 2")]
    public void Malformed_files_name_the_file_and_line(string text, string expected)
    {
        string path = Write(text);
        var ex = Assert.Throws<DataException>(() => CsvLoader.Read(path));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_files_and_missing_files_are_rejected()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-bin").FullName, "x.csv");
        File.WriteAllBytes(path, [0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2]);
        Assert.Contains("binary", Assert.Throws<DataException>(() => CsvLoader.Read(path)).Message, StringComparison.Ordinal);
        Assert.Contains("file not found", Assert.Throws<DataException>(() => CsvLoader.Read(path + ".nope")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overlong_line_is_an_error_not_an_out_of_memory()
    {
        var reader = new StringReader("a,b\n" + new string('7', CsvLoader.MaxLineLength + 10) + ",1\n");
        var ex = Assert.Throws<DataException>(() => CsvLoader.Read(reader, "big.csv"));
        Assert.Contains("line 2 is longer than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_bytes_never_crash_or_hang_the_loader()
    {
        Prop.ForAll(Gen.ArrayOf(Gen.Elements<char>("ab,;\"\n\r 01.9-eE\t\u00e9x")).ToArbitrary(), chars =>
        {
            try
            {
                RawTable t = CsvLoader.Read(new StringReader(new string(chars)), "fuzz.csv");
                return t.Rows.Count > 0 && t.Rows.All(r => r.Length == t.Columns.Count);
            }
            catch (DataException)
            {
                return true;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }
}
