using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LossLab.Lab;
using LossLab.Lab.Advice;
using LossLab.Lab.Advice.Checks;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Verification;
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
        var data = new Option<string>("--data") { Description = "CSV file (a pipe or - for standard input too) or builtin:NAME", Required = true };
        var target = new Option<string?>("--target") { Description = "Target column (built-in data have a default)" };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated (default: all but the target and identifier columns)" };
        var task = new Option<string?>("--task") { Description = "regression, binary or multiclass (default: inferred; two distinct values in any coding are binary)" };
        task.CompletionSources.Add("regression", "binary", "multiclass");
        var targetKind = new Option<string?>("--target-kind") { Description = "continuous, counts, ordinal, zero_heavy or positive_skewed (default: recognised from the values and the name)" };
        var kpi = new Option<string?>("--kpi") { Description = "What matters: mae, rmse, max, quantile:TAU, accuracy, f1, balanced_accuracy or log_loss (default: a metric that fits the target)" };
        var folds = new Option<string>("--folds") { Description = "Folds per repeat (default 5), 'time' or time:K for forward-chaining splits (chosen automatically when the rows are ordered in time), 'shuffled' or shuffled:K to shuffle anyway", DefaultValueFactory = _ => "5" };
        var repeats = new Option<int?>("--repeats") { Description = "Repeats of the K-fold assignment (default 4 up to 50,000 rows, fewer beyond)" };
        var margin = new Option<double>("--margin") { Description = "The loss, as a share of the recommendation's score, that still counts as 'as good' when confirming", DefaultValueFactory = _ => Judgement.DefaultMarginShare };
        var lrs = new Option<string>("--lrs") { Description = "Learning rates tuned inside each training part, comma-separated, or auto (0.001 … 0.3)", DefaultValueFactory = _ => "auto" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per verification run (at most 20,000 steps per run)", DefaultValueFactory = _ => 100 };
        var model = new Option<string>("--model") { Description = "Model spec used by the verification", DefaultValueFactory = _ => "linear" };
        var seed = new Option<int>("--seed") { Description = "Seed of the folds", DefaultValueFactory = _ => 0 };
        var threads = new Option<int?>("--threads") { Description = "Runs at once (default: all cores); results do not depend on it" };
        var dropMissing = new Option<bool>("--drop-missing") { Description = "Drop rows with missing values instead of failing" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("advise", "Diagnose the data, recommend a loss and optimizer with reasons, and verify it with a test that can say no")
        {
            data, target, features, task, targetKind, kpi, folds, repeats, margin, lrs, epochs, model, seed, threads, dropMissing, json, outDir,
        };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            Kpi? k = parsed.GetValue(kpi) is string text ? Kpi.Parse(text) : null;
            TargetKind? kind = ParseTargetKind(parsed.GetValue(targetKind));
            (int foldCount, FoldScheme? scheme) = ParseFolds(parsed.GetValue(folds)!);
            int? repeatCount = parsed.GetValue(repeats);
            if (repeatCount is < 1)
            {
                throw new UserException($"--repeats {repeatCount}: must be >= 1");
            }

            double marginShare = parsed.GetValue(margin);
            if (!(marginShare > 0 && marginShare < 1))
            {
                throw new UserException($"--margin {marginShare.ToString(CultureInfo.InvariantCulture)}: must lie in (0, 1), e.g. 0.02 for 2%");
            }

            int epochCount = parsed.GetValue(epochs) >= 1 ? parsed.GetValue(epochs) : throw new UserException("--epochs: must be >= 1");
            double[]? rates = CompareCommand.ParseRates(parsed.GetValue(lrs)!);
            int? threadCount = parsed.GetValue(threads) is int t ? (t >= 1 ? t : throw new UserException("--threads: must be >= 1")) : null;
            string dataText = parsed.GetValue(data)!;
            Dataset dataset = DataSource.Load(dataText, parsed.GetValue(target), parsed.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), FitCommand.ParseTask(parsed.GetValue(task)), parsed.GetValue(dropMissing), context.Cancellation);
            if (kind is not null && dataset.Task != TaskKind.Regression)
            {
                throw new UserException($"--target-kind {parsed.GetValue(targetKind)}: applies to a regression target, but the target is {dataset.Task.ToString().ToLowerInvariant()} classification");
            }

            int limit = dataset.Rows / 2;
            if (foldCount < 2 || foldCount > Math.Max(2, limit))
            {
                throw new UserException($"--folds {foldCount}: must lie in [2, {Math.Max(2, limit)}] for {dataset.Rows} rows");
            }

            var settings = new AdviseSettings
            {
                Folds = foldCount,
                Repeats = repeatCount,
                Scheme = scheme,
                Epochs = epochCount,
                Model = parsed.GetValue(model)!,
                Seed = parsed.GetValue(seed),
                Margin = marginShare,
                TargetKind = kind,
                LearningRates = rates,
                Parallelism = threadCount,
            };
            AdviceResult result = CompareCommand.WithProgress(context, progress => Advise.Run(dataset, k, settings, progress, context.Cancellation));
            JsonObject document = ToJson(dataText, result);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, dataText, dataset, result);
            }

            ReportOutput.WriteIfAsked(
                parsed,
                outDir,
                json,
                () => AdviseReport.Build(ReportOutput.CommandLine(parsed), dataText, dataset, parsed.GetValue(kpi), result),
                document,
                context);
            if (result.Run?.Cancelled == true)
            {
                // What finished is written above; Ctrl-C still ends the command with its own code (130).
                throw new OperationCanceledException(context.Cancellation);
            }
        });
        return command;
    }

    /// <summary>Parses <c>--folds</c>: a whole number ≥ 2, or <c>time</c>.</summary>
    internal static (int Folds, FoldScheme? Scheme) ParseFolds(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "time")
        {
            return (5, FoldScheme.Time);
        }

        if (t.StartsWith("time:", StringComparison.Ordinal) && int.TryParse(t[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int k))
        {
            return k >= 2 ? (k, FoldScheme.Time) : throw new UserException($"--folds {text}: forward chaining needs at least 2 splits, e.g. time:5");
        }

        if (t == "shuffled")
        {
            return (5, FoldScheme.Shuffled);
        }

        if (t.StartsWith("shuffled:", StringComparison.Ordinal) && int.TryParse(t[9..], NumberStyles.None, CultureInfo.InvariantCulture, out int shuffled))
        {
            return (shuffled, FoldScheme.Shuffled);
        }

        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int folds)
            ? (folds, null)
            : throw new UserException($"--folds {text}: give a whole number of folds (e.g. 5), 'time' or time:K for forward-chaining splits, or 'shuffled' or shuffled:K to shuffle rows that are ordered in time");
    }

    private static TargetKind? ParseTargetKind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "continuous" => TargetKind.Continuous,
        "counts" => TargetKind.Counts,
        "ordinal" => TargetKind.Ordinal,
        "zero_heavy" => TargetKind.ZeroHeavy,
        "positive_skewed" => TargetKind.PositiveSkewed,
        _ => throw new UserException($"--target-kind {text}: unknown; accepted: continuous, counts, ordinal, zero_heavy, positive_skewed"),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(x => (JsonNode?)JsonValue.Create(x))]);

    private static string VerdictName(VerdictKind kind) => kind switch
    {
        VerdictKind.Confirmed => "confirmed",
        VerdictKind.NotConfirmed => "not_confirmed",
        _ => "inconclusive",
    };

    private static JsonObject ToJson(string dataText, AdviceResult r)
    {
        Recommendation rec = r.Recommendation;
        VerificationRun? run = r.Run;
        VerdictReport? verdict = r.Outcome;
        var document = new JsonObject
        {
            ["data"] = dataText,
            ["task"] = r.Diagnostics.Task.ToString().ToLowerInvariant(),
            ["diagnostics"] = JsonSerializer.SerializeToNode(r.Diagnostics, Snake),
            ["metric"] = new JsonObject { ["name"] = r.Metric, ["reason"] = rec.MetricReason, ["lower_is_better"] = r.Verification.LowerIsBetter },
            ["resampling"] = run is null ? null : new JsonObject
            {
                ["plan"] = run.Plan.Describe(),
                ["scheme"] = run.Plan.Scheme == FoldScheme.Time ? "time" : "shuffled",
                ["folds"] = run.Plan.Folds,
                ["repeats"] = run.Plan.Scheme == FoldScheme.Time ? 1 : run.Plan.Repeats,
                ["splits"] = run.Plan.SplitCount,
                ["test_to_train_ratio"] = run.TestToTrainRatio,
                ["tuning"] = "learning rate (and a decision threshold for threshold KPIs) tuned on an inner hold-out of each training part; the grid is extended once past an edge",
            },
            ["candidates"] = run is null ? new JsonArray() : new JsonArray([.. run.Candidates.Select(c => (JsonNode)new JsonObject
            {
                ["loss"] = c.Candidate.Loss,
                ["optimizer"] = c.Optimizer,
                ["per_fold_scores"] = new JsonArray([.. c.Scores.Select(JsonOutput.Finite)]),
                ["mean"] = JsonOutput.Finite(c.Mean),
                ["std"] = JsonOutput.Finite(c.Std),
                ["learning_rates"] = new JsonArray([.. c.Splits.Select(s => JsonOutput.Finite(s.LearningRate))]),
                ["thresholds"] = c.Splits.Any(s => s.Threshold is not null) ? new JsonArray([.. c.Splits.Select(s => s.Threshold is double th ? JsonValue.Create(th) : null)]) : null,
                ["rate_at_grid_edge"] = c.AtEdge,
                ["failed_splits"] = c.Failed,
                ["metrics"] = JsonOutput.Numbers(c.MetricMeans),
                ["recommended"] = c.Candidate.Loss == rec.Loss && c.Optimizer == rec.Optimizer,
            })]),
            ["comparison"] = verdict is null ? new JsonArray() : new JsonArray([.. verdict.Comparisons.Select(c => (JsonNode)new JsonObject
            {
                ["against"] = c.Against,
                ["mean_difference"] = JsonOutput.Finite(c.MeanDifference),
                ["ci95"] = new JsonArray(JsonOutput.Finite(c.Low), JsonOutput.Finite(c.High)),
                ["p_value"] = JsonOutput.Finite(c.PValue),
                ["p_adjusted"] = JsonOutput.Finite(c.PAdjusted),
                ["other_better_splits"] = c.OtherBetterSplits,
                ["splits"] = c.Splits,
                ["test"] = run is null ? Comparison.Test : Judgement.TestOf(run),
            })]),
            ["comparison_of"] = verdict?.Reference,
            ["verdict"] = verdict is null ? "inconclusive" : VerdictName(verdict.Kind),
            ["verdict_text"] = r.Verdict,
            ["margin"] = verdict is null ? null : JsonOutput.Finite(verdict.Margin),
            ["settle"] = verdict?.Settle,
            ["recommendation"] = new JsonObject
            {
                ["loss"] = rec.Loss,
                ["optimizer"] = rec.Optimizer,
                ["reasons"] = Strings(rec.Reasons),
                ["alternatives"] = Strings(rec.Alternatives),
                ["optimizer_alternatives"] = Strings(rec.OptimizerAlternatives),
                ["initial_loss"] = r.Initial?.Loss,
            },
            ["warnings"] = Strings(rec.Warnings),
            ["verification"] = new JsonArray([.. r.Verification.Ranking.Select(c => (JsonNode)new JsonObject
            {
                ["loss"] = c.Loss,
                ["optimizer"] = c.Optimizer,
                ["metric"] = r.Metric,
                ["mean"] = JsonOutput.Finite(c.Mean),
                ["std"] = JsonOutput.Finite(c.Std),
                ["recommended"] = c.Loss == rec.Loss && c.Optimizer == rec.Optimizer,
            })]),
            ["lower_is_better"] = r.Verification.LowerIsBetter,
            ["confirmed"] = r.Confirmed,
        };
        return document;
    }

    private static void WriteHuman(TextWriter o, string dataText, Dataset dataset, AdviceResult r)
    {
        Recommendation rec = r.Recommendation;
        o.WriteLine($"{dataText}: {dataset.Rows} rows × {dataset.Columns} feature{(dataset.Columns == 1 ? string.Empty : "s")}, {dataset.Task.ToString().ToLowerInvariant()}");
        foreach (string note in dataset.Notes)
        {
            o.WriteLine($"note: {note}");
        }

        o.WriteLine();
        o.WriteLine(rec.Optimizer == Verifier.MmSolver
            ? $"recommendation: --solver mm --loss {rec.Loss}"
            : $"recommendation: --loss {rec.Loss} --optimizer {rec.Optimizer}");
        foreach (string reason in rec.Reasons.Take(4))
        {
            o.WriteLine($"  • {reason}");
        }

        if (rec.Reasons.Count > 4)
        {
            o.WriteLine($"  ({rec.Reasons.Count - 4} more reason{(rec.Reasons.Count == 5 ? string.Empty : "s")} in --json or --out)");
        }

        o.WriteLine($"  ({Guide.Line})");

        o.WriteLine();
        string plan = r.Run?.Plan.Describe() ?? "cross-validation";
        o.WriteLine($"verification: {plan}; learning rate tuned inside each training part; test {r.Metric} ({(r.Verification.LowerIsBetter ? "lower" : "higher")} is better) — {rec.MetricReason}");
        foreach (CandidateResult c in r.Verification.Ranking)
        {
            string mark = c.Loss == rec.Loss && c.Optimizer == rec.Optimizer ? " ← recommended" : string.Empty;
            string score = double.IsFinite(c.Mean) ? string.Create(CultureInfo.InvariantCulture, $"{TextNumber.G(c.Mean, 5),10} ± {TextNumber.G(c.Std, 3)}") : $"failed in {c.Diverged} of {c.Scores.Length} splits";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Loss,-32} {c.Optimizer,-28} {score}{mark}"));
        }

        o.WriteLine();
        o.WriteLine(r.Verdict);
        if (r.Outcome?.Settle is string settle)
        {
            o.WriteLine($"to settle it: {settle}");
        }

        if (rec.Warnings.Count > 0)
        {
            o.WriteLine();
            foreach (string warning in rec.Warnings)
            {
                o.WriteLine($"warning: {warning}");
            }
        }
    }
}
