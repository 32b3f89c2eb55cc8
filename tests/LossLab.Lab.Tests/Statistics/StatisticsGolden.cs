using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Statistics;

/// <summary>A golden file of tools/generate_statistics_goldens.py and small helpers to read and compare its numbers.</summary>
internal sealed class StatisticsGolden
{
    private StatisticsGolden(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Statistics", "Goldens", file)));
        Cases = document.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    }

    public IReadOnlyList<JsonElement> Cases { get; }

    public static StatisticsGolden Load(string file) => new(file);

    public IEnumerable<JsonElement> OfKind(string kind) => Cases.Where(c => c.GetProperty("kind").GetString() == kind);

    public JsonElement this[string id] => Cases.Single(c => c.GetProperty("id").GetString() == id);

    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture)
        : e.GetDouble();

    public static double Number(JsonElement c, string name) => Number(c.GetProperty(name));

    public static double[] Numbers(JsonElement c, string name) => c.GetProperty(name).EnumerateArray().Select(Number).ToArray();

    /// <summary>|a − b|/|b|, or |a − b| when b = 0.</summary>
    public static double RelativeError(double actual, double expected)
        => actual == expected ? 0 : expected == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / Math.Abs(expected);
}

/// <summary>Tracks the worst relative error over many comparisons.</summary>
internal sealed class WorstError(string what)
{
    public double Max { get; private set; }

    public string Where { get; private set; } = "";

    public void Add(double actual, double expected, string where)
    {
        double e = StatisticsGolden.RelativeError(actual, expected);
        if (double.IsNaN(e) || e > Max)
        {
            Max = double.IsNaN(e) ? double.PositiveInfinity : e;
            Where = string.Create(CultureInfo.InvariantCulture, $"{where}: {actual:R} vs {expected:R}");
        }
    }

    public void AssertBelow(double tolerance, ITestOutputHelper output)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}: max relative error {Max:E2} at {Where}"));
        Assert.True(Max <= tolerance, string.Create(CultureInfo.InvariantCulture, $"{what}: max relative error {Max:E3} > {tolerance:E1} at {Where}"));
    }
}
