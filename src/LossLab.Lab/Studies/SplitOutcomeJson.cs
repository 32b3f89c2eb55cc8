using System.Globalization;
using System.Text;
using System.Text.Json;
using LossLab.Lab.Verification;

namespace LossLab.Lab.Studies;

/// <summary>
/// A trial's outcome as JSON and back, bit for bit: finite doubles are written in round-trip (<c>"R"</c>) form,
/// NaN and ±∞ as the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.
/// </summary>
public static class SplitOutcomeJson
{
    /// <summary>The outcome as compact JSON.</summary>
    public static string Serialize(SplitOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("score");
            Write(w, outcome.Score);
            w.WriteStartObject("metrics");
            foreach (KeyValuePair<string, double> metric in outcome.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                w.WritePropertyName(metric.Key);
                Write(w, metric.Value);
            }

            w.WriteEndObject();
            w.WritePropertyName("lr");
            Write(w, outcome.LearningRate);
            w.WritePropertyName("threshold");
            if (outcome.Threshold is double t)
            {
                Write(w, t);
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteBoolean("diverged", outcome.Diverged);
            w.WriteBoolean("at_edge", outcome.AtEdge);
            w.WriteBoolean("extended", outcome.Extended);
            w.WriteStartArray("inner");
            foreach (double v in outcome.InnerScores)
            {
                Write(w, v);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>An outcome from its JSON.</summary>
    /// <exception cref="StudyException">The text is not a serialised outcome.</exception>
    public static SplitOutcome Deserialize(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement o = document.RootElement;
            var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (JsonProperty p in o.GetProperty("metrics").EnumerateObject())
            {
                metrics[p.Name] = Read(p.Value);
            }

            JsonElement threshold = o.GetProperty("threshold");
            return new SplitOutcome(
                Read(o.GetProperty("score")),
                metrics,
                Read(o.GetProperty("lr")),
                threshold.ValueKind == JsonValueKind.Null ? null : Read(threshold),
                o.GetProperty("diverged").GetBoolean(),
                o.GetProperty("at_edge").GetBoolean(),
                o.GetProperty("extended").GetBoolean(),
                [.. o.GetProperty("inner").EnumerateArray().Select(Read)]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new StudyException($"a stored trial result cannot be read ({e.Message})", e);
        }
    }

    private static void Write(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteRawValue(v.ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static double Read(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            string s => throw new FormatException($"'{s}' is not a number"),
            null => throw new FormatException("a null number"),
        }
        : double.Parse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
