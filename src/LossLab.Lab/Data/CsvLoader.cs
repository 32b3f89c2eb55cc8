using System.Globalization;
using System.Text;
using CsvHelper;

namespace LossLab.Lab.Data;

/// <summary>A CSV file as read: column names and raw cells, with the line each row started on.</summary>
/// <param name="Source">The file name (or <c>builtin:NAME</c>) for messages.</param>
/// <param name="Columns">The column names (from the header, or column1, column2, … when there is none).</param>
/// <param name="Rows">The cells of each data row.</param>
/// <param name="Lines">The 1-based line on which each data row starts.</param>
public sealed record RawTable(string Source, IReadOnlyList<string> Columns, IReadOnlyList<string[]> Rows, IReadOnlyList<int> Lines);

/// <summary>
/// Reads CSV through CsvHelper: quoted fields, a byte-order mark, CRLF, and ',' ';' tab or '|' separators (detected);
/// a header is recognised when the first row is not all numbers. Every problem is a <see cref="DataException"/>
/// naming the file, the line and the column.
/// </summary>
public static class CsvLoader
{
    /// <summary>The longest physical line accepted (characters); a longer one is an error rather than an out-of-memory.</summary>
    public const int MaxLineLength = 1 << 24;

    /// <summary>The name that reads standard input (<c>--data -</c>).</summary>
    public const string StandardInput = "-";

    /// <summary>
    /// Reads a CSV file in one pass, so a pipe or a process substitution (<c>&lt;(…)</c>) works as well as a file;
    /// <see cref="StandardInput"/> reads standard input. Cancellation is checked every <see cref="CheckEvery"/> rows.
    /// </summary>
    /// <exception cref="DataException">The file is missing, a folder, empty, binary, or malformed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static RawTable Read(string path, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == StandardInput)
        {
            using Stream input = Console.OpenStandardInput();
            return Read(input, "stdin", cancellation);
        }

        if (Directory.Exists(path))
        {
            throw new DataException($"{path}: is a directory; give a CSV file");
        }

        if (!File.Exists(path))
        {
            throw new DataException($"{path}: file not found");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace($" : '{Path.GetFullPath(path)}'", string.Empty, StringComparison.Ordinal).TrimEnd('.');
            throw new DataException($"{path}: cannot be read ({reason}); give a readable CSV file");
        }

        using (stream)
        {
            return Read(stream, path, cancellation);
        }
    }

    /// <summary>How many rows are read between two checks of the cancellation token.</summary>
    public const int CheckEvery = 4096;

    private static RawTable Read(Stream stream, string source, CancellationToken cancellation)
    {
        using ReplayStream text = RejectBinary(stream, source);
        using var reader = new StreamReader(text, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, source, cancellation);
    }

    /// <summary>Reads CSV text.</summary>
    /// <exception cref="DataException">The text is empty or malformed.</exception>
    public static RawTable Read(TextReader reader, string source) => Read(reader, source, CancellationToken.None);

    /// <summary>Reads CSV text, checking <paramref name="cancellation"/> every <see cref="CheckEvery"/> rows.</summary>
    /// <exception cref="DataException">The text is empty or malformed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static RawTable Read(TextReader reader, string source, CancellationToken cancellation)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = false,
            TrimWhitespace = true,
            SkipEmptyLines = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            TrackLineNumbers = true,
        };

        var rows = new List<string[]>();
        var lines = new List<int>();
        string[]? columns = null;
        using var guarded = new LineLengthGuard(reader, source, MaxLineLength);
        try
        {
            using CsvReader csv = CsvReader.Create(guarded, options, true);
            int read = 0;
            while (csv.Read())
            {
                if (++read % CheckEvery == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }

                string[] record = new string[csv.FieldCount];
                for (int i = 0; i < record.Length; i++)
                {
                    record[i] = csv.GetString(i);
                }

                int line = (int)csv.LineNumber;
                if (columns is null)
                {
                    if (record.All(IsNumber))
                    {
                        columns = Enumerable.Range(1, record.Length).Select(i => "column" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                    }
                    else
                    {
                        columns = CheckHeader(record, source, line);
                        continue;
                    }
                }

                if (record.Length != columns.Length)
                {
                    throw new DataException(
                        $"{source}: line {line} has {record.Length} fields, but the header has {columns.Length}; every row needs one value per column");
                }

                rows.Add(record);
                lines.Add(line);
            }
        }
        catch (CsvFormatException ex)
        {
            throw new DataException($"{source}: line {ex.LineNumber}: {Describe(ex.Message)}; quote fields that contain the separator or quotes, and double inner quotes", ex);
        }

        if (columns is null)
        {
            throw new DataException($"{source}: the file is empty; give a CSV with a header and at least two rows");
        }

        if (rows.Count == 0)
        {
            throw new DataException($"{source}: only a header and no data rows; give at least two rows");
        }

        return new RawTable(source, columns, rows, lines);
    }

    /// <summary>Whether a cell parses as a finite or NaN number (invariant culture).</summary>
    public static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private static string[] CheckHeader(string[] record, string source, int line)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < record.Length; i++)
        {
            string name = record[i];
            if (name.Length == 0)
            {
                throw new DataException($"{source}: line {line}, column {i + 1}: empty column name in the header; name every column");
            }

            if (seen.TryGetValue(name, out int first))
            {
                throw new DataException($"{source}: line {line}, column {i + 1}: duplicate column name '{name}' (also column {first + 1}); column names must be unique");
            }

            seen[name] = i;
        }

        return record;
    }

    /// <summary>
    /// Fails on NUL bytes in the first 8 KiB (a binary file); otherwise returns a stream that replays those bytes and
    /// then the rest, so nothing is read twice and no seeking is needed.
    /// </summary>
    private static ReplayStream RejectBinary(Stream stream, string path)
    {
        byte[] head = new byte[8192];
        int read = 0, n;
        while (read < head.Length && (n = stream.Read(head, read, head.Length - read)) > 0)
        {
            read += n;
        }

        if (Array.IndexOf(head, (byte)0, 0, read) >= 0)
        {
            throw new DataException($"{path}: looks like a binary file (it contains NUL bytes), not CSV text");
        }

        return new ReplayStream(head, read, stream);
    }

    /// <summary>The reason from CsvHelper's message, without its own line and offset.</summary>
    private static string Describe(string message)
    {
        int colon = message.IndexOf("): ", StringComparison.Ordinal);
        string reason = colon >= 0 ? message[(colon + 3)..] : message;
        int offset = reason.IndexOf(" (byte offset", StringComparison.Ordinal);
        return offset >= 0 ? reason[..offset] : reason;
    }
}

/// <summary>Passes text through, failing once a physical line exceeds the limit (so a 2 GB line is an error, not an out-of-memory).</summary>
internal sealed class LineLengthGuard(TextReader inner, string source, int limit) : TextReader
{
    private long _line = 1;
    private long _length;

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        int c = inner.Read();
        if (c >= 0)
        {
            Count(c);
        }

        return c;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        int n = inner.Read(buffer);
        foreach (char c in buffer[..n])
        {
            Count(c);
        }

        return n;
    }

    private void Count(int c)
    {
        if (c == '\n')
        {
            _line++;
            _length = 0;
        }
        else if (++_length > limit)
        {
            throw new DataException($"{source}: line {_line} is longer than {limit:N0} characters; this does not look like a CSV file");
        }
    }

    protected override void Dispose(bool disposing)
    {
        // The caller owns the inner reader.
        base.Dispose(disposing);
    }
}

/// <summary>Reads the bytes already taken from a stream, then the rest of it (read-only, forward only).</summary>
internal sealed class ReplayStream(byte[] head, int count, Stream rest) : Stream
{
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_offset < count)
        {
            int n = Math.Min(buffer.Length, count - _offset);
            head.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        return rest.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The caller owns the stream read after the replayed bytes.
        base.Dispose(disposing);
    }
}
