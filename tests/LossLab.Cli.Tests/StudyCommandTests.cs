using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LossLab.Cli.Commands;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Studies;

namespace LossLab.Cli.Tests;

/// <summary><c>compare --study</c> and <c>losslab study …</c> on SQLite files (issue 16): the same result as <c>compare</c>, resumable, shared.</summary>
public sealed class StudyCommandTests
{
    /// <summary>A small comparison: 2 losses × 1 optimizer × 3 folds = 6 trials.</summary>
    private static readonly string[] Small =
        ["compare", "--data", "builtin:seed", "--losses", "mse,l1", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "3", "--repeats", "1", "--epochs", "20"];

    private static string Storage(out string folder)
    {
        folder = SpecialFileTests.Folder();
        return "sqlite:" + Path.Combine(folder, "studies.db");
    }

    private static string[] With(string[] args, params string[] more) => [.. args, .. more];

    /// <summary>The compare fields of a document (everything but the study's own fields), as one canonical string.</summary>
    internal static string CompareFields(string json)
    {
        JsonObject o = JsonNode.Parse(json)!.AsObject();
        foreach (string key in new[] { "name", "status", "trials", "workers", "throughput_per_minute", "eta_seconds", "data" })
        {
            o.Remove(key);
        }

        return o.ToJsonString();
    }

    [Fact]
    public void Compare_with_a_study_prints_exactly_what_compare_prints()
    {
        string storage = Storage(out _);
        var plain = CliRunner.Run(With(Small, "--json"));
        Assert.True(plain.Code == 0, plain.Err);
        var study = CliRunner.Run(With(Small, "--json", "--study", "small", "--storage", storage));
        Assert.True(study.Code == 0, study.Err);
        Assert.Equal(plain.Out, study.Out);
        Assert.Contains("study small: created", study.Err, StringComparison.Ordinal);

        // Run again: the study is joined, nothing is re-run, the same document comes back; the text output is compare's too.
        var again = CliRunner.Run(With(Small, "--study", "small", "--storage", storage));
        var text = CliRunner.Run(Small);
        Assert.True(again.Code == 0, again.Err);
        Assert.Equal(text.Out, again.Out);
        Assert.Contains("joined", again.Err, StringComparison.Ordinal);
        Assert.Contains("6 of 6 trials done", again.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Study_show_json_has_the_progress_then_the_compare_fields()
    {
        string storage = Storage(out _);
        var plain = CliRunner.Run(With(Small, "--json"));
        Assert.True(CliRunner.Run(With(Small, "--study", "s1", "--storage", storage)).Code == 0);
        var (code, output, error) = CliRunner.Run("study", "show", "--storage", storage, "--name", "s1", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        string[] keys = [.. root.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["name", "status", "trials", "workers"], keys[..4]);
        Assert.Equal("done", root.GetProperty("status").GetString());
        JsonElement trials = root.GetProperty("trials");
        Assert.Equal(6, trials.GetProperty("total").GetInt32());
        Assert.Equal(6, trials.GetProperty("done").GetInt32());
        Assert.Equal(0, trials.GetProperty("queued").GetInt32() + trials.GetProperty("running").GetInt32() + trials.GetProperty("failed").GetInt32());
        Assert.Equal(6, root.GetProperty("workers").EnumerateArray().Sum(w => w.GetProperty("trials_done").GetInt32()));
        Assert.Equal(CompareFields(plain.Out), CompareFields(output));

        var list = CliRunner.Run("study", "list", "--storage", storage);
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains("s1: done, 6 of 6 trials done", list.Out, StringComparison.Ordinal);
        var report = CliRunner.Run("study", "report", "--storage", storage, "--name", "s1", "--json");
        Assert.True(report.Code == 0, report.Err);
        Assert.Equal(CompareFields(plain.Out), CompareFields(report.Out));
    }

    [Fact]
    public void A_different_definition_under_the_same_name_is_one_error_line_naming_the_difference()
    {
        string storage = Storage(out _);
        Assert.Equal(0, CliRunner.Run(With(Small, "--study", "grid", "--storage", storage)).Code);
        string[] other = [.. Small.Select(a => a == "20" ? "25" : a)];
        var (code, output, error) = CliRunner.Run(With(other, "--study", "grid", "--storage", storage));
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("losslab: error:", StringComparison.Ordinal));
        Assert.Contains("epochs", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_study_unfinished_report_and_bad_storage_are_one_line_errors()
    {
        string storage = Storage(out string folder);
        var noFile = CliRunner.Run("study", "list", "--storage", storage);
        Assert.Equal(1, noFile.Code);
        Assert.StartsWith($"losslab: error: --storage {storage}: no such file", noFile.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "studies.db")), "a read created the storage");

        CreateStudy(storage, "later");
        var missing = CliRunner.Run("study", "show", "--storage", storage, "--name", "nope");
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("losslab: error: --name nope: no such study", missing.Err, StringComparison.Ordinal);

        var bad = CliRunner.Run("study", "list", "--storage", "mysql://x");
        Assert.Equal(1, bad.Code);
        Assert.StartsWith("losslab: error:", bad.Err, StringComparison.Ordinal);
        Assert.Single(bad.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var badPath = CliRunner.Run("study", "list", "--storage", "sqlite:" + Path.Combine(folder, "no-such-folder", "x.db"));
        Assert.Equal(1, badPath.Code);
        Assert.StartsWith("losslab: error:", badPath.Err, StringComparison.Ordinal);

        var report = CliRunner.Run("study", "report", "--storage", storage, "--name", "later");
        Assert.Equal(1, report.Code);
        Assert.Contains("not finished (0 of 6 trials done", report.Err, StringComparison.Ordinal);
        var show = CliRunner.Run("study", "show", "--storage", storage, "--name", "later");
        Assert.True(show.Code == 0, show.Err);
        Assert.Contains("study later", show.Out, StringComparison.Ordinal);
        Assert.Contains("trials: 6 total, 6 queued, 0 running, 0 done, 0 failed", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_interrupted_and_resumed_gives_the_same_result_as_compare()
    {
        string storage = Storage(out _);
        string[] args = ["compare", "--data", "builtin:diabetes", "--losses", "mse,l1", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "5", "--repeats", "1", "--epochs", "20000", "--threads", "1"];
        using var cancellation = new CancellationTokenSource();
        // Ctrl-C once the first trial is stored (the storage is opened before the run starts, so the watcher is ready). The
        // candidates of a split train together, so trials are stored a split at a time: 5 splits of 20,000 epochs leave
        // the watcher several hundred milliseconds to stop the run before its end.
        using IStudyStorage watched = StudyStorage.Open(storage);
        Task watcher = Task.Run(() =>
        {
            IStudyStorage store = watched;
            while (!cancellation.IsCancellationRequested)
            {
                try
                {
                    if (store.Find("resume") is not null && store.Counts("resume").Done >= 1)
                    {
                        cancellation.Cancel();
                        return;
                    }
                }
                catch (StudyException)
                {
                    // The schema is not there yet.
                }

                Thread.Sleep(5);
            }
        });
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = App.Run(With(args, "--json", "--study", "resume", "--storage", storage), stdout, stderr, cancellation.Token);
        await cancellation.CancelAsync();
        await watcher;
        Assert.True(code == 130, $"exit {code}: {stderr}{stdout.ToString()[..Math.Min(300, stdout.ToString().Length)]}");
        Assert.True(stderr.ToString().Contains("run the same command again to resume", StringComparison.Ordinal), stderr.ToString());
        using (IStudyStorage store = StudyStorage.Open(storage))
        {
            TrialCounts counts = store.Counts("resume");
            Assert.Equal(0, counts.Running);
            Assert.True(counts.Done >= 1 && counts.Done < counts.Total, $"{counts}");
        }

        var resumed = CliRunner.Run(With(args, "--json", "--study", "resume", "--storage", storage));
        Assert.True(resumed.Code == 0, resumed.Err);
        var plain = CliRunner.Run(With(args, "--json"));
        Assert.Equal(plain.Out, resumed.Out);
    }

    [Fact]
    public async Task Two_study_work_processes_finish_a_study_with_each_trial_counted_once()
    {
        string storage = Storage(out _);
        string[] args = ["compare", "--data", "builtin:diabetes", "--losses", "mse,l1,huber", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "3", "--repeats", "2", "--epochs", "30"];
        int total = CreateStudy(storage, "shared", "builtin:diabetes", ["mse", "l1", "huber"], folds: 3, repeats: 2, epochs: 30);
        Assert.Equal(18, total);
        using Process a = CliRunner.Start(false, "study", "work", "--storage", storage, "--name", "shared", "--threads", "1");
        using Process b = CliRunner.Start(false, "study", "work", "--storage", storage, "--name", "shared", "--threads", "1");
        Task<string> outA = a.StandardOutput.ReadToEndAsync(), errA = a.StandardError.ReadToEndAsync();
        Task<string> outB = b.StandardOutput.ReadToEndAsync(), errB = b.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await a.WaitForExitAsync(timeout.Token);
        await b.WaitForExitAsync(timeout.Token);
        Assert.True(a.ExitCode == 0, await errA);
        Assert.True(b.ExitCode == 0, await errB);
        int Completed(string text) => int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"this process completed (\d+) trial").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(total, Completed(await outA) + Completed(await outB));
        using (IStudyStorage store = StudyStorage.Open(storage))
        {
            Assert.Equal(new TrialCounts(total, 0, 0, total, 0), store.Counts("shared"));
            IReadOnlyList<WorkerInfo> workers = store.Workers("shared");
            Assert.Equal(2, workers.Select(w => w.Id.Split(':')[1]).Distinct().Count());
            Assert.Equal(total, workers.Sum(w => w.TrialsDone));
            Assert.Equal(total, store.Results("shared").Count);
        }

        var report = CliRunner.Run("study", "report", "--storage", storage, "--name", "shared", "--json");
        Assert.True(report.Code == 0, report.Err);
        var plain = CliRunner.Run(With(args, "--json"));
        Assert.Equal(CompareFields(plain.Out), CompareFields(report.Out));
    }

    [Fact]
    public async Task Sigint_releases_the_leases_with_130_and_the_same_command_resumes_to_compare_s_result()
    {
        string storage = Storage(out _);
        string[] args = ["compare", "--data", "builtin:diabetes", "--losses", "mse,l1", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "3", "--repeats", "3", "--epochs", "3000", "--threads", "1"];
        using Process process = CliRunner.Start(true, With(args, "--study", "sigint", "--storage", storage));
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using (IStudyStorage store = StudyStorage.Open(storage))
        {
            var clock = Stopwatch.StartNew();
            while (!(store.Find("sigint") is not null && store.Counts("sigint").Done >= 1))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited, "no trial was stored: " + (process.HasExited ? await error : string.Empty));
                await Task.Delay(20);
            }
        }

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 130, await error);
        Assert.Contains("leases released", await error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await output);
        using (IStudyStorage store = StudyStorage.Open(storage))
        {
            TrialCounts counts = store.Counts("sigint");
            Assert.Equal(0, counts.Running);
            Assert.True(counts.Done < counts.Total, $"{counts}");
        }

        var resumed = CliRunner.Run(With(args, "--json", "--study", "sigint", "--storage", storage));
        Assert.True(resumed.Code == 0, resumed.Err);
        var plain = CliRunner.Run(With(args, "--json"));
        Assert.Equal(plain.Out, resumed.Out);
    }

    [Fact]
    public void Status_throughput_and_eta_come_from_the_counts_and_the_workers()
    {
        Assert.Equal("queued", StudyCommand.Status(new TrialCounts(10, 10, 0, 0, 0)));
        Assert.Equal("running", StudyCommand.Status(new TrialCounts(10, 6, 0, 4, 0)));
        Assert.Equal("failed", StudyCommand.Status(new TrialCounts(10, 0, 0, 9, 1)));
        Assert.Equal("done", StudyCommand.Status(new TrialCounts(10, 0, 0, 10, 0)));
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        WorkerInfo[] workers = [new("a:1:1", "a", start, start.AddMinutes(2), 6), new("b:2:1", "b", start.AddMinutes(1), start.AddMinutes(3), 6)];
        (double? perMinute, TimeSpan? eta) = StudyCommand.Pace(new TrialCounts(20, 6, 2, 12, 0), workers);
        Assert.Equal(4.0, perMinute); // 12 trials from minute 0 to minute 3
        Assert.Equal(TimeSpan.FromMinutes(2), eta); // 8 left at 4 a minute
        Assert.Equal((null, null), StudyCommand.Pace(new TrialCounts(20, 20, 0, 0, 0), []));
    }

    [Fact]
    public async Task Three_workers_one_killed_with_sigkill_mid_study_end_with_every_trial_done_once()
    {
        string storage = Storage(out _);
        string[] args = ["compare", "--data", "builtin:diabetes", "--losses", "mse,l1,huber", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "3", "--repeats", "2", "--epochs", "30000"];
        // Trials of about half a second, so that the study is still running when the victim is killed.
        int total = CreateStudy(storage, "killed", "builtin:diabetes", ["mse", "l1", "huber"], folds: 3, repeats: 2, epochs: 30000);
        string[] work = ["study", "work", "--storage", storage, "--name", "killed", "--threads", "1", "--lease", "2"];
        using Process victim = CliRunner.Start(false, work);
        using Process a = CliRunner.Start(false, work);
        using Process b = CliRunner.Start(false, work);
        Task<string>[] errors = [victim.StandardError.ReadToEndAsync(), a.StandardError.ReadToEndAsync(), b.StandardError.ReadToEndAsync()];
        Task<string>[] outputs = [victim.StandardOutput.ReadToEndAsync(), a.StandardOutput.ReadToEndAsync(), b.StandardOutput.ReadToEndAsync()];
        using (IStudyStorage store = StudyStorage.Open(storage))
        {
            // Kill the victim once it holds a trial (it is seen when it claims) and the study is not finished.
            string pid = $":{victim.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}:";
            var clock = Stopwatch.StartNew();
            while (!store.Workers("killed").Any(w => w.Id.Contains(pid, StringComparison.Ordinal)))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2) && !victim.HasExited, "the victim never claimed a trial");
                await Task.Delay(10);
            }

            victim.Kill();
            await victim.WaitForExitAsync();
            Assert.True(store.Counts("killed").Done < total, "the study finished before the kill");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await a.WaitForExitAsync(timeout.Token);
        await b.WaitForExitAsync(timeout.Token);
        Assert.True(a.ExitCode == 0, await errors[1]);
        Assert.True(b.ExitCode == 0, await errors[2]);
        using (IStudyStorage store = StudyStorage.Open(storage))
        {
            Assert.Equal(new TrialCounts(total, 0, 0, total, 0), store.Counts("killed"));
            Assert.Equal(total, store.Workers("killed").Sum(w => w.TrialsDone));
            Assert.Equal(total, store.Results("killed").Count);
        }

        var report = CliRunner.Run("study", "report", "--storage", storage, "--name", "killed", "--json");
        Assert.True(report.Code == 0, report.Err);
        var plain = CliRunner.Run(With(args, "--json"));
        Assert.Equal(CompareFields(plain.Out), CompareFields(report.Out));
        _ = await Task.WhenAll(outputs);
    }

    /// <summary>Creates a study without working on it (as the first process does before its workers start); returns its trial count.</summary>
    internal static int CreateStudy(string storage, string name, string data = "builtin:seed", string[]? losses = null, int folds = 3, int repeats = 1, int epochs = 20)
    {
        Dataset dataset = DataSource.Load(data, null, null, null, false, CancellationToken.None);
        var settings = new CompareSettings
        {
            Losses = losses ?? ["mse", "l1"],
            Optimizers = ["sgd"],
            LearningRates = [0.01, 0.1],
            Folds = folds,
            Repeats = repeats,
            Epochs = epochs,
        };
        StudyDefinition definition = StudyDefinition.Create(dataset, settings);
        using IStudyStorage store = StudyStorage.Open(storage);
        store.EnsureSchema();
        return store.CreateOrJoin(name, definition.Json, definition.Data, definition.Fingerprint, definition.Plan().Trials).Trials;
    }
}
