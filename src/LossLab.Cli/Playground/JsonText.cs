using System.Buffers;
using System.Text;
using System.Text.Json;

namespace LossLab.Cli.Playground;

/// <summary>Small JSON helpers of the playground: documents written with <see cref="Utf8JsonWriter"/>, non-finite numbers as null.</summary>
internal static class JsonText
{
    // The documents go to the playground's own scripts, never into HTML: letters such as δ stay readable.
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The UTF-8 bytes of a document written by <paramref name="write"/>.</summary>
    public static byte[] Bytes(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The text of a document written by <paramref name="write"/>.</summary>
    public static string Text(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetString(Bytes(write));

    /// <summary>A number, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    public static void Number(this Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    /// <summary>A named number, or null when it is not finite.</summary>
    public static void Number(this Utf8JsonWriter writer, string name, double value)
    {
        writer.WritePropertyName(name);
        writer.Number(value);
    }

    /// <summary>An array of numbers (non-finite entries as null).</summary>
    public static void Numbers(this Utf8JsonWriter writer, string name, IEnumerable<double> values)
    {
        writer.WriteStartArray(name);
        foreach (double v in values)
        {
            writer.Number(v);
        }

        writer.WriteEndArray();
    }

    /// <summary>A <c>{"type":"error","message":…}</c> frame.</summary>
    public static byte[] Error(string message) => Bytes(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteString("message", message);
        w.WriteEndObject();
    });
}
