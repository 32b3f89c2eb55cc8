using System.Text.Json;

namespace LossLab.Tests.Support;

/// <summary>A golden file from <c>tools/</c>: its cases by id, and the ids as xunit member data.</summary>
internal sealed class Golden
{
    private readonly Dictionary<string, JsonElement> _cases;

    private Golden(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Goldens", file)));
        Root = document.RootElement.Clone();
        _cases = Root.GetProperty("cases").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!, c => c);
    }

    public JsonElement Root { get; }

    public IEnumerable<JsonElement> Cases => _cases.Values;

    public JsonElement this[string id] => _cases[id];

    public static Golden Load(string file) => new(file);

    public TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (string id in _cases.Keys)
        {
            data.Add(id);
        }

        return data;
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
}
