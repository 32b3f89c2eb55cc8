using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab;
using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Cli.Commands;

/// <summary>
/// <c>fit --stream</c>: least squares over a CSV file in chunks of rows (<see cref="StreamingFit"/>), for files larger
/// than memory. It fits what <c>--solver closed_form --loss mse --model linear --validation 0</c> fits on the loaded file,
/// on numeric columns only; every other choice is refused with the reason.
/// </summary>
internal static class FitStream
{
    /// <summary>The option.</summary>
    public static Option<bool> CreateOption() => new("--stream")
    {
        Description = $"Fit least squares (closed_form, mse, linear, no validation) over the CSV in chunks of {StreamingFit.ChunkRows:N0} rows: memory independent of the file's size, numeric columns only",
    };

    /// <summary>Refuses the options a streamed fit cannot honour (only those given explicitly).</summary>
    /// <exception cref="UserException">An incompatible option.</exception>
    public static void Check(ParseResult parsed, string data, Option<string> solver, Option<string?> loss, Option<string> model, Option<string?> task, Option<double> validation, Option<string?> trace, Option<string?> outDir)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        static string Refuse(string what) => $"--stream fits least squares over the file in chunks: {what}";
        if (Builtins.IsBuiltin(data))
        {
            throw new UserException(Refuse($"it reads a CSV file, not {data} (built-in data are small: leave out --stream)"));
        }

        if (parsed.GetValue(solver) is var s && s != "closed_form" && parsed.GetResult(solver) is { Implicit: false })
        {
            throw new UserException(Refuse($"--solver {s} needs every row in memory; use --solver closed_form (or leave --stream out)"));
        }

        if (parsed.GetValue(loss) is { } l && l != "mse")
        {
            throw new UserException(Refuse($"--loss {l} has no streamed solver; only mse (least squares)"));
        }

        if (parsed.GetValue(model) is var m && m != "linear")
        {
            throw new UserException(Refuse($"--model {m}: only a linear model"));
        }

        if (parsed.GetValue(task) is { } t && t != "regression")
        {
            throw new UserException(Refuse($"--task {t}: only regression"));
        }

        if (parsed.GetValue(validation) > 0)
        {
            throw new UserException(Refuse($"--validation {parsed.GetValue(validation).ToString(CultureInfo.InvariantCulture)}: every row is fitted; hold out rows in a separate file and score it with losslab eval"));
        }

        if (parsed.GetValue(trace) is not null)
        {
            throw new UserException(Refuse("--trace: an exact solver keeps no per-step trace"));
        }

        if (parsed.GetValue(outDir) is not null)
        {
            throw new UserException(Refuse("--out: the report needs the rows in memory; use --json for the numbers"));
        }
    }

    /// <summary>
    /// Runs the streamed fit on a worker thread, so that cancellation ends the wait at once even while opening a pipe that
    /// has no writer yet (as <see cref="DataSource.Load"/> does; the worker checks the token itself every few thousand rows).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static StreamedLeastSquares Run(string data, string target, IReadOnlyList<string>? features, bool dropMissing, CancellationToken cancellation)
    {
        Task<StreamedLeastSquares> fit = Task.Run(() => StreamingFit.LeastSquares(data, target, features, dropMissing, cancellation), CancellationToken.None);
        try
        {
            fit.Wait(cancellation);
        }
        catch (AggregateException)
        {
            // Rethrown below as the original exception.
        }

        return fit.GetAwaiter().GetResult();
    }

    /// <summary>The JSON document of a streamed fit.</summary>
    public static JsonObject ToJson(string data, StreamedLeastSquares r) => new()
    {
        ["data"] = data,
        ["task"] = "regression",
        ["rows"] = new JsonObject { ["train"] = r.Rows, ["validation"] = 0, ["dropped"] = r.DroppedRows },
        ["model"] = "linear",
        ["loss"] = "mse",
        ["optimizer"] = "closed_form",
        ["solver"] = "closed_form",
        ["stream"] = new JsonObject { ["chunk_rows"] = StreamingFit.ChunkRows, ["max_rows_held"] = r.MaxRowsHeld, ["passes"] = r.Passes },
        ["epochs"] = 0,
        ["converged"] = true,
        ["params"] = new JsonArray([.. r.Coefficients.Select(p => (JsonNode?)JsonValue.Create(p))]),
        ["param_names"] = new JsonArray([.. ParameterNames(r).Select(n => (JsonNode?)JsonValue.Create(n))]),
        ["params_units"] = "original",
        ["train"] = JsonOutput.Numbers(r.Metrics),
        ["columns"] = new JsonArray([.. r.Columns.Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name, ["mean"] = c.Mean, ["sd"] = c.StandardDeviation, ["min"] = c.Min, ["max"] = c.Max })]),
    };

    /// <summary>The text output of a streamed fit.</summary>
    public static void WriteHuman(TextWriter o, string data, StreamedLeastSquares r)
    {
        ArgumentNullException.ThrowIfNull(o);
        string dropped = r.DroppedRows > 0 ? $", {r.DroppedRows:N0} dropped for missing values" : string.Empty;
        o.WriteLine($"data:      {data} ({r.Rows} rows × {r.FeatureNames.Count} features, regression; {r.Rows} train, 0 validation{dropped})");
        o.WriteLine($"model:     linear, loss mse, solver closed_form, streamed in chunks of {StreamingFit.ChunkRows:N0} rows ({r.Passes} {(r.Passes == 1 ? "pass" : "passes")} over the data)");
        o.WriteLine($"params:    {string.Join(", ", ParameterNames(r).Zip(r.Coefficients, (n, v) => $"{n} {TextNumber.G(v, 6)}"))}");
        o.WriteLine("train:     " + string.Join(", ", r.Metrics.Select(m => $"{m.Key} {(double.IsFinite(m.Value) ? TextNumber.G(m.Value, 5) : "n/a")}")));
        o.WriteLine("columns:   " + string.Join("; ", r.Columns.Select(c => $"{c.Name} mean {TextNumber.G(c.Mean, 5)} sd {TextNumber.G(c.StandardDeviation, 5)} [{TextNumber.G(c.Min, 5)}, {TextNumber.G(c.Max, 5)}]")));
        if (r.Passes == 1)
        {
            o.WriteLine("note:      a pipe is read once: no refinement step and no mae, max_error or mean_bias (they need a second pass over a file)");
        }
    }

    private static IEnumerable<string> ParameterNames(StreamedLeastSquares r) => [.. r.FeatureNames, "intercept"];
}
