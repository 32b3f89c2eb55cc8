using System.Globalization;
using System.Text.Json;

namespace LossLab.Cli.Playground;

/// <summary>Typed reading of a client's JSON message; every problem is a <see cref="PlaygroundException"/> naming the field.</summary>
internal sealed class StartMessage
{
    /// <summary>The most optimizer steps of a run.</summary>
    public const int MaxSteps = 1_000_000;

    private readonly JsonElement _root;

    private StartMessage(JsonElement root) => _root = root;

    /// <summary>Parses a message (an object with a <c>type</c>).</summary>
    public static StartMessage Parse(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new StartMessage(document.RootElement.Clone())
                : throw new PlaygroundException("a message must be a JSON object with a \"type\"");
        }
        catch (JsonException ex)
        {
            throw new PlaygroundException($"the message is not valid JSON ({ex.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]})");
        }
    }

    /// <summary>The message's <c>type</c> (empty when missing).</summary>
    public string Type => _root.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;

    private JsonElement? Field(string name)
        => _root.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A required string.</summary>
    public string Text(string name)
        => Field(name) is { ValueKind: JsonValueKind.String } v && v.GetString() is { Length: > 0 } s ? s : throw new PlaygroundException($"\"{name}\": give a spec string, for example {Example(name)}");

    /// <summary>An optional string (null, missing or empty: none).</summary>
    public string? OptionalText(string name) => Field(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => string.IsNullOrWhiteSpace(v.GetString()) || v.GetString() == "none" ? null : v.GetString(),
        _ => throw new PlaygroundException($"\"{name}\": give a spec string or null"),
    };

    /// <summary>An optional finite number.</summary>
    public double? OptionalNumber(string name) => Field(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out double d) && double.IsFinite(d) => d,
        _ => throw new PlaygroundException($"\"{name}\": give a finite number or null"),
    };

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>], or the default.</summary>
    public double Number(string name, double fallback, double min, double max)
    {
        double value = OptionalNumber(name) ?? fallback;
        return value >= min && value <= max
            ? value
            : throw new PlaygroundException(string.Create(CultureInfo.InvariantCulture, $"\"{name}\": {value} is out of range; give a number between {min} and {max}"));
    }

    /// <summary>The number of steps: a whole number in [1, <see cref="MaxSteps"/>].</summary>
    public int Steps(int fallback)
    {
        double value = OptionalNumber("steps") ?? fallback;
        if (value != Math.Floor(value) || value < 1 || value > MaxSteps)
        {
            throw new PlaygroundException(string.Create(CultureInfo.InvariantCulture, $"\"steps\": {value} is out of range; give a whole number between 1 and {MaxSteps:N0}"));
        }

        return (int)value;
    }

    /// <summary>An array of finite numbers (at most <paramref name="max"/>).</summary>
    public float[] Numbers(string name, int max)
    {
        if (Field(name) is not { ValueKind: JsonValueKind.Array } array)
        {
            throw new PlaygroundException($"\"{name}\": give an array of numbers");
        }

        int count = array.GetArrayLength();
        if (count > max)
        {
            throw new PlaygroundException($"\"{name}\": {count:N0} values; at most {max:N0} are accepted");
        }

        float[] values = new float[count];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d) || !float.IsFinite((float)d))
            {
                throw new PlaygroundException($"\"{name}\"[{i}]: not a finite number");
            }

            values[i++] = (float)d;
        }

        return values;
    }

    /// <summary>A point [a, b], or the default.</summary>
    public float[] Pair(string name, double[] fallback)
    {
        if (Field(name) is null)
        {
            return [(float)fallback[0], (float)fallback[1]];
        }

        float[] pair = Numbers(name, 2);
        return pair.Length == 2 ? pair : throw new PlaygroundException($"\"{name}\": give two numbers [a, b]");
    }

    /// <summary>The entries of an array of objects.</summary>
    public IReadOnlyList<StartMessage> Objects(string name, int max)
    {
        if (Field(name) is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            throw new PlaygroundException($"\"{name}\": give a non-empty array");
        }

        if (array.GetArrayLength() > max)
        {
            throw new PlaygroundException($"\"{name}\": {array.GetArrayLength()} entries; at most {max} are accepted");
        }

        return [.. array.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Object ? new StartMessage(e) : throw new PlaygroundException($"\"{name}\"[{i}]: give an object"))];
    }

    private static string Example(string name) => name switch
    {
        "loss" => "\"huber:delta=1\"",
        "optimizer" => "\"adam:lr=0.05\"",
        "function" => "\"rosenbrock\"",
        _ => "\"…\"",
    };
}
