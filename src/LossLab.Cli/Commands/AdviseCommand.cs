using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LossLab.Lab.Advice;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Reports;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab advise</c>: diagnose the data, recommend a loss and optimizer, verify by cross-validation.</summary>
internal static class AdviseCommand
{
    private static readonly JsonSerializerOptions Snake = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "CSV file or builtin:NAME", Required = true };
        var target = new Option<string?>("--target") { Description = "Target column (built-in data have a default)" };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated" };
        var task = new Option<string?>("--task") { Description = "regression, binary or multiclass (default: inferred)" };
        var kpi = new Option<string?>("--kpi") { Description = "What matters: mae, rmse, max, quantile:TAU, accuracy or f1" };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds of the verification", DefaultValueFactory = _ => 3 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per fold", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per verification run", DefaultValueFactory = _ => 100 };
        var model = new Option<string>("--model") { Description = "Model spec used by the verification", DefaultValueFactory = _ => "linear" };
        var dropMissing = new Option<bool>("--drop-missing") { Description = "Drop rows with missing values instead of failing" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("advise", "Diagnose the data, recommend a loss and optimizer with reasons, and verify by cross-validation")
        {
            data, target, features, task, kpi, folds, seeds, epochs, model, dropMissing, json, outDir,
        };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            string dataText = parsed.GetValue(data)!;
            Dataset dataset = DataSource.Load(dataText, parsed.GetValue(target), parsed.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), FitCommand.ParseTask(parsed.GetValue(task)), parsed.GetValue(dropMissing));
            Kpi? k = parsed.GetValue(kpi) is string text ? Kpi.Parse(text) : null;
            int foldCount = parsed.GetValue(folds);
            if (foldCount < 2 || foldCount > dataset.Rows)
            {
                throw new UserException($"--folds {foldCount}: must lie in [2, {dataset.Rows}]");
            }

            int seedCount = Math.Max(1, parsed.GetValue(seeds)), epochCount = Math.Max(1, parsed.GetValue(epochs));
            AdviceResult result = Advise.Run(dataset, k, foldCount, seedCount, epochCount, parsed.GetValue(model)!, 0, context.Cancellation);
            JsonObject document = ToJson(dataText, result);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, dataText, dataset, result);
            }

            ReportOutput.WriteIfAsked(
                parsed,
                outDir,
                json,
                () => AdviseReport.Build(ReportOutput.CommandLine(parsed), dataText, dataset, parsed.GetValue(kpi), foldCount, seedCount, epochCount, parsed.GetValue(model)!, result),
                document,
                context);
        });
        return command;
    }

    private static JsonObject ToJson(string dataText, AdviceResult r) => new()
    {
        ["data"] = dataText,
        ["task"] = r.Diagnostics.Task.ToString().ToLowerInvariant(),
        ["diagnostics"] = JsonSerializer.SerializeToNode(r.Diagnostics, Snake),
        ["recommendation"] = new JsonObject
        {
            ["loss"] = r.Recommendation.Loss,
            ["optimizer"] = r.Recommendation.Optimizer,
            ["reasons"] = new JsonArray(r.Recommendation.Reasons.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
            ["alternatives"] = new JsonArray(r.Recommendation.Alternatives.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
            ["optimizer_alternatives"] = new JsonArray(r.Recommendation.OptimizerAlternatives.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
        },
        ["verification"] = new JsonArray(r.Verification.Ranking.Select(c => (JsonNode)new JsonObject
        {
            ["loss"] = c.Loss,
            ["optimizer"] = c.Optimizer,
            ["metric"] = r.Metric,
            ["mean"] = double.IsFinite(c.Mean) ? JsonValue.Create(c.Mean) : null,
            ["std"] = double.IsFinite(c.Std) ? JsonValue.Create(c.Std) : null,
            ["recommended"] = c.Loss == r.Recommendation.Loss,
        }).ToArray()),
        ["lower_is_better"] = r.Verification.LowerIsBetter,
        ["confirmed"] = r.Confirmed,
        ["verdict"] = r.Verdict,
    };

    private static void WriteHuman(TextWriter o, string dataText, Dataset dataset, AdviceResult r)
    {
        o.WriteLine($"{dataText}: {dataset.Rows} rows × {dataset.Columns} features, {dataset.Task.ToString().ToLowerInvariant()}");
        o.WriteLine();
        o.WriteLine($"recommendation: --loss {r.Recommendation.Loss} --optimizer {r.Recommendation.Optimizer}");
        foreach (string reason in r.Recommendation.Reasons)
        {
            o.WriteLine($"  • {reason}");
        }

        o.WriteLine();
        o.WriteLine($"verification ({(r.Verification.Ranking.Count > 0 ? r.Verification.Ranking[0].Scores.Length : 0)} runs each, same learning-rate search; validation {r.Metric}, {(r.Verification.LowerIsBetter ? "lower" : "higher")} is better):");
        foreach (CandidateResult c in r.Verification.Ranking)
        {
            string mark = c.Loss == r.Recommendation.Loss ? " ← recommended" : string.Empty;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Loss,-32} {c.Optimizer,-28} {c.Mean,10:G5} ± {c.Std:G3}{mark}"));
        }

        o.WriteLine();
        o.WriteLine(r.Verdict);
    }
}
