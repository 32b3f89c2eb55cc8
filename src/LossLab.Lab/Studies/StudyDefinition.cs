using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Verification;

namespace LossLab.Lab.Studies;

/// <summary>
/// What defines the trials of a <c>compare</c> study: the settings as canonical JSON (losses, optimizers, rates, folds,
/// repeats, seeds, scheme, metric, epochs, batch size, model, standardisation, seed, and a summary of the data with its
/// SHA-256), and the data themselves, serialised exactly (feature and target names, task, class names, the float32 values
/// and the double values when present) and gzip-compressed. The fingerprint is the hex SHA-256 of the definition JSON
/// followed by the uncompressed data bytes: two processes with the same arguments and the same data get the same one.
/// Parallelism is not part of it (results do not depend on it).
/// </summary>
public sealed class StudyDefinition
{
    private const int Version = 1;
    private VerificationPlan? _plan;

    private StudyDefinition(string json, byte[] data, string fingerprint, CompareSettings settings, Dataset dataset)
    {
        Json = json;
        Data = data;
        Fingerprint = fingerprint;
        Settings = settings;
        Dataset = dataset;
    }

    /// <summary>The definition as canonical JSON.</summary>
    public string Json { get; }

    /// <summary>The data, serialised and gzip-compressed (what the storage keeps).</summary>
    public byte[] Data { get; }

    /// <summary>Hex SHA-256 of <see cref="Json"/> and the uncompressed data.</summary>
    public string Fingerprint { get; }

    /// <summary>The comparison's settings (rates and metric resolved).</summary>
    public CompareSettings Settings { get; }

    /// <summary>The data set.</summary>
    public Dataset Dataset { get; }

    /// <summary>The verification plan of the study (prepared once): its trials are the study's trials.</summary>
    /// <exception cref="LossLab.Specs.SpecException">The settings do not fit the data.</exception>
    public VerificationPlan Plan() => _plan ??= Compare.Prepare(Dataset, Settings);

    /// <summary>The definition of a comparison of <paramref name="settings"/> on <paramref name="data"/>.</summary>
    public static StudyDefinition Create(Dataset data, CompareSettings settings)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        CompareSettings resolved = settings with
        {
            LearningRates = settings.LearningRates ?? CompareSettings.AutoRates,
            Metric = settings.Metric ?? Compare.DefaultMetric(data.Task),
            Parallelism = null,
        };
        byte[] raw = SerializeData(data);
        string json = DefinitionJson(resolved, data, raw);
        return new StudyDefinition(json, Compress(raw), FingerprintOf(json, raw), resolved, data);
    }

    /// <summary>A stored definition and its stored (compressed) data, read back.</summary>
    /// <exception cref="StudyException">The definition or the data cannot be read (another version, a damaged row).</exception>
    public static StudyDefinition Load(string json, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(data);
        try
        {
            byte[] raw = Decompress(data);
            Dataset dataset = DeserializeData(raw);
            JsonObject o = JsonNode.Parse(json)!.AsObject();
            int version = o["version"]!.GetValue<int>();
            if (version != Version)
            {
                throw new StudyException($"the study was written by another LossLab (definition version {version}, this one reads {Version})");
            }

            var settings = new CompareSettings
            {
                Losses = [.. o["losses"]!.AsArray().Select(n => n!.GetValue<string>())],
                Optimizers = [.. o["optimizers"]!.AsArray().Select(n => n!.GetValue<string>())],
                LearningRates = [.. o["rates"]!.AsArray().Select(n => double.Parse(n!.ToJsonString(), CultureInfo.InvariantCulture))],
                Folds = o["folds"]!.GetValue<int>(),
                Repeats = o["repeats"]!.GetValue<int>(),
                Seeds = o["seeds"]!.GetValue<int>(),
                Scheme = o["scheme"] is JsonNode s ? Enum.Parse<FoldScheme>(s.GetValue<string>(), ignoreCase: true) : null,
                Epochs = o["epochs"]!.GetValue<int>(),
                BatchSize = o["batch_size"]!.GetValue<int>(),
                Model = o["model"]!.GetValue<string>(),
                Metric = o["metric"]!.GetValue<string>(),
                Standardize = o["standardize"]!.GetValue<bool>(),
                Seed = o["seed"]!.GetValue<int>(),
            };
            return new StudyDefinition(json, data, FingerprintOf(json, raw), settings, dataset);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NullReferenceException or InvalidDataException or EndOfStreamException or ArgumentException)
        {
            throw new StudyException($"the stored study definition cannot be read ({e.Message}); create the study again under another name", e);
        }
    }

    /// <summary>The fields in which two definitions differ (see <see cref="Differences(string, string)"/>); <c>data</c> when only the data do.</summary>
    public static IReadOnlyList<string> Differences(StudyDefinition a, StudyDefinition b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        IReadOnlyList<string> fields = Differences(a.Json, b.Json);
        return fields.Count == 0 && a.Fingerprint != b.Fingerprint ? ["data"] : fields;
    }

    /// <summary>
    /// The fields in which two definitions differ, each as <c>field (stored A, given B)</c>, in the definition's order;
    /// nested fields are dotted (<c>data.rows</c>). Empty when the JSON texts define the same study.
    /// </summary>
    public static IReadOnlyList<string> Differences(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var differences = new List<string>();
        JsonNode? x, y;
        try
        {
            x = JsonNode.Parse(a);
            y = JsonNode.Parse(b);
        }
        catch (JsonException)
        {
            return a == b ? [] : ["definition"];
        }

        Walk("", x, y, differences);
        return differences;
    }

    private static void Walk(string path, JsonNode? x, JsonNode? y, List<string> differences)
    {
        if (x is JsonObject ox && y is JsonObject oy)
        {
            foreach (string key in ox.Select(p => p.Key).Concat(oy.Select(p => p.Key)).Distinct())
            {
                Walk(path.Length == 0 ? key : $"{path}.{key}", ox[key], oy[key], differences);
            }

            return;
        }

        string sx = x?.ToJsonString() ?? "null", sy = y?.ToJsonString() ?? "null";
        if (sx != sy)
        {
            differences.Add($"{path} (stored {Short(sx)}, given {Short(sy)})");
        }
    }

    private static string Short(string text) => text.Length <= 60 ? text : text[..28] + "…" + text[^28..];

    private static string DefinitionJson(CompareSettings s, Dataset data, byte[] raw)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteString("kind", "compare");
            w.WriteStartArray("losses");
            foreach (string loss in s.Losses)
            {
                w.WriteStringValue(loss);
            }

            w.WriteEndArray();
            w.WriteStartArray("optimizers");
            foreach (string optimizer in s.Optimizers)
            {
                w.WriteStringValue(optimizer);
            }

            w.WriteEndArray();
            w.WriteStartArray("rates");
            foreach (double rate in s.LearningRates!)
            {
                w.WriteRawValue(rate.ToString("R", CultureInfo.InvariantCulture));
            }

            w.WriteEndArray();
            w.WriteNumber("folds", s.Folds);
            w.WriteNumber("repeats", s.Repeats);
            w.WriteNumber("seeds", s.Seeds);
            if (s.Scheme is FoldScheme scheme)
            {
                w.WriteString("scheme", scheme.ToString().ToLowerInvariant());
            }
            else
            {
                w.WriteNull("scheme");
            }

            w.WriteString("metric", s.Metric);
            w.WriteNumber("epochs", s.Epochs);
            w.WriteNumber("batch_size", s.BatchSize);
            w.WriteString("model", s.Model);
            w.WriteBoolean("standardize", s.Standardize);
            w.WriteNumber("seed", s.Seed);
            w.WriteStartObject("data");
            w.WriteString("task", data.Task.ToString().ToLowerInvariant());
            w.WriteNumber("rows", data.Rows);
            w.WriteNumber("features", data.Columns);
            w.WriteString("target", data.TargetName);
            w.WriteString("sha256", Convert.ToHexStringLower(SHA256.HashData(raw)));
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string FingerprintOf(string json, byte[] raw)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(json));
        hash.AppendData(raw);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The data as bytes: a small JSON header (names, task, shape, time columns), then the values little-endian.</summary>
    private static byte[] SerializeData(Dataset data)
    {
        var header = new JsonObject
        {
            ["features"] = new JsonArray([.. data.FeatureNames.Select(n => (JsonNode)JsonValue.Create(n))]),
            ["target"] = data.TargetName,
            ["task"] = data.Task.ToString(),
            ["classes"] = new JsonArray([.. data.ClassNames.Select(n => (JsonNode)JsonValue.Create(n))]),
            ["target_width"] = data.TargetWidth,
            ["rows"] = data.Rows,
            ["time_column"] = data.TimeColumn,
            ["ordered_index_column"] = data.OrderedIndexColumn,
            ["doubles"] = data.FeaturesDouble is not null,
            ["double_targets"] = data.TargetsDouble is not null,
        };
        byte[] head = Encoding.UTF8.GetBytes(header.ToJsonString());
        var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(head.Length);
            w.Write(head);
            foreach (float v in data.Features)
            {
                w.Write(v);
            }

            foreach (float v in data.Targets)
            {
                w.Write(v);
            }

            foreach (double v in data.FeaturesDouble ?? [])
            {
                w.Write(v);
            }

            foreach (double v in data.TargetsDouble ?? [])
            {
                w.Write(v);
            }
        }

        return stream.ToArray();
    }

    private static Dataset DeserializeData(byte[] raw)
    {
        using var r = new BinaryReader(new MemoryStream(raw), Encoding.UTF8);
        int length = r.ReadInt32();
        JsonObject h = JsonNode.Parse(r.ReadBytes(length))!.AsObject();
        string[] names = [.. h["features"]!.AsArray().Select(n => n!.GetValue<string>())];
        string[] classes = [.. h["classes"]!.AsArray().Select(n => n!.GetValue<string>())];
        int width = h["target_width"]!.GetValue<int>(), rows = h["rows"]!.GetValue<int>();
        float[] x = new float[rows * names.Length], y = new float[rows * width];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = r.ReadSingle();
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = r.ReadSingle();
        }

        double[]? xd = h["doubles"]!.GetValue<bool>() ? new double[x.Length] : null;
        double[]? yd = h["double_targets"]!.GetValue<bool>() ? new double[y.Length] : null;
        for (int i = 0; i < (xd?.Length ?? 0); i++)
        {
            xd![i] = r.ReadDouble();
        }

        for (int i = 0; i < (yd?.Length ?? 0); i++)
        {
            yd![i] = r.ReadDouble();
        }

        TaskKind task = Enum.Parse<TaskKind>(h["task"]!.GetValue<string>());
        return new Dataset("study", names, h["target"]!.GetValue<string>(), x, y, task, classes, width)
        {
            TimeColumn = h["time_column"]?.GetValue<string>(),
            OrderedIndexColumn = h["ordered_index_column"]?.GetValue<string>(),
            FeaturesDouble = xd,
            TargetsDouble = yd,
        };
    }

    private static byte[] Compress(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
