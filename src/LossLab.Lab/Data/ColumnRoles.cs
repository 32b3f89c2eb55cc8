using System.Globalization;
using System.Text.RegularExpressions;

namespace LossLab.Lab.Data;

/// <summary>What a column of a CSV file is, beyond numbers or words.</summary>
public enum ColumnRole
{
    /// <summary>An ordinary feature (numbers, or words to one-hot encode).</summary>
    Feature,

    /// <summary>
    /// A row identifier: a unique value in every row — words (names, codes), or whole numbers that form a sequence
    /// (min … min + n − 1 in any order) or sit in a column named like an identifier (<c>id</c>, <c>*_id</c>, <c>index</c>,
    /// <c>row</c>). It carries no information a model can generalise from and is dropped.
    /// </summary>
    Identifier,

    /// <summary>Calendar dates or time stamps (ISO <c>2024-03-01</c>, <c>2024-03</c>, <c>2024-03-01T12:00</c>; also <c>2024/03/01</c>, <c>01.03.2024</c>, <c>03/01/2024</c>, <c>01/03/2024</c>): converted to decimal years.</summary>
    Date,

    /// <summary>Whole numbers between 1700 and 2100 in a column named like a year or period: kept as a numeric feature, and a time key.</summary>
    Year,
}

/// <summary>
/// Recognises column roles from the cells of a column, as a statistician does before modelling: identifiers are
/// dropped, dates become numbers (decimal years), and a date or year column that never decreases from the first row to
/// the last marks the data as ordered in time. Every rule looks at all the cells; nothing is sampled.
/// </summary>
public static partial class ColumnRoles
{
    /// <summary>Fewer rows than this are too few to call a column of unique values an identifier.</summary>
    public const int MinimumRows = 10;

    /// <summary>Recognises the role of a column.</summary>
    /// <param name="name">The header.</param>
    /// <param name="cells">The column's cells in row order (rows with missing values already dropped).</param>
    /// <param name="numeric">Whether the column holds numbers (else words).</param>
    /// <returns>The role.</returns>
    public static ColumnRole Recognise(string name, IReadOnlyList<string> cells, bool numeric)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0)
        {
            return ColumnRole.Feature;
        }

        if (!numeric)
        {
            if (DateFormat(cells) is not null)
            {
                return ColumnRole.Date;
            }

            return cells.Count >= MinimumRows && Unique(cells) ? ColumnRole.Identifier : ColumnRole.Feature;
        }

        double[] values = new double[cells.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.TryParse(cells[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                return ColumnRole.Feature; // bad cells are reported by the converter
            }
        }

        return RecogniseNumbers(name, values, () => Unique(cells));
    }

    /// <summary>
    /// The role of a column of numbers (see <see cref="Recognise"/>); a NaN among them (a cell that is not a number) makes
    /// it a plain feature. <paramref name="unique"/> tells whether the cells are all different as written; it is asked
    /// only for whole numbers that could be an identifier.
    /// </summary>
    internal static ColumnRole RecogniseNumbers(string name, double[] values, Func<bool> unique)
    {
        if (values.Length == 0)
        {
            return ColumnRole.Feature;
        }

        bool whole = true;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (!(v == Math.Floor(v) && Math.Abs(v) < 1e15))
            {
                whole = false; // NaN too
                break;
            }

            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (!whole)
        {
            return ColumnRole.Feature;
        }

        if (TimeName().IsMatch(name) && min >= 1700 && max <= 2100)
        {
            return ColumnRole.Year;
        }

        if (values.Length < MinimumRows || !unique())
        {
            return ColumnRole.Feature;
        }

        bool sequence = max - min == values.Length - 1;
        return sequence || IdentifierName().IsMatch(name) ? ColumnRole.Identifier : ColumnRole.Feature;
    }

    /// <summary>Whether the values never decrease from the first row to the last and are not all equal.</summary>
    public static bool NonDecreasing(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        for (int i = 1; i < values.Count; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }

        return values.Count > 1 && values[^1] > values[0];
    }

    /// <summary>The date formats recognised, ISO first; slashed day-first and month-first dates are told apart by their values.</summary>
    public static IReadOnlyList<string> DateFormats { get; } =
    [
        "yyyy-MM-dd", "yyyy-MM", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
        "yyyy/MM/dd", "yyyy/M/d", "dd.MM.yyyy", "d.M.yyyy", "MM/dd/yyyy", "M/d/yyyy", "dd/MM/yyyy", "d/M/yyyy",
    ];

    /// <summary>
    /// The one format of <see cref="DateFormats"/> that reads every cell as a date (the first that does), or null when
    /// the cells are not all dates.
    /// </summary>
    public static string? DateFormat(IReadOnlyList<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0 || !cells.All(c => LooseDate().IsMatch(c)))
        {
            return null;
        }

        return DateFormats.FirstOrDefault(format => cells.All(c => ToYears(c, format) is not null));
    }

    /// <summary>A date in <paramref name="format"/> as decimal years (see <see cref="ToYears(string)"/>), or null.</summary>
    public static double? ToYears(string cell, string format)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (!DateTime.TryParseExact(cell, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime t))
        {
            return null;
        }

        int days = DateTime.IsLeapYear(t.Year) ? 366 : 365;
        return t.Year + ((t.DayOfYear - 1 + t.TimeOfDay.TotalDays) / days);
    }

    /// <summary>
    /// An ISO date or time stamp as decimal years: year + (day of year − 1 + fraction of the day) / days in the year
    /// (<c>2024-07-01</c> → 2024.4945…; <c>2024-03</c> is the first of March). Null when the text is not a valid date.
    /// </summary>
    public static double? ToYears(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        return DateFormats.Take(IsoFormats).Select(format => ToYears(cell, format)).FirstOrDefault(years => years is not null);
    }

    /// <summary>The number of ISO formats at the start of <see cref="DateFormats"/>.</summary>
    private const int IsoFormats = 6;

    /// <summary>Whether a column's name says it holds class labels (class, type, species, cultivar, category, group, label, …).</summary>
    public static bool IsClassName(string name) => ClassName().IsMatch(name ?? string.Empty);

    private static bool Unique(IReadOnlyList<string> cells) => cells.Distinct(StringComparer.Ordinal).Count() == cells.Count;

    [GeneratedRegex(@"^\d{1,4}[-/.]\d{1,2}([-/.]\d{1,4}([T ]\d{2}:\d{2}(:\d{2})?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex LooseDate();

    [GeneratedRegex(@"(^|[^a-z])(class|classes|type|species|cultivar|variety|label|category|group|kind|breed|genus|cluster|diagnosis|outcome_class)([^a-z]|$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ClassName();

    [GeneratedRegex(@"(^|[^a-z])(year|yr|date|time|period|season)([^a-z]|$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TimeName();

    [GeneratedRegex(@"^(id|index|idx|row|rowid|row_id|row_number|record|key|unnamed: ?0)$|(^|[_ .-])id$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IdentifierName();
}
