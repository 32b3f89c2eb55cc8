using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace LossLab.Lab.Data;

/// <summary>
/// A CSV file as read, stored by column: numbers as doubles, text only for the cells and columns that are not numbers
/// (see <see cref="CsvLoader"/>), with the line each row started on.
/// </summary>
public sealed class RawTable
{
    private readonly CsvColumn[] _cells;

    internal RawTable(string source, string[] columns, CsvColumn[] cells, int[] lines)
    {
        Source = source;
        Columns = columns;
        _cells = cells;
        Lines = lines;
    }

    /// <summary>The file name (or <c>builtin:NAME</c>) for messages.</summary>
    public string Source { get; }

    /// <summary>The column names (from the header, or column1, column2, … when there is none).</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The 1-based line on which each data row starts.</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>The number of data rows.</summary>
    public int RowCount => Lines.Count;

    /// <summary>
    /// The cells of each data row as text, built on access (for inspection and tests; the converter reads the columns).
    /// Words and markers come back as written; numbers as written in a column with few distinct values, otherwise in the
    /// double's shortest round-trip form.
    /// </summary>
    public IReadOnlyList<string[]> Rows => new RowView(this);

    /// <summary>The text of one cell (see <see cref="Rows"/>).</summary>
    public string Cell(int row, int column) => _cells[column].Text(row);

    /// <summary>The stored column.</summary>
    internal CsvColumn Column(int column) => _cells[column];

    private sealed class RowView(RawTable table) : IReadOnlyList<string[]>
    {
        public int Count => table.RowCount;

        public string[] this[int index]
        {
            get
            {
                ArgumentOutOfRangeException.ThrowIfNegative(index);
                ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
                string[] row = new string[table._cells.Length];
                for (int c = 0; c < row.Length; c++)
                {
                    row[c] = table._cells[c].Text(index);
                }

                return row;
            }
        }

        public IEnumerator<string[]> GetEnumerator()
        {
            for (int r = 0; r < Count; r++)
            {
                yield return this[r];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>
/// Reads CSV through Sep straight into columns: quoted fields (a quote that is not part of a well-formed quoted field is an
/// error), a byte-order mark, CRLF, and ',' ';' tab or '|' separators (detected from the first row); a header is recognised
/// when the first row is not all numbers. Plain decimal cells are parsed to double as they are read (correctly rounded, as
/// <see cref="double.Parse(string, IFormatProvider)"/> does), so a numeric column costs 8 bytes a cell and no strings.
/// Every problem is a <see cref="DataException"/> naming the file, the line and the column.
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
        if (path != StandardInput && Environment.ProcessorCount >= 2 && CsvSplit.TryFind(path, out long split, out int secondLine, CsvSplit.MinBytes, cancellation))
        {
            return CsvSplit.Read(path, split, secondLine, cancellation);
        }

        return ReadSerial(path, cancellation);
    }

    /// <summary>Reads a file on the calling thread only (the parallel read falls back to it).</summary>
    internal static RawTable ReadSerial(string path, CancellationToken cancellation)
    {
        using TextReader reader = OpenText(path, out string source);
        return Read(reader, source, cancellation);
    }

    /// <summary>How many rows are read between two checks of the cancellation token.</summary>
    public const int CheckEvery = 4096;

    /// <summary>Reads CSV text.</summary>
    /// <exception cref="DataException">The text is empty or malformed.</exception>
    public static RawTable Read(TextReader reader, string source) => Read(reader, source, CancellationToken.None);

    /// <summary>Reads CSV text, checking <paramref name="cancellation"/> every <see cref="CheckEvery"/> rows.</summary>
    /// <exception cref="DataException">The text is empty or malformed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static RawTable Read(TextReader reader, string source, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string[]? columns = null;
        CsvColumn[] cells = [];
        var lines = new List<int>();
        foreach (CsvRows.Row row in new CsvRows(reader, source, cancellation))
        {
            if (columns is null)
            {
                string[] first = row.Strings();
                if (first.All(IsNumber))
                {
                    columns = Enumerable.Range(1, first.Length).Select(i => "column" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
                }
                else
                {
                    columns = CheckHeader(first, source, row.Line);
                    cells = NewColumns(columns.Length);
                    continue;
                }

                cells = NewColumns(columns.Length);
            }

            CheckWidth(row, columns.Length, source);
            row.AddTo(cells);
            lines.Add(row.Line);
        }

        if (columns is null)
        {
            throw new DataException($"{source}: the file is empty; give a CSV with a header and at least two rows");
        }

        if (lines.Count == 0)
        {
            throw new DataException($"{source}: only a header and no data rows; give at least two rows");
        }

        return new RawTable(source, columns, cells, [.. lines]);
    }

    /// <summary>Whether a cell parses as a finite or NaN number (invariant culture).</summary>
    public static bool IsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    internal static CsvColumn[] NewColumns(int count)
    {
        var cells = new CsvColumn[count];
        for (int i = 0; i < count; i++)
        {
            cells[i] = new CsvColumn();
        }

        return cells;
    }

    internal static void CheckWidth(CsvRows.Row row, int width, string source)
    {
        if (row.Count != width)
        {
            throw new DataException($"{source}: line {row.Line} has {row.Count} fields, but the header has {width}; every row needs one value per column");
        }
    }

    internal static string[] CheckHeader(string[] record, string source, int line)
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

    /// <summary>Opens a file (or standard input, or a pipe) as text for reading once, after the checks of <see cref="Read(string, CancellationToken)"/>.</summary>
    /// <exception cref="DataException">The file is missing, a folder, unreadable or binary.</exception>
    internal static TextReader OpenText(string path, out string source) => OpenText(path, out source, out _);

    /// <summary>As <see cref="OpenText(string, out string)"/>; <paramref name="seekable"/> tells whether it is a regular file that can be read again.</summary>
    internal static TextReader OpenText(string path, out string source, out bool seekable) => OpenText(path, out source, out seekable, -1);

    /// <summary>As <see cref="OpenText(string, out string, out bool)"/>, reading only the first <paramref name="limit"/> bytes of a regular file when it is not negative.</summary>
    internal static TextReader OpenText(string path, out string source, out bool seekable, long limit)
    {
        ArgumentNullException.ThrowIfNull(path);
        seekable = false;
        if (path == StandardInput)
        {
            source = "stdin";
            return new StreamReader(RejectBinary(Console.OpenStandardInput(), source, ownsStream: true), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        }

        source = path;
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

        seekable = stream.CanSeek;
        try
        {
            Stream read = limit >= 0 ? new PrefixStream(stream, limit) : stream;
            return new StreamReader(RejectBinary(read, path, ownsStream: true), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fails on NUL bytes in the first 8 KiB (a binary file); otherwise returns a stream that replays those bytes and
    /// then the rest, so nothing is read twice and no seeking is needed.
    /// </summary>
    private static ReplayStream RejectBinary(Stream stream, string path, bool ownsStream = false)
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

        return new ReplayStream(head, read, stream, ownsStream);
    }
}

/// <summary>
/// The rows of CSV text through Sep, one at a time: empty lines skipped, cells trimmed of white space, quoted fields
/// checked and unquoted, the line each row starts on, and the cancellation token checked every
/// <see cref="CsvLoader.CheckEvery"/> rows. Shared by the in-memory loader and the chunked (streaming) reader.
/// </summary>
internal sealed class CsvRows : IDisposable
{
    private readonly LineLengthGuard _guard;
    private readonly SepReader _sep;
    private readonly string _source;
    private readonly CancellationToken _cancellation;
    private int _read;
    private bool _first = true;

    private readonly int _lineOffset;

    public CsvRows(TextReader reader, string source, CancellationToken cancellation)
        : this(reader, source, null, 1, cancellation)
    {
    }

    /// <summary>
    /// Rows of text that starts on line <paramref name="firstLine"/> of the file (a part of it after a row boundary), with the
    /// separator already known when <paramref name="separator"/> is given (otherwise detected from the first row).
    /// </summary>
    public CsvRows(TextReader reader, string source, char? separator, int firstLine, CancellationToken cancellation)
    {
        _source = source;
        _cancellation = cancellation;
        _lineOffset = firstLine - 1;
        _guard = new LineLengthGuard(reader, source, CsvLoader.MaxLineLength, firstLine);
        try
        {
            _sep = Sep.Reader(o => o with
            {
                Sep = separator is char c ? new Sep(c) : null,
                HasHeader = false,
                DisableColCountCheck = true,
                Unescape = false,
                Trim = SepTrim.None,
                CultureInfo = CultureInfo.InvariantCulture,
            }).From(_guard);
        }
        catch (NotSupportedException ex)
        {
            throw new DataException($"{source}: line 1: {ex.Message}", ex);
        }
    }

    public CsvRows GetEnumerator() => this;

    /// <summary>The separator in use (detected from the first row unless given).</summary>
    public char Separator => _sep.Spec.Sep.Separator;

    /// <summary>The current row (valid until the next <see cref="MoveNext"/>).</summary>
    public Row Current => new(_sep.Current, this);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public bool MoveNext()
    {
        while (true)
        {
            bool more;
            try
            {
                more = _sep.MoveNext();
            }
            catch (NotSupportedException ex)
            {
                // The reader refuses a row past its buffer limit (about the line limit): a long physical line, or a quoted
                // field that is never closed and runs on over many lines.
                throw new DataException(
                    _guard.CurrentLength >= 1 << 20
                        ? $"{_source}: line {_guard.CurrentLine} is longer than {CsvLoader.MaxLineLength:N0} characters; this does not look like a CSV file"
                        : $"{_source}: a row running up to line {_guard.CurrentLine} is too long to read; a quoted field is probably not closed (quote fields that contain the separator or quotes, and double inner quotes)",
                    ex);
            }

            if (!more)
            {
                return false;
            }

            if (++_read % CsvLoader.CheckEvery == 0)
            {
                _cancellation.ThrowIfCancellationRequested();
            }

            SepReader.Row row = _sep.Current;
            if (row.ColCount == 1 && row.Span.IsWhiteSpace())
            {
                continue; // an empty line
            }

            return true;
        }
    }

    public void Dispose()
    {
        _sep.Dispose();
        _guard.Dispose();
    }

    /// <summary>One row: its cells as strings, or added to columns (plain decimal numbers parsed without a string).</summary>
    internal readonly ref struct Row(SepReader.Row row, CsvRows owner)
    {
        private readonly SepReader.Row _row = row;

        public int Count => _row.ColCount;

        /// <summary>
        /// The line the row starts on. Sep numbers the first row of its text with the line after it; a part of a file (which
        /// starts at a row boundary) gives its first row the line it starts on, as the row has when the whole file is read.
        /// </summary>
        public int Line => owner._lineOffset > 0 && owner._read == 1 ? owner._lineOffset + 1 : _row.LineNumberFrom + owner._lineOffset;

        /// <summary>The cells as strings (the header, or the first row).</summary>
        public string[] Strings()
        {
            string[] cells = new string[_row.ColCount];
            for (int i = 0; i < cells.Length; i++)
            {
                ReadOnlySpan<char> raw = _row[i].Span;
                if (i == 0 && owner._first && raw.Length > 0 && raw[0] == '\uFEFF')
                {
                    raw = raw[1..];
                }

                cells[i] = owner.Cell(raw, Line).ToString();
            }

            owner._first = false;
            return cells;
        }

        /// <summary>Adds each cell to its column.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void AddTo(CsvColumn[] columns)
        {
            for (int i = 0; i < columns.Length; i++)
            {
                SepReader.Col col = _row[i];
                ReadOnlySpan<char> raw = col.Span;
                if (IsPlainDecimal(raw) && col.TryParse<double>() is double value)
                {
                    columns[i].AddNumber(value, raw);
                }
                else
                {
                    columns[i].AddCell(owner.Cell(raw, Line));
                }
            }

            owner._first = false;
        }

        /// <summary>Cell <paramref name="i"/>: true with its value when it is a plain decimal number, else false with its text (trimmed, unquoted).</summary>
        public bool TryPlainNumber(int i, out double value, out string? text)
        {
            SepReader.Col col = _row[i];
            ReadOnlySpan<char> raw = col.Span;
            if (IsPlainDecimal(raw) && col.TryParse<double>() is double v)
            {
                value = v;
                text = null;
                return true;
            }

            value = 0;
            text = owner.Cell(raw, Line).ToString();
            return false;
        }

        /// <summary>
        /// Whether the text is a plain decimal number, [+-]digits[.digits][(e|E)[+-]digits] with at least one mantissa digit:
        /// the syntax on which the fast parser and <see cref="double.Parse(string, IFormatProvider)"/> agree (anything else,
        /// e.g. a decimal comma, which the fast parser would read as a point, goes through the checks of the slow path).
        /// </summary>
        internal static bool IsPlainDecimal(ReadOnlySpan<char> s)
        {
            int i = 0;
            if (i < s.Length && s[i] is '-' or '+')
            {
                i++;
            }

            int digits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits++;
            }

            if (i < s.Length && s[i] == '.')
            {
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                    digits++;
                }
            }

            if (digits == 0)
            {
                return false;
            }

            if (i < s.Length && s[i] is 'e' or 'E')
            {
                i++;
                if (i < s.Length && s[i] is '-' or '+')
                {
                    i++;
                }

                int exponent = 0;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                    exponent++;
                }

                if (exponent == 0)
                {
                    return false;
                }
            }

            return i == s.Length;
        }
    }

    /// <summary>A field trimmed of white space and, when quoted, unquoted (inner doubled quotes made single); a stray quote is an error.</summary>
    private ReadOnlySpan<char> Cell(ReadOnlySpan<char> raw, int line)
    {
        ReadOnlySpan<char> cell = raw.Trim();
        int quote = cell.IndexOf('"');
        if (quote < 0)
        {
            return cell;
        }

        string? reason = null;
        if (quote > 0)
        {
            reason = "a quote inside an unquoted field";
        }
        else if (cell.Length < 2 || cell[^1] != '"' || QuoteCount(cell) % 2 != 0)
        {
            reason = cell.Length > 1 && QuoteCount(cell) % 2 == 0 ? "text after the closing quote of a quoted field" : "a quoted field is not closed";
        }
        else
        {
            ReadOnlySpan<char> inner = cell[1..^1];
            var text = new StringBuilder(inner.Length);
            for (int i = 0; i < inner.Length; i++)
            {
                if (inner[i] == '"')
                {
                    if (i + 1 >= inner.Length || inner[i + 1] != '"')
                    {
                        reason = "text after the closing quote of a quoted field";
                        break;
                    }

                    i++;
                }

                text.Append(inner[i]);
            }

            if (reason is null)
            {
                return text.ToString();
            }
        }

        throw new DataException($"{_source}: line {line}: {reason}; quote fields that contain the separator or quotes, and double inner quotes");
    }

    private static int QuoteCount(ReadOnlySpan<char> cell) => cell.Count('"');
}

/// <summary>Passes text through, failing once a physical line exceeds the limit (so a 2 GB line is an error, not an out-of-memory).</summary>
internal sealed class LineLengthGuard(TextReader inner, string source, int limit, long firstLine = 1) : TextReader
{
    private long _line = firstLine;
    private long _length;

    /// <summary>The physical line being read (1-based).</summary>
    public long CurrentLine => _line;

    /// <summary>The characters of <see cref="CurrentLine"/> read so far.</summary>
    public long CurrentLength => _length;

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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<char> buffer)
    {
        int n = inner.Read(buffer);
        ReadOnlySpan<char> rest = buffer[..n];
        while (true)
        {
            int newline = rest.IndexOf('\n');
            int length = newline < 0 ? rest.Length : newline;
            if (_length + length > limit)
            {
                throw new DataException($"{source}: line {_line} is longer than {limit:N0} characters; this does not look like a CSV file");
            }

            if (newline < 0)
            {
                _length += length;
                return n;
            }

            _line++;
            _length = 0;
            rest = rest[(newline + 1)..];
        }
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
internal sealed class ReplayStream(byte[] head, int count, Stream rest, bool ownsRest = false) : Stream
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
        // The caller owns the stream read after the replayed bytes, unless it handed it over.
        if (disposing && ownsRest)
        {
            rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
