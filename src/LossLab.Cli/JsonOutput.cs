using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LossLab.Cli;

/// <summary>The <c>--json [FILE]</c> option every command takes, and atomic writing of the document.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Option<string?> CreateOption() => new("--json")
    {
        Description = "Print one JSON document instead of the human output, or write it to FILE (atomically) and keep the human output",
        Arity = ArgumentArity.ZeroOrOne,
        HelpName = "FILE",
    };

    /// <summary>Emits the document as the option asks; returns true when the human output must be skipped.</summary>
    public static bool Emit(ParseResult parsed, Option<string?> option, JsonNode document, TextWriter stdout)
    {
        if (parsed.GetResult(option) is null)
        {
            return false;
        }

        string text = document.ToJsonString(Indented);
        string? file = parsed.GetValue(option);
        if (string.IsNullOrEmpty(file))
        {
            stdout.WriteLine(text);
            return true;
        }

        WriteAtomically(file, text + "\n");
        return false;
    }

    /// <summary>Writes the document atomically (see <see cref="AtomicFile"/>).</summary>
    public static void WriteAtomically(string path, string text) => AtomicFile.Write(path, text, "--json");

    /// <summary>A float32 result as the shortest decimal that round-trips it (0.1f prints as 0.1); null when not finite (JSON has no NaN or infinity).</summary>
    public static JsonNode? Number(float value)
        => float.IsFinite(value) ? JsonValue.Create(double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)) : null;

    /// <summary>A double as a JSON number, or null when it is not finite (JSON has no NaN or infinity).</summary>
    public static JsonValue? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>Named doubles as a JSON object (non-finite values as null).</summary>
    public static JsonObject Numbers(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var o = new JsonObject();
        foreach (var (key, value) in values)
        {
            o[key] = Finite(value);
        }

        return o;
    }

    /// <summary>A float32 array as JSON numbers.</summary>
    public static JsonArray Numbers(ReadOnlySpan<float> values)
    {
        var array = new JsonArray();
        foreach (float v in values)
        {
            array.Add(Number(v));
        }

        return array;
    }

    /// <summary>A spec value as JSON: numbers, booleans, lists (with '/'), or null for none.</summary>
    public static JsonNode? SpecValue(string text)
    {
        if (text == "none")
        {
            return null;
        }

        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            var list = new JsonArray();
            foreach (string part in text.Split('/'))
            {
                list.Add(SpecValue(part));
            }

            return list;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? JsonValue.Create(d)
            : JsonValue.Create(text);
    }
}
