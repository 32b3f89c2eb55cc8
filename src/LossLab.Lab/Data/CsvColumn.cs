using System.Globalization;

namespace LossLab.Lab.Data;

/// <summary>
/// One column of a CSV file as read, stored by column. A column starts numeric: every cell that is a plain number is kept
/// as a double only (8 bytes a cell, in blocks of <see cref="BlockRows"/> rows, so growing never copies what was read), and
/// the few cells whose text matters — words, missing markers, numbers that are not finite or beyond float32's range — are
/// kept as text beside it, by row. While the column has at most <see cref="MaxLevels"/> distinct numbers, the text each was
/// written with is kept too (the labels of a class column, e.g. <c>1.0</c>/<c>2.0</c>, come back as written). A column whose
/// cells turn out to be mostly words switches to text: every cell as a string, interned per column so that a categorical
/// column holds each level once; the cells read before the switch are rebuilt from the text kept for them (exact while the
/// column had at most <see cref="MaxLevels"/> distinct numbers, the shortest round-trip form of the double otherwise).
/// </summary>
internal sealed class CsvColumn
{
    /// <summary>Rows per storage block (2¹⁶).</summary>
    internal const int BlockShift = 16;

    /// <summary>Rows per storage block.</summary>
    internal const int BlockRows = 1 << BlockShift;

    /// <summary>The most distinct numbers whose written text is kept.</summary>
    internal const int MaxLevels = 256;

    /// <summary>The most distinct strings interned per text column (an identifier column of unique words is not pooled past it).</summary>
    private const int MaxPooled = 1 << 16;

    private static readonly HashSet<string> MissingMarkers = new(StringComparer.OrdinalIgnoreCase) { "", "na", "nan", "null", "none", "?" };

    private readonly List<double[]> _values = [];
    private Dictionary<int, string>? _others = [];
    private Dictionary<double, string>? _levels = [];
    private List<string[]>? _texts;
    private Dictionary<string, string>? _pool;

    /// <summary>The number of cells.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the column is stored as numbers (with the few other cells as text), not as text.</summary>
    public bool IsNumericStorage => _texts is null;

    /// <summary>Whether every cell is a plain finite number within float32's range (then <see cref="Block"/> holds them all).</summary>
    public bool AllPlain => _texts is null && _others!.Count == 0;

    /// <summary>The number of storage blocks.</summary>
    public int Blocks => _texts is null ? _values.Count : _texts.Count;

    /// <summary>The numbers of block <paramref name="block"/> (rows block·<see cref="BlockRows"/> on), for a column that is <see cref="AllPlain"/>.</summary>
    public ReadOnlySpan<double> Block(int block) => _values[block].AsSpan(0, Math.Min(BlockRows, Count - (block * BlockRows)));

    /// <summary>Whether a column that is <see cref="AllPlain"/> holds a number that is not whole (or beyond ±10¹⁵).</summary>
    public bool HasNonWhole()
    {
        for (int b = 0; b < _values.Count; b++)
        {
            foreach (double v in Block(b))
            {
                if (!(v == Math.Floor(v) && Math.Abs(v) < 1e15))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether <see cref="Append"/> gives exactly the state that adding <paramref name="rest"/>'s cells one by one would:
    /// this column is stored as numbers and every cell of <paramref name="rest"/> is a plain number (such cells never switch
    /// a column to text nor add other cells, so only the values and the written forms of the levels carry over).
    /// </summary>
    public bool CanAppend(CsvColumn rest) => _texts is null && rest.AllPlain;

    /// <summary>
    /// Appends the cells of a column read from the rows that follow this one's (see <see cref="CanAppend"/>); the levels
    /// keep the text first written (this column's, then <paramref name="rest"/>'s), and are dropped past <see cref="MaxLevels"/>
    /// distinct numbers, as when the cells are added one by one. <paramref name="rest"/>'s blocks are released as they are copied.
    /// </summary>
    public void Append(CsvColumn rest)
    {
        if (!CanAppend(rest))
        {
            throw new InvalidOperationException("only a column of plain numbers can be appended to a column stored as numbers");
        }

        if (_levels is not null)
        {
            if (rest._levels is null)
            {
                _levels = null;
            }
            else
            {
                foreach ((double value, string text) in rest._levels)
                {
                    if (!_levels.ContainsKey(value))
                    {
                        if (_levels.Count == MaxLevels)
                        {
                            _levels = null;
                            break;
                        }

                        _levels[value] = text;
                    }
                }
            }
        }

        for (int b = 0; b < rest._values.Count; b++)
        {
            ReadOnlySpan<double> from = rest.Block(b);
            while (from.Length > 0)
            {
                int block = Count >> BlockShift;
                if (block == _values.Count)
                {
                    _values.Add(new double[BlockRows]);
                }

                int at = Count & (BlockRows - 1);
                int n = Math.Min(from.Length, BlockRows - at);
                from[..n].CopyTo(_values[block].AsSpan(at));
                Count += n;
                from = from[n..];
            }

            rest._values[b] = [];
        }

        rest._values.Clear();
        rest.Count = 0;
    }

    /// <summary>Whether the text is a missing-value marker: empty, NA, NaN, null, None or ? (any case).</summary>
    public static bool IsMissingMarker(string cell) => MissingMarkers.Contains(cell);

    /// <summary>Whether the text of a cell parses as a number (invariant culture, <see cref="NumberStyles.Float"/>).</summary>
    public static bool ParsesAsNumber(string cell) => double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>
    /// Adds a cell already known to be a plain decimal number (parsed by the caller, exactly as <see cref="double.Parse(string)"/> would);
    /// <paramref name="text"/> is its trimmed text.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddNumber(double value, ReadOnlySpan<char> text)
    {
        if (_texts is not null)
        {
            AddText(text);
            return;
        }

        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
        {
            AddOther(value, text.ToString());
            return;
        }

        if (_levels is not null)
        {
            if (!_levels.TryGetValue(value, out string? known))
            {
                if (_levels.Count < MaxLevels)
                {
                    _levels[value] = text.ToString();
                }
                else
                {
                    _levels = null;
                }
            }
        }

        Store(value);
    }

    /// <summary>Adds a cell that is not a plain decimal number: it is parsed here (a missing marker first, then a number in any form .NET reads, else a word).</summary>
    public void AddCell(ReadOnlySpan<char> text)
    {
        if (_texts is not null)
        {
            AddText(text);
            return;
        }

        string cell = text.ToString();
        if (!MissingMarkers.Contains(cell) && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            AddNumber(value, text);
            return;
        }

        AddOther(double.NaN, cell);
        if (_others!.Count > 1024 && _others.Count * 2 > Count)
        {
            SwitchToText();
        }
    }

    private void AddOther(double value, string cell)
    {
        _others![Count] = Intern(cell);
        Store(value);
    }

    private void Store(double value)
    {
        int block = Count >> BlockShift;
        if (block == _values.Count)
        {
            _values.Add(new double[BlockRows]);
        }

        _values[block][Count & (BlockRows - 1)] = value;
        Count++;
    }

    private void AddText(ReadOnlySpan<char> text)
    {
        int block = Count >> BlockShift;
        if (block == _texts!.Count)
        {
            _texts.Add(new string[BlockRows]);
        }

        _texts[block][Count & (BlockRows - 1)] = Intern(text);
        Count++;
    }

    private string Intern(ReadOnlySpan<char> text)
    {
        _pool ??= new Dictionary<string, string>(StringComparer.Ordinal);
        Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(text, out string? known))
        {
            return known;
        }

        string cell = text.ToString();
        if (_pool.Count < MaxPooled)
        {
            _pool[cell] = cell;
        }

        return cell;
    }

    private void SwitchToText()
    {
        var texts = new List<string[]>();
        for (int r = 0; r < Count; r++)
        {
            int block = r >> BlockShift;
            if (block == texts.Count)
            {
                texts.Add(new string[BlockRows]);
            }

            texts[block][r & (BlockRows - 1)] = Text(r);
        }

        _texts = texts;
        _values.Clear();
        _others = null;
        _levels = null;
    }

    /// <summary>The cell's text: as written for words, markers, odd numbers and the numbers of a column with few distinct values; otherwise the double's shortest round-trip form.</summary>
    public string Text(int row)
    {
        if (_texts is not null)
        {
            return _texts[row >> BlockShift][row & (BlockRows - 1)];
        }

        if (_others!.TryGetValue(row, out string? other))
        {
            return other;
        }

        double value = _values[row >> BlockShift][row & (BlockRows - 1)];
        return _levels is not null && _levels.TryGetValue(value, out string? written) ? written : value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The rows whose cell is a missing-value marker, in order.</summary>
    public IEnumerable<int> MissingRows()
    {
        if (_texts is not null)
        {
            for (int r = 0; r < Count; r++)
            {
                if (MissingMarkers.Contains(Text(r)))
                {
                    yield return r;
                }
            }

            yield break;
        }

        foreach ((int row, string cell) in _others!)
        {
            if (MissingMarkers.Contains(cell))
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// The cell as a number when it is a plain finite number within float32's range (the fast, common case), else false
    /// (then <see cref="Text"/> has the cell as written).
    /// </summary>
    public bool TryPlainNumber(int row, out double value)
    {
        if (_texts is not null || _others!.ContainsKey(row))
        {
            value = 0;
            return false;
        }

        value = _values[row >> BlockShift][row & (BlockRows - 1)];
        return true;
    }

    /// <summary>Whether the cell parses as a number (as <see cref="CsvLoader.IsNumber"/> of its text).</summary>
    public bool IsNumber(int row) => TryPlainNumber(row, out _) || ParsesAsNumber(Text(row));

    /// <summary>The cell as a number in any form (NaN and infinities included), or null when it is not one.</summary>
    public double? Number(int row) => TryPlainNumber(row, out double v) ? v
        : double.TryParse(Text(row), NumberStyles.Float, CultureInfo.InvariantCulture, out v) ? v : null;
}
