using System.Text;

namespace LossLab.Lab.Data;

/// <summary>
/// Reads a large regular CSV file on two threads, with the result of the one-thread read: the file is cut at a row boundary
/// near its middle, the calling thread reads the first part (header included) and a worker the second, into columns of
/// their own that are then appended in file order. A newline is a row boundary when an even number of quotes comes before
/// it (a row ends only at a newline outside quotes, and a quoted field holds an even number of quotes), so a quoted
/// field that contains newlines is never cut. An error in the first part wins over one in the second (the first by file
/// position); when a column of the second part holds anything but plain numbers (words, missing markers), its rows are
/// read again after the first part's, one by one, so the column is built exactly as by the one-thread read.
/// Standard input, pipes and small files are read on one thread.
/// </summary>
internal static class CsvSplit
{
    /// <summary>Files smaller than this are read on one thread.</summary>
    internal const long MinBytes = 8L << 20;

    private const int ScanBuffer = 1 << 20;

    /// <summary>
    /// Finds where to cut a regular file of at least <paramref name="minBytes"/> bytes: the byte after the first newline at
    /// or past the middle with an even number of quotes before it; <paramref name="secondLine"/> is the 1-based line that
    /// starts there (<paramref name="cancellation"/> is checked every mebibyte). False for standard input, a pipe, a small file, a file starting with a UTF-16/32 byte-order mark, a
    /// first part with a carriage return that is not followed by a newline (the line count would be ambiguous), or no such
    /// newline; then the file is read on one thread.
    /// </summary>
    public static bool TryFind(string path, out long split, out int secondLine, long minBytes = MinBytes, CancellationToken cancellation = default)
    {
        split = -1;
        secondLine = 0;
        try
        {
            // A pipe, a FIFO or a device has no size: it is not opened here (opening a FIFO waits for its writer).
            if (new FileInfo(path).Length < minBytes)
            {
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false; // the one-thread read gives the message
        }

        using (stream)
        {
            if (!stream.CanSeek || stream.Length < minBytes || stream.Length > int.MaxValue * 4L)
            {
                return false;
            }

            long middle = stream.Length / 2;
            byte[] buffer = new byte[ScanBuffer];
            long position = 0, newlines = 0, quotes = 0, returns = 0, pairs = 0;
            bool lastWasReturn = false, atStart = true;
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellation.ThrowIfCancellationRequested();
                ReadOnlySpan<byte> chunk = buffer.AsSpan(0, n);
                if (atStart)
                {
                    atStart = false;
                    if (chunk.Length >= 2 && ((chunk[0] == 0xFF && chunk[1] == 0xFE) || (chunk[0] == 0xFE && chunk[1] == 0xFF)))
                    {
                        return false;
                    }
                }

                if (position + n > middle)
                {
                    // Count up to the middle, then walk on to the first newline with an even number of quotes before it.
                    int from = (int)Math.Max(0, middle - position);
                    Count(chunk[..from], ref newlines, ref quotes, ref returns, ref pairs, ref lastWasReturn);
                    for (int i = from; i < n; i++)
                    {
                        byte b = chunk[i];
                        if (b == (byte)'\n')
                        {
                            if (lastWasReturn)
                            {
                                pairs++;
                            }

                            newlines++;
                            if (quotes % 2 == 0)
                            {
                                if (returns != pairs || newlines >= int.MaxValue)
                                {
                                    return false;
                                }

                                split = position + i + 1;
                                secondLine = (int)newlines + 1;
                                return split < stream.Length;
                            }
                        }
                        else if (b == (byte)'"')
                        {
                            quotes++;
                        }
                        else if (b == (byte)'\r')
                        {
                            returns++;
                        }

                        lastWasReturn = b == (byte)'\r';
                    }
                }
                else
                {
                    Count(chunk, ref newlines, ref quotes, ref returns, ref pairs, ref lastWasReturn);
                }

                position += n;
            }

            return false;
        }
    }

    private static void Count(ReadOnlySpan<byte> chunk, ref long newlines, ref long quotes, ref long returns, ref long pairs, ref bool lastWasReturn)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        newlines += chunk.Count((byte)'\n');
        quotes += chunk.Count((byte)'"');
        int r = chunk.Count((byte)'\r');
        if (r > 0 || lastWasReturn)
        {
            returns += r;
            pairs += chunk.Count("\r\n"u8) + (lastWasReturn && chunk[0] == (byte)'\n' ? 1 : 0);
        }

        lastWasReturn = chunk[^1] == (byte)'\r';
    }

    /// <summary>Reads the file cut at <paramref name="split"/> (see <see cref="TryFind"/>), the part after it on a worker thread.</summary>
    public static RawTable Read(string path, long split, int secondLine, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        Task<Part>? second = null;
        try
        {
            string source;
            string[] columns;
            CsvColumn[] cells;
            var lines = new List<int>();
            char separator;
            using (TextReader reader = CsvLoader.OpenText(path, out source, out _, split))
            using (var rows = new CsvRows(reader, source, cancellation))
            {
                if (!rows.MoveNext())
                {
                    return CsvLoader.ReadSerial(path, cancellation); // no row in the first half: let the one-thread read find the header
                }

                CsvRows.Row first = rows.Current;
                string[] firstCells = first.Strings();
                bool firstIsData = firstCells.All(CsvLoader.IsNumber);
                columns = firstIsData
                    ? Enumerable.Range(1, firstCells.Length).Select(i => "column" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()
                    : CsvLoader.CheckHeader(firstCells, source, first.Line);
                cells = CsvLoader.NewColumns(columns.Length);
                separator = rows.Separator;
                int width = columns.Length;
                string name = source;
                second = Task.Run(() => ReadPart(path, split, secondLine, separator, width, name, stop.Token), CancellationToken.None);
                if (firstIsData)
                {
                    CsvLoader.CheckWidth(first, width, source);
                    first.AddTo(cells);
                    lines.Add(first.Line);
                }

                while (rows.MoveNext())
                {
                    CsvRows.Row row = rows.Current;
                    CsvLoader.CheckWidth(row, width, source);
                    row.AddTo(cells);
                    lines.Add(row.Line);
                }
            }

            Part rest = second.GetAwaiter().GetResult(); // the first part had no error: the second part's error (if any) is the first in the file
            bool append = rest.Complete;
            for (int c = 0; append && c < cells.Length; c++)
            {
                append = cells[c].CanAppend(rest.Cells[c]);
            }

            if (append)
            {
                for (int c = 0; c < cells.Length; c++)
                {
                    cells[c].Append(rest.Cells[c]);
                }

                lines.AddRange(rest.Lines);
            }
            else
            {
                using TextReader reader = OpenFrom(path, split);
                using var rows = new CsvRows(reader, source, separator, secondLine, cancellation);
                foreach (CsvRows.Row row in rows)
                {
                    CsvLoader.CheckWidth(row, columns.Length, source);
                    row.AddTo(cells);
                    lines.Add(row.Line);
                }
            }

            if (lines.Count == 0)
            {
                throw new DataException($"{source}: only a header and no data rows; give at least two rows");
            }

            return new RawTable(source, columns, cells, [.. lines]);
        }
        finally
        {
            if (second is not null && !second.IsCompleted)
            {
                stop.Cancel();
                try
                {
                    second.Wait(CancellationToken.None);
                }
                catch (AggregateException)
                {
                    // The first part's outcome (an error or a cancellation) is the one reported.
                }
            }
        }
    }

    /// <summary>The columns and lines of the second part; not <see cref="Complete"/> when it stopped at a cell that is not a plain number.</summary>
    private readonly record struct Part(CsvColumn[] Cells, List<int> Lines, bool Complete);

    private static Part ReadPart(string path, long split, int firstLine, char separator, int width, string source, CancellationToken cancellation)
    {
        CsvColumn[] cells = CsvLoader.NewColumns(width);
        var lines = new List<int>();
        using TextReader reader = OpenFrom(path, split);
        using var rows = new CsvRows(reader, source, separator, firstLine, cancellation);
        foreach (CsvRows.Row row in rows)
        {
            CsvLoader.CheckWidth(row, width, source);
            row.AddTo(cells);
            lines.Add(row.Line);
            if (lines.Count % CsvLoader.CheckEvery == 0 && !AllPlain(cells))
            {
                return new Part(cells, lines, Complete: false);
            }
        }

        return new Part(cells, lines, AllPlain(cells));
    }

    private static bool AllPlain(CsvColumn[] cells)
    {
        foreach (CsvColumn column in cells)
        {
            if (!column.AllPlain)
            {
                return false;
            }
        }

        return true;
    }

    private static StreamReader OpenFrom(string path, long offset)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            stream.Seek(offset, SeekOrigin.Begin);
            return new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }
}

/// <summary>Reads the first bytes of a stream only (read-only, forward only); disposing it disposes the stream.</summary>
internal sealed class PrefixStream(Stream inner, long length) : Stream
{
    private long _left = length;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0)
        {
            return 0;
        }

        int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _left -= n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
