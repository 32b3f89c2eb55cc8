using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Studies;
using LossLab.Reports;
using Spectre.Console;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab compare</c>: losses × optimizers on the user's data, with the same tuning budget for each.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "CSV file (a pipe or - for standard input too) or builtin:NAME", Required = true };
        var target = new Option<string?>("--target") { Description = "Target column (built-in data have a default)" };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated" };
        var task = new Option<string?>("--task") { Description = "regression, binary or multiclass (default: inferred)" };
        task.CompletionSources.Add("regression", "binary", "multiclass");
        var losses = new Option<string>("--losses") { Description = "Loss specs, comma-separated (use ';' when a spec contains commas)", Required = true };
        var optimizers = new Option<string>("--optimizers") { Description = "Optimizer specs, comma-separated (use ';' when a spec contains commas)", Required = true };
        var lrs = new Option<string>("--lrs") { Description = "Learning rates to search, comma-separated, or auto (0.001 … 0.3)", DefaultValueFactory = _ => "auto" };
        var folds = new Option<string>("--folds") { Description = "Folds per repeat (default 5), 'time' or time:K for forward-chaining splits (chosen automatically when a date column orders the rows), 'shuffled' or shuffled:K to shuffle anyway", DefaultValueFactory = _ => "5" };
        var repeats = new Option<int>("--repeats") { Description = "Repeats of the K-fold assignment, each a new shuffle", DefaultValueFactory = _ => 4 };
        var seeds = new Option<int>("--seeds") { Description = "Seeds: each adds --repeats new fold assignments (new folds, new initialisations)", DefaultValueFactory = _ => 1 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs per run", DefaultValueFactory = _ => 50 };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per step (0: full batch up to 2048 rows, else 256)", DefaultValueFactory = _ => 0 };
        var model = new Option<string>("--model") { Description = "Model spec", DefaultValueFactory = _ => "linear" };
        var metric = new Option<string?>("--metric") { Description = "Metric to rank by (default: rmse for regression, log_loss for classification)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the folds", DefaultValueFactory = _ => 0 };
        var threads = new Option<int?>("--threads") { Description = "Runs at once (default: all cores); results do not depend on it" };
        var dropMissing = new Option<bool>("--drop-missing") { Description = "Drop rows with missing values instead of failing" };
        var yes = new Option<bool>("--yes") { Description = $"Run even when the plan has more than {MaxRunsWithoutYes:N0} (candidate, split) runs" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var study = new Option<string?>("--study") { Description = "Run as a persistent study of this name: resumable, and any number of processes and machines can join it (see docs/STUDIES.md)", HelpName = "NAME" };
        var storage = StudyCommand.StorageOption();
        var command = new Command("compare", "Fair comparison of losses × optimizers on your data: same learning-rate search, folds and seeds for all")
        {
            data, target, features, task, losses, optimizers, lrs, folds, repeats, seeds, epochs, batchSize, model, metric, seed, threads, dropMissing, yes, json, outDir, study, storage,
        };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            Dataset dataset = DataSource.Load(parsed.GetValue(data)!, parsed.GetValue(target), SplitList(parsed.GetValue(features)), FitCommand.ParseTask(parsed.GetValue(task)), parsed.GetValue(dropMissing), context.Cancellation);
            (int foldCount, LossLab.Lab.Verification.FoldScheme? scheme) = AdviseCommand.ParseFolds(parsed.GetValue(folds)!);
            int limit = Math.Max(2, dataset.Rows / 2);
            if (foldCount < 2 || foldCount > limit)
            {
                throw new UserException($"--folds {foldCount}: must lie in [2, {limit}] for {dataset.Rows} rows");
            }

            if (parsed.GetValue(repeats) < 1 || parsed.GetValue(seeds) < 1)
            {
                throw new UserException("--repeats and --seeds: must be >= 1");
            }

            var settings = new CompareSettings
            {
                Losses = SplitSpecs(parsed.GetValue(losses)!, "--losses"),
                Optimizers = SplitSpecs(parsed.GetValue(optimizers)!, "--optimizers"),
                LearningRates = ParseRates(parsed.GetValue(lrs)!),
                Folds = foldCount,
                Repeats = parsed.GetValue(repeats),
                Seeds = parsed.GetValue(seeds),
                Scheme = scheme,
                Epochs = parsed.GetValue(epochs) >= 1 ? parsed.GetValue(epochs) : throw new UserException("--epochs: must be >= 1"),
                BatchSize = parsed.GetValue(batchSize) >= 0 ? parsed.GetValue(batchSize) : throw new UserException("--batch-size: must be >= 0"),
                Model = parsed.GetValue(model)!,
                Metric = parsed.GetValue(metric),
                Seed = parsed.GetValue(seed),
                Parallelism = parsed.GetValue(threads) is int t ? (t >= 1 ? t : throw new UserException("--threads: must be >= 1")) : null,
            };

            foreach (string note in dataset.Notes)
            {
                context.Error.WriteLine($"losslab: note: {note}");
            }

            long planned = (long)settings.Losses.Count * settings.Optimizers.Count * settings.Folds * settings.Repeats * settings.Seeds;
            int grid = (settings.LearningRates ?? CompareSettings.AutoRates).Count;
            if (planned > MaxRunsWithoutYes && !parsed.GetValue(yes))
            {
                throw new UserException($"this plan has {planned:N0} (candidate, split) runs, each training {grid + 2} models (the learning-rate grid, one extension, the refit): more than {MaxRunsWithoutYes:N0}; lower --seeds, --repeats or --folds, or pass --yes to run it");
            }

            bool time = scheme == LossLab.Lab.Verification.FoldScheme.Time || (scheme is null && dataset.TimeColumn is not null);
            if (time && (parsed.GetValue(seeds) > 1 || parsed.GetValue(repeats) != 4))
            {
                context.Error.WriteLine("losslab: note: forward-chaining time splits are made once: --repeats and --seeds do not add splits (they apply to shuffled folds)");
            }

            CompareResult result = parsed.GetValue(study) is string name
                ? RunStudy(name, parsed.GetValue(storage)!, dataset, settings, context)
                : RunWithProgress(dataset, settings, context);
            JsonObject document = ToJson(parsed.GetValue(data)!, dataset, settings, result);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, dataset, result);
            }

            ReportOutput.WriteIfAsked(
                parsed, outDir, json, () => CompareReport.Build(ReportOutput.CommandLine(parsed), parsed.GetValue(data)!, dataset, settings, result), document, context);
            if (result.Cancelled)
            {
                // The finished candidates are written above; Ctrl-C still ends the command with its own code (130).
                throw new OperationCanceledException(context.Cancellation);
            }
        });
        return command;
    }

    private static CompareResult RunWithProgress(Dataset dataset, CompareSettings settings, CliContext context)
        => WithProgress(context, progress => Compare.Run(dataset, settings, progress, context.Cancellation));

    /// <summary>
    /// Creates the study (or joins it when one of that name has the same definition and data), works on its trials until
    /// every one is done (waiting for trials other processes hold), and assembles the same result as <see cref="Compare.Run"/>.
    /// On Ctrl-C the leases held are released and the command ends with 130; running it again resumes.
    /// </summary>
    private static CompareResult RunStudy(string name, string url, Dataset dataset, CompareSettings settings, CliContext context)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new UserException("--study: empty name; give a name such as --study mlp-grid");
        }

        StudyDefinition definition = StudyDefinition.Create(dataset, settings);
        using IStudyStorage storage = StudyCommand.Open(url, create: true);
        TrialCounts before = storage.Find(name) is null ? new TrialCounts(0, 0, 0, 0, 0) : storage.Counts(name);
        StudyInfo info = storage.CreateOrJoin(name, definition.Json, definition.Data, definition.Fingerprint, definition.Plan().Trials);
        context.Error.WriteLine(before.Total == 0
            ? $"losslab: study {name}: created in {storage.Describe} with {info.Trials} trials; other processes can join it with 'losslab study work --storage {storage.Describe} --name {name}'"
            : $"losslab: study {name}: joined in {storage.Describe} ({StudyCommand.Describe(before)})");
        while (true)
        {
            StudyCommand.Work(storage, name, definition, settings.Parallelism, context);
            TrialCounts counts = storage.Counts(name);
            if (context.Cancellation.IsCancellationRequested)
            {
                context.Error.WriteLine($"losslab: study {name}: stopped, leases released ({StudyCommand.Describe(counts)}); run the same command again to resume");
                throw new OperationCanceledException(context.Cancellation);
            }

            if (counts.Done == counts.Total)
            {
                return Study.Result(storage, name);
            }

            if (counts.Queued == 0 && counts.Running == 0)
            {
                throw new UserException($"study {name}: {counts.Failed} trial{(counts.Failed == 1 ? string.Empty : "s")} failed after every attempt ({StudyCommand.Describe(counts)}); see 'losslab study show --storage {storage.Describe} --name {name}'");
            }

            // Other processes hold the last trials: wait for them (a trial whose worker died is claimed again when its lease expires).
            context.Cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar on an interactive stderr (none when it is redirected).</summary>
    internal static T WithProgress<T>(CliContext context, Func<Action<int, int>?, T> work)
    {
        bool showBar = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        if (!showBar)
        {
            return work(null);
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress().AutoClear(true).Start(ctx =>
        {
            ProgressTask bar = ctx.AddTask("runs");
            result = work((finished, total) =>
            {
                bar.MaxValue = total;
                bar.Value = finished;
            });
        });
        return result;
    }

    /// <summary>The most (candidate, split) runs a comparison starts without <c>--yes</c>.</summary>
    internal const long MaxRunsWithoutYes = 20_000;

    /// <summary>Splits a list on ';' when it has one, else on ','.</summary>
    internal static string[] SplitSpecs(string text, string option)
    {
        char separator = text.Contains(';', StringComparison.Ordinal) ? ';' : ',';
        string[] parts = text.Split(separator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (separator == ',' && parts.Any(p => p.Contains('=', StringComparison.Ordinal) && !p.Contains(':', StringComparison.Ordinal)))
        {
            throw new UserException($"{option} '{text}': a spec with several key=value pairs contains commas; separate the specs with ';' instead");
        }

        if (parts.Length == 0)
        {
            throw new UserException($"{option}: empty list; give one or more specs such as mse,l1,huber");
        }

        string? repeated = parts.GroupBy(p => p, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        return repeated is null ? parts : throw new UserException($"{option}: '{repeated}' is listed twice; each candidate is compared once");
    }

    private static string[]? SplitList(string? text) => text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    internal static double[]? ParseRates(string text)
    {
        if (text == "auto")
        {
            return null;
        }

        return text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
            double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
                ? v
                : throw new UserException($"--lrs: '{part}' is not a positive number; give e.g. 0.001,0.01,0.1 or auto")).ToArray();
    }

    internal static JsonObject ToJson(string dataText, Dataset dataset, CompareSettings settings, CompareResult r)
    {
        var ranking = new JsonArray();
        int rank = 1;
        foreach (CandidateResult c in r.Ranking)
        {
            var search = new JsonArray();
            foreach (var (lr, mean) in c.Search)
            {
                search.Add(new JsonObject { ["lr"] = lr, ["score"] = JsonOutput.Finite(mean) });
            }

            ranking.Add(new JsonObject
            {
                ["rank"] = rank++,
                ["loss"] = c.Loss,
                ["optimizer"] = c.Optimizer,
                ["lr"] = JsonOutput.Finite(c.LearningRate),
                ["metric"] = r.Metric,
                ["mean"] = JsonOutput.Finite(c.Mean),
                ["std"] = JsonOutput.Finite(c.Std),
                ["scores"] = new JsonArray(c.Scores.Select(JsonOutput.Finite).ToArray()),
                ["diverged_runs"] = c.Diverged,
                ["lr_search"] = search,
                ["metrics"] = JsonOutput.Numbers(c.Metrics),
                ["vs_best"] = c.VersusBest is LossLab.Lab.Verification.Comparison v
                    ? new JsonObject
                    {
                        ["mean_difference"] = JsonOutput.Finite(v.MeanDifference),
                        ["ci95"] = new JsonArray(JsonOutput.Finite(v.Low), JsonOutput.Finite(v.High)),
                        ["p_value"] = JsonOutput.Finite(v.PValue),
                        ["p_adjusted"] = JsonOutput.Finite(v.PAdjusted),
                        ["test"] = r.Run is null ? LossLab.Lab.Verification.Comparison.Test : LossLab.Lab.Verification.Judgement.TestOf(r.Run),
                    }
                    : null,
            });
        }

        return new JsonObject
        {
            ["data"] = dataText,
            ["task"] = dataset.Task.ToString().ToLowerInvariant(),
            ["rows"] = dataset.Rows,
            ["metric"] = r.Metric,
            ["lower_is_better"] = r.LowerIsBetter,
            ["folds"] = settings.Folds,
            ["repeats"] = settings.Repeats,
            ["seeds"] = settings.Seeds,
            ["resampling"] = r.Run?.Plan.Describe(),
            ["splits"] = r.Run?.Plan.SplitCount,
            ["epochs"] = settings.Epochs,
            ["learning_rates"] = new JsonArray((settings.LearningRates ?? CompareSettings.AutoRates).Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["ranking"] = ranking,
            ["winner_vs_runner_up"] = r.WinnerVsRunnerUp is PairedTest t
                ? new JsonObject { ["mean_difference"] = JsonOutput.Finite(t.MeanDifference), ["ci95"] = new JsonArray(JsonOutput.Finite(t.Low), JsonOutput.Finite(t.High)), ["t"] = JsonOutput.Finite(t.TStatistic), ["p_value"] = JsonOutput.Finite(t.PValue), ["pairs"] = t.Pairs, ["test"] = t.Test }
                : null,
            ["friedman"] = r.Ranks is LossLab.Lab.Verification.RankTest f
                ? new JsonObject
                {
                    ["statistic"] = JsonOutput.Finite(f.Statistic),
                    ["p_value"] = JsonOutput.Finite(f.PValue),
                    ["nemenyi_critical_difference"] = JsonOutput.Finite(f.CriticalDifference),
                    ["average_ranks"] = new JsonObject([.. f.Labels.Select((l, i) => KeyValuePair.Create(l, (JsonNode?)JsonOutput.Finite(f.AverageRanks[i])))]),
                }
                : null,
            ["cancelled"] = r.Cancelled,
            ["runs"] = new JsonObject { ["completed"] = r.RunsCompleted, ["total"] = r.RunsTotal },
        };
    }

    internal static void WriteHuman(TextWriter o, Dataset dataset, CompareResult r, string? name = null)
    {
        // A single learning rate (and no threshold) leaves nothing to tune: no inner run, no inner scores.
        bool tuned = r.Run is null || r.Run.Candidates.Any(c => c.Splits.Any(s => s.InnerScores.Length > 0));
        string rates = tuned ? "learning rate tuned inside each training part" : "one learning rate (nothing to tune)";
        o.WriteLine($"{name ?? dataset.Name}: {dataset.Rows} rows, {dataset.Task.ToString().ToLowerInvariant()}; {r.Run?.Plan.Describe() ?? "cross-validation"}, {rates}; ranked by test {r.Metric} ({(r.LowerIsBetter ? "lower" : "higher")} is better), mean ± std over the splits");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"#",3} {"loss",-28} {"optimizer",-30} {"mean",10} {"± std",10}  vs best: difference [95% CI], Holm p"));
        int rank = 1;
        bool bestFailed = r.Ranking.Count > 0 && r.Ranking[0].Diverged > 0;
        foreach (CandidateResult c in r.Ranking)
        {
            string versus = !bestFailed && c.Diverged < c.Scores.Length && c.VersusBest is LossLab.Lab.Verification.Comparison v
                ? string.Create(CultureInfo.InvariantCulture, $"  {TextNumber.G(-v.MeanDifference, 3)} [{TextNumber.G(-v.High, 3)}, {TextNumber.G(-v.Low, 3)}], p = {LossLab.Lab.Verification.Judgement.P(v.PAdjusted)}")
                : rank == 1 && r.Ranking.Count > 1 ? (bestFailed ? "  fewest failures" : "  best") : string.Empty;
            string score = double.IsFinite(c.Mean) ? string.Create(CultureInfo.InvariantCulture, $"{TextNumber.G(c.Mean, 5),10} {TextNumber.G(c.Std, 3),10}") : $"{"failed",10} {"—",10}";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rank++,3} {c.Loss,-28} {c.Optimizer,-30} {score}{versus}{(c.Diverged > 0 ? $"  (failed in {c.Diverged} of {c.Scores.Length} splits: every rate diverged or the predictions left the data's scale)" : string.Empty)}"));
        }

        if (bestFailed)
        {
            CandidateResult fewest = r.Ranking[0];
            o.WriteLine($"no statistics: every candidate failed in some splits (the fewest failures: {fewest.Loss} with {fewest.Optimizer}, {fewest.Diverged} of {fewest.Scores.Length}), so no two can be compared on the same splits; lower the learning rates (--lrs 0.001,0.01,0.1) or add --clip-norm, and run again");
        }
        else if (r.WinnerVsRunnerUp is PairedTest t)
        {
            string verdict = t.PValue < 0.05 ? "the winner is significantly better" : "no significant difference: the data cannot separate them";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"winner vs runner-up: {verdict} (difference {TextNumber.G(t.MeanDifference, 3)}, 95% CI [{TextNumber.G(t.Low, 3)}, {TextNumber.G(t.High, 3)}], p = {LossLab.Lab.Verification.Judgement.P(t.PValue)}, {t.Test}, {t.Pairs} splits)"));
        }

        if (!bestFailed && r.Ranks is LossLab.Lab.Verification.RankTest f)
        {
            double best = f.AverageRanks.Min();
            string[] tied = [.. f.Labels.Select((l, i) => (l, r: f.AverageRanks[i])).Where(p => p.r - best <= f.CriticalDifference && p.r > best).OrderBy(p => p.r).Select(p => p.l)];
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ranks over the splits (descriptive: the splits share rows): Friedman χ² = {TextNumber.G(f.Statistic, 3)}, p = {LossLab.Lab.Verification.Judgement.P(f.PValue)}; within Nemenyi's critical difference {TextNumber.G(f.CriticalDifference, 3)} of the best rank: {(tied.Length > 0 ? string.Join(", ", tied) : "none")}"));
        }

        if (r.Cancelled)
        {
            o.WriteLine($"cancelled after {r.RunsCompleted} of {r.RunsTotal} (candidate, split) runs: only candidates whose splits all finished are ranked");
        }
    }
}
