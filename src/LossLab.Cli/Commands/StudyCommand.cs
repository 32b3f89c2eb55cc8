using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab;
using LossLab.Lab.Experiments;
using LossLab.Lab.Studies;
using LossLab.Reports;

namespace LossLab.Cli.Commands;

/// <summary>
/// <c>losslab study work|list|show|report</c>: a persistent <c>compare</c> study in a storage (SQLite file or PostgreSQL),
/// worked on by any number of processes on any machines (see docs/STUDIES.md).
/// </summary>
internal static class StudyCommand
{
    /// <summary>The storage when <c>--storage</c> is not given: a SQLite file in the current folder.</summary>
    internal const string DefaultStorage = StudyStorage.DefaultUrl;

    public static Command Create(CliContext context)
    {
        var command = new Command("study", "Persistent compare studies that many processes and machines work on: work, list, show, report (see docs/STUDIES.md)")
        {
            CreateWork(context),
            CreateList(context),
            CreateShow(context),
            CreateReport(context),
        };
        return command;
    }

    /// <summary>The <c>--storage URL</c> option.</summary>
    internal static Option<string> StorageOption() => new("--storage")
    {
        Description = $"Where studies live: sqlite:PATH or postgresql://user@host:port/db (password from PGPASSWORD or ~/.pgpass); default {DefaultStorage}",
        DefaultValueFactory = _ => DefaultStorage,
        HelpName = "URL",
    };

    private static Option<string> NameOption(bool required) => new("--name")
    {
        Description = "The study's name (as given to compare --study NAME)",
        Required = required,
    };

    private static Command CreateWork(CliContext context)
    {
        var storage = StorageOption();
        var name = NameOption(true);
        var threads = new Option<int?>("--threads") { Description = "Trials at once in this process (default: all cores)" };
        var lease = new Option<double>("--lease") { Description = "Seconds a claimed trial stays this worker's without a heartbeat (renewed every third of it); a dead worker's trial is claimed again after it", DefaultValueFactory = _ => DefaultLease.TotalSeconds, HelpName = "SECONDS" };
        var command = new Command("work", "Join a study from any machine and work on its trials until none is left") { storage, name, threads, lease };
        command.SetAction(parsed =>
        {
            int? t = parsed.GetValue(threads) is int n ? (n >= 1 ? n : throw new UserException("--threads: must be >= 1")) : null;
            double seconds = parsed.GetValue(lease);
            if (!(seconds >= 1 && seconds <= 86_400))
            {
                throw new UserException($"--lease {seconds.ToString(CultureInfo.InvariantCulture)}: must lie in [1, 86400] seconds (default {DefaultLease.TotalSeconds})");
            }

            using IStudyStorage store = Open(parsed.GetValue(storage)!);
            string study = parsed.GetValue(name)!;
            StudyInfo info = Require(store, study);
            StudyDefinition definition = StudyDefinition.Load(info.Definition, store.ReadData(study));
            int worked = Work(store, study, definition, t, context, TimeSpan.FromSeconds(seconds));
            TrialCounts counts = store.Counts(study);
            context.Out.WriteLine($"study {study}: this process completed {worked} trial{(worked == 1 ? string.Empty : "s")}; {Describe(counts)}");
            context.Cancellation.ThrowIfCancellationRequested();
        });
        return command;
    }

    private static Command CreateList(CliContext context)
    {
        var storage = StorageOption();
        var json = JsonOutput.CreateOption();
        var command = new Command("list", "The studies in a storage, oldest first, with their progress") { storage, json };
        command.SetAction(parsed =>
        {
            using IStudyStorage store = Open(parsed.GetValue(storage)!);
            var array = new JsonArray();
            var lines = new List<string>();
            foreach (StudyInfo info in store.List())
            {
                TrialCounts counts = store.Counts(info.Name);
                array.Add(new JsonObject
                {
                    ["name"] = info.Name,
                    ["status"] = Status(counts),
                    ["trials"] = Trials(counts),
                    ["created"] = info.Created.ToString("O", CultureInfo.InvariantCulture),
                    ["fingerprint"] = info.Fingerprint,
                });
                lines.Add($"{info.Name}: {Status(counts)}, {Describe(counts)} (created {info.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC)");
            }

            if (!JsonOutput.Emit(parsed, json, new JsonObject { ["storage"] = store.Describe, ["studies"] = array }, context.Out))
            {
                context.Out.WriteLine(lines.Count == 0 ? $"no studies in {store.Describe}; start one with 'losslab compare … --study NAME'" : string.Join(Environment.NewLine, lines));
            }
        });
        return command;
    }

    private static Command CreateShow(CliContext context)
    {
        var storage = StorageOption();
        var name = NameOption(true);
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("show", "A study's progress (trials, workers, throughput, ETA) and, when done, the same ranking and statistics as compare") { storage, name, json, outDir };
        command.SetAction(parsed => Show(parsed, storage, name, json, outDir, context, requireDone: false));
        return command;
    }

    private static Command CreateReport(CliContext context)
    {
        var storage = StorageOption();
        var name = NameOption(true);
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("report", "The result of a finished study, as compare prints it (with --out DIR: the same report as compare --out)") { storage, name, json, outDir };
        command.SetAction(parsed => Show(parsed, storage, name, json, outDir, context, requireDone: true));
        return command;
    }

    private static void Show(ParseResult parsed, Option<string> storage, Option<string> name, Option<string?> json, Option<string?> outDir, CliContext context, bool requireDone)
    {
        ReportOutput.CheckFolder(parsed.GetValue(outDir));
        using IStudyStorage store = Open(parsed.GetValue(storage)!);
        string study = parsed.GetValue(name)!;
        StudyInfo info = Require(store, study);
        TrialCounts counts = store.Counts(study);
        IReadOnlyList<WorkerInfo> workers = store.Workers(study);
        bool done = counts.Done == counts.Total;
        if (requireDone && !done)
        {
            throw new UserException($"study {study}: not finished ({Describe(counts)}); work on it with 'losslab study work --storage {store.Describe} --name {study}' or see 'losslab study show'");
        }

        if (parsed.GetValue(outDir) is not null && !done)
        {
            throw new UserException($"--out: study {study} is not finished ({Describe(counts)}); the report is written once every trial is done");
        }

        var document = new JsonObject
        {
            ["name"] = study,
            ["status"] = Status(counts),
            ["trials"] = Trials(counts),
            ["workers"] = new JsonArray([.. workers.Select(w => (JsonNode)new JsonObject
            {
                ["id"] = w.Id,
                ["host"] = w.Host,
                ["first_seen"] = w.FirstSeen.ToString("O", CultureInfo.InvariantCulture),
                ["last_seen"] = w.LastSeen.ToString("O", CultureInfo.InvariantCulture),
                ["trials_done"] = w.TrialsDone,
            })]),
        };
        (double? perMinute, TimeSpan? eta) = Pace(counts, workers);
        document["throughput_per_minute"] = perMinute;
        document["eta_seconds"] = eta?.TotalSeconds;
        StudyDefinition? definition = null;
        CompareResult? result = null;
        if (done)
        {
            definition = StudyDefinition.Load(info.Definition, store.ReadData(study));
            result = Study.Result(store, study);
            foreach (var (key, value) in CompareCommand.ToJson($"study:{study}", definition.Dataset, definition.Settings, result))
            {
                document[key] = value?.DeepClone();
            }
        }

        if (!JsonOutput.Emit(parsed, json, document, context.Out))
        {
            if (!requireDone)
            {
                WriteProgress(context.Out, study, store.Describe, counts, workers);
            }

            if (result is not null)
            {
                CompareCommand.WriteHuman(context.Out, definition!.Dataset, result, $"study {study}");
            }
        }

        if (result is not null)
        {
            ReportOutput.WriteIfAsked(
                parsed, outDir, json, () => CompareReport.Build(ReportOutput.CommandLine(parsed), $"study:{study}", definition!.Dataset, definition.Settings, result), document, context);
        }
    }

    /// <summary>
    /// Opens and prepares a storage; a URL that does not parse or a storage that cannot be reached is one error line. A
    /// SQLite file is created only when <paramref name="create"/> (compare --study); the study commands need it to exist.
    /// </summary>
    internal static IStudyStorage Open(string url, bool create = false)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new UserException($"--storage: empty; give sqlite:PATH or postgresql://user@host:port/db (default {DefaultStorage})");
        }

        // Reading a study never creates a SQLite file: a mistyped path is an error, not a new empty storage.
        if (!create && url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) && url.Length > "sqlite:".Length && !File.Exists(url["sqlite:".Length..]))
        {
            throw new UserException($"--storage {url}: no such file; studies are created by 'losslab compare … --study NAME --storage {url}' (check the path and the current folder)");
        }

        return StudyStorage.Open(url);
    }

    private static StudyInfo Require(IStudyStorage store, string name)
    {
        if (store.Find(name) is StudyInfo info)
        {
            return info;
        }

        string[] names = [.. store.List().Select(s => s.Name)];
        string? near = names.OrderBy(n => App.Distance(n, name)).FirstOrDefault(n => App.Distance(n, name) <= Math.Max(2, n.Length / 3));
        throw new UserException($"--name {App.Shorten(name)}: no such study in {store.Describe}{(near is null ? string.Empty : $"; did you mean '{near}'?")} ({(names.Length == 0 ? "it has none; start one with 'losslab compare … --study NAME'" : "see 'losslab study list'")})");
    }

    /// <summary>
    /// Works on the study's trials with <paramref name="threads"/> workers in this process (default: all cores) until
    /// none is left to claim or Ctrl-C (the leases held are released); returns the trials this process completed.
    /// </summary>
    internal static int Work(IStudyStorage storage, string name, StudyDefinition definition, int? threads, CliContext context, TimeSpan? lease = null)
    {
        int count = threads ?? Environment.ProcessorCount;
        string host = Environment.MachineName;
        LossLab.Lab.Verification.VerificationPlan plan = definition.Plan();
        return CompareCommand.WithProgress(context, bar =>
        {
            // Without a progress bar (a log file, a batch job) one line at most every 30 s says how far the study is.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long next = LogEvery;
            var gate = new Lock();
            Action<int, int> progress = bar ?? ((done, total) =>
            {
                lock (gate)
                {
                    if (clock.ElapsedMilliseconds >= next)
                    {
                        next = clock.ElapsedMilliseconds + LogEvery;
                        context.Error.WriteLine($"losslab: study {name}: {done} of {total} trials done");
                    }
                }
            });
            var workers = new StudyWorker[count];
            var tasks = new Task[count];
            for (int k = 0; k < count; k++)
            {
                // One worker id per thread: each holds its own leases, and Ctrl-C releases each one's.
                var worker = workers[k] = new StudyWorker(storage, name, plan, $"{host}:{Environment.ProcessId}:{k + 1}") { Lease = lease ?? DefaultLease };
                tasks[k] = Task.Factory.StartNew(
                    () => worker.Work(p => progress(p.Counts.Done, p.Counts.Total), context.Cancellation),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }

            Task.WaitAll(tasks);
            return workers.Sum(w => w.Completed);
        });
    }

    /// <summary>How long a claimed trial stays a worker's without a heartbeat.</summary>
    private static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(2);

    /// <summary>Milliseconds between two progress lines of a worker without a progress bar.</summary>
    private const long LogEvery = 30_000;

    /// <summary>The study's state: queued (nothing started), running, done (every trial), or failed (no trial left to run, some failed).</summary>
    internal static string Status(TrialCounts c)
        => c.Done == c.Total ? "done"
        : c.Queued == 0 && c.Running == 0 && c.Failed > 0 ? "failed"
        : c.Done == 0 && c.Running == 0 && c.Failed == 0 ? "queued"
        : "running";

    private static JsonObject Trials(TrialCounts c)
        => new() { ["total"] = c.Total, ["queued"] = c.Queued, ["running"] = c.Running, ["done"] = c.Done, ["failed"] = c.Failed };

    /// <summary>"12 of 40 trials done, 2 running, 26 queued, 0 failed".</summary>
    internal static string Describe(TrialCounts c)
        => $"{c.Done} of {c.Total} trials done, {c.Running} running, {c.Queued} queued, {c.Failed} failed";

    /// <summary>
    /// Trials done per minute from the workers' first and last sightings (the span from the first worker's start to the
    /// last worker's latest sighting), and the time left at that pace; null when nothing is done yet.
    /// </summary>
    internal static (double? PerMinute, TimeSpan? Eta) Pace(TrialCounts counts, IReadOnlyList<WorkerInfo> workers)
    {
        int done = workers.Sum(w => w.TrialsDone);
        if (workers.Count == 0 || done == 0)
        {
            return (null, null);
        }

        double minutes = (workers.Max(w => w.LastSeen) - workers.Min(w => w.FirstSeen)).TotalMinutes;
        if (!(minutes > 0))
        {
            return (null, null);
        }

        double perMinute = done / minutes;
        int left = counts.Queued + counts.Running;
        return (perMinute, left == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(left / perMinute));
    }

    private static void WriteProgress(TextWriter o, string name, string storage, TrialCounts counts, IReadOnlyList<WorkerInfo> workers)
    {
        o.WriteLine($"study {name} ({storage}): {Status(counts)}");
        o.WriteLine($"trials: {counts.Total} total, {counts.Queued} queued, {counts.Running} running, {counts.Done} done, {counts.Failed} failed");
        (double? perMinute, TimeSpan? eta) = Pace(counts, workers);
        string pace = perMinute is double p
            ? string.Create(CultureInfo.InvariantCulture, $"{TextNumber.G(p, 3)} trials/min{(eta is TimeSpan e && counts.Done < counts.Total ? $", about {Duration(e)} left at that pace" : string.Empty)}")
            : "no trial done yet";
        o.WriteLine($"workers: {workers.Count} seen; throughput: {pace}");
        foreach (WorkerInfo w in workers)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {w.Id,-32} {w.TrialsDone,6} done, last seen {w.LastSeen:yyyy-MM-dd HH:mm:ss} UTC"));
        }

        if (counts.Failed > 0)
        {
            o.WriteLine($"{counts.Failed} trial{(counts.Failed == 1 ? string.Empty : "s")} failed after every attempt; the errors are in the storage's trials table");
        }
    }

    private static string Duration(TimeSpan t)
        => t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes} min")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)t.TotalSeconds)} s");
}
