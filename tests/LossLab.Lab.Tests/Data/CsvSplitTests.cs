using System.Globalization;
using System.Text;
using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

/// <summary>The two-thread read of a regular file gives exactly the one-thread read: values, text, lines, and the first error.</summary>
public sealed class CsvSplitTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "losslab-split-" + Guid.NewGuid().ToString("N"));

    public CsvSplitTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string text, bool bom = false)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, text, new UTF8Encoding(bom));
        return path;
    }

    /// <summary>Every byte offset just after a newline with an even number of quotes before it (the cuts the split may take), but the end.</summary>
    private static List<(long Split, int Line)> Boundaries(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var cuts = new List<(long, int)>();
        int quotes = 0, newlines = 0;
        for (int i = 0; i < bytes.Length - 1; i++)
        {
            if (bytes[i] == '"')
            {
                quotes++;
            }
            else if (bytes[i] == '\n')
            {
                newlines++;
                if (quotes % 2 == 0)
                {
                    cuts.Add((i + 1, newlines + 1));
                }
            }
        }

        return cuts;
    }

    private static (RawTable? Table, string? Error) Outcome(Func<RawTable> read)
    {
        try
        {
            return (read(), null);
        }
        catch (DataException e)
        {
            return (null, e.Message);
        }
    }

    private static void AssertSame(RawTable expected, RawTable actual)
    {
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.Lines, actual.Lines);
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            CsvColumn e = expected.Column(c), a = actual.Column(c);
            Assert.Equal(e.Count, a.Count);
            Assert.Equal(e.IsNumericStorage, a.IsNumericStorage);
            Assert.Equal(e.AllPlain, a.AllPlain);
            for (int r = 0; r < e.Count; r++)
            {
                Assert.Equal(e.Text(r), a.Text(r));
                Assert.Equal(e.TryPlainNumber(r, out double ev), a.TryPlainNumber(r, out double av));
                Assert.Equal(BitConverter.DoubleToInt64Bits(ev), BitConverter.DoubleToInt64Bits(av));
            }

            Assert.Equal(e.MissingRows(), a.MissingRows());
        }
    }

    /// <summary>Reads the file cut at every possible row boundary and checks each against the one-thread read; returns how many cuts were tried.</summary>
    private static int AssertEveryCutSame(string path, int step = 1)
    {
        (RawTable? table, string? error) = Outcome(() => CsvLoader.ReadSerial(path, CancellationToken.None));
        List<(long Split, int Line)> cuts = Boundaries(path);
        int tried = 0;
        for (int i = 0; i < cuts.Count; i += step)
        {
            (long split, int line) = cuts[i];
            (RawTable? t, string? err) = Outcome(() => CsvSplit.Read(path, split, line, CancellationToken.None));
            Assert.Equal(error, err);
            if (table is not null)
            {
                AssertSame(table, t!);
            }

            tried++;
        }

        return tried;
    }

    [Fact]
    public void Numbers_with_bom_crlf_and_blank_lines_read_the_same_at_every_cut()
    {
        var text = new StringBuilder("x,y,label\r\n");
        for (int i = 0; i < 120; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i * 0.37 - 5:R},{Math.Sin(i):R},{(i % 3 == 0 ? "2.0" : "1.0")}\r\n");
            if (i % 17 == 0)
            {
                text.Append("\r\n");
            }
        }

        string path = Write(text.ToString(), bom: true);
        Assert.True(AssertEveryCutSame(path) > 100);
        RawTable whole = CsvLoader.ReadSerial(path, CancellationToken.None);
        Assert.Equal("x", whole.Columns[0]); // the byte-order mark is not part of the first name
        Assert.Equal("2.0", whole.Cell(0, 2));
    }

    [Fact]
    public void Quoted_fields_with_newlines_are_never_cut_and_keep_their_lines()
    {
        var text = new StringBuilder("id,note,v\n");
        for (int i = 0; i < 60; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},\"line one\nline \"\"two\"\", {i}\",{i * 0.5:R}\n");
        }

        string path = Write(text.ToString());
        Assert.True(AssertEveryCutSame(path) >= 60);
        RawTable whole = CsvLoader.ReadSerial(path, CancellationToken.None);
        Assert.Equal(4, whole.Lines[1]);
        Assert.Equal("line one\nline \"two\", 1", whole.Cell(1, 1));
    }

    [Fact]
    public void The_first_error_in_the_file_wins_whichever_part_it_is_in()
    {
        var rows = new List<string> { "a,b" };
        for (int i = 0; i < 80; i++)
        {
            rows.Add(string.Create(CultureInfo.InvariantCulture, $"{i},{i + 0.5}"));
        }

        string Error(Dictionary<int, string> bad)
        {
            string[] copy = [.. rows];
            foreach ((int at, string row) in bad)
            {
                copy[at] = row;
            }

            string path = Write(string.Join('\n', copy) + "\n");
            AssertEveryCutSame(path);
            return Assert.Throws<DataException>(() => CsvLoader.ReadSerial(path, CancellationToken.None)).Message;
        }

        // A ragged row early and one late: the early one is reported at every cut (the late one, alone, too).
        Assert.Contains("line 11 has 3 fields", Error(new() { [10] = "1,2,3", [70] = "4" }), StringComparison.Ordinal);
        Assert.Contains("line 71 has 1 fields", Error(new() { [70] = "4" }), StringComparison.Ordinal);

        // Quote errors, in either half.
        Assert.Contains("line 21: a quote inside an unquoted field", Error(new() { [20] = "1,2\"x", [60] = "\"a\"b,1" }), StringComparison.Ordinal);
        Assert.Contains("line 61: text after the closing quote", Error(new() { [60] = "\"a\"b,1" }), StringComparison.Ordinal);
    }

    [Fact]
    public void Words_and_missing_values_in_the_second_part_are_read_as_by_one_thread()
    {
        var text = new StringBuilder("x,kind,y\n");
        for (int i = 0; i < 4000; i++)
        {
            string kind = i < 1500 ? (i % 2).ToString(CultureInfo.InvariantCulture) : (i % 5 == 0 ? "NA" : "cat" + (i % 3).ToString(CultureInfo.InvariantCulture));
            string x = i % 701 == 0 ? "?" : (i * 1.25).ToString("R", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{x},{kind},{i % 7}\n");
        }

        string path = Write(text.ToString());
        Assert.True(AssertEveryCutSame(path, step: 97) > 10);
        RawTable whole = CsvLoader.ReadSerial(path, CancellationToken.None);
        Assert.False(whole.Column(1).IsNumericStorage); // switched to text after the first half
    }

    [Fact]
    public void Columns_longer_than_a_block_and_many_levels_append_exactly()
    {
        var text = new StringBuilder("x,y\n");
        for (int i = 0; i < CsvColumn.BlockRows + 4000; i++)
        {
            // y has 200 levels in the first part and 300 by the end (the written forms are dropped past 256, as one by one).
            string y = i < 40000 ? $"{i % 200}.0" : $"{i % 300}.0";
            text.Append(CultureInfo.InvariantCulture, $"{i * 1e-3:R},{y}\n");
        }

        string path = Write(text.ToString());
        Assert.True(CsvSplit.TryFind(path, out long split, out int line, minBytes: 0));
        AssertSame(CsvLoader.ReadSerial(path, CancellationToken.None), CsvSplit.Read(path, split, line, CancellationToken.None));
        List<(long Split, int Line)> cuts = Boundaries(path);
        foreach ((long at, int l) in new[] { cuts[100], cuts[39_998], cuts[40_500], cuts[^2] })
        {
            AssertSame(CsvLoader.ReadSerial(path, CancellationToken.None), CsvSplit.Read(path, at, l, CancellationToken.None));
        }
    }

    [Fact]
    public void The_cut_is_a_row_boundary_past_the_middle()
    {
        var text = new StringBuilder("a,b\n");
        for (int i = 0; i < 50; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},\"x\ny\nz\"\n");
        }

        string path = Write(text.ToString());
        Assert.True(CsvSplit.TryFind(path, out long split, out int line, minBytes: 0));
        Assert.Contains((split, line), Boundaries(path));
        Assert.True(split >= new FileInfo(path).Length / 2);
        Assert.False(CsvSplit.TryFind(path, out _, out _, minBytes: 1 << 30)); // small files stay on one thread

        // A lone carriage return before the middle would make the line count ambiguous: one thread.
        string cr = Write("a,b\r1,2\n" + string.Concat(Enumerable.Repeat("3,4\n", 100)));
        Assert.False(CsvSplit.TryFind(cr, out _, out _, minBytes: 0));
    }

    [Fact]
    public void Cancellation_stops_the_two_thread_read()
    {
        var text = new StringBuilder("a,b\n");
        for (int i = 0; i < 50_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{i}\n");
        }

        string path = Write(text.ToString());
        Assert.True(CsvSplit.TryFind(path, out long split, out int line, minBytes: 0));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => CsvSplit.Read(path, split, line, cancelled.Token));
    }
}
