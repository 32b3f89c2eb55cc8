using System.Diagnostics;
using System.Globalization;
using LossLab.Lab.Studies;
using LossLab.Lab.Tests.Studies;
using Npgsql;

namespace LossLab.Cli.Tests;

/// <summary>
/// <c>losslab study work</c> processes on a real PostgreSQL server (<see cref="PostgresServer"/>, issue 16): a worker killed
/// with SIGKILL mid-trial, and the server restarted mid-study, lose nothing, count every trial once and give
/// <c>compare</c>'s ranking.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgresStudyCommandTests
{
    private readonly PostgresServer _server;

    public PostgresStudyCommandTests(PostgresServer server) => _server = server;

    /// <summary>3 losses × 1 optimizer × 2 learning rates × 3 folds = 9 trials of about half a second each.</summary>
    private static string[] Compare(int epochs) =>
        ["compare", "--data", "builtin:diabetes", "--losses", "mse,l1,huber", "--optimizers", "sgd", "--lrs", "0.01,0.1", "--folds", "3", "--repeats", "1",
            "--epochs", epochs.ToString(CultureInfo.InvariantCulture)];

    [SkippableFact]
    public async Task Three_workers_on_postgresql_one_killed_with_sigkill_mid_trial_count_every_trial_once()
    {
        _server.SkipIfUnavailable();
        const int Epochs = 30000;
        string name = "killed-" + Guid.NewGuid().ToString("N")[..8];
        int total = StudyCommandTests.CreateStudy(_server.Url, name, "builtin:diabetes", ["mse", "l1", "huber"], folds: 3, repeats: 1, epochs: Epochs);
        Assert.Equal(9, total);
        // The victim starts first and holds a trial before the two others start (so a slow start cannot leave it no trial).
        Process victim = StartWorkers(name, lease: 2, count: 1)[0];
        Process[] workers = [victim];
        try
        {
            string pid = $":{victim.Id.ToString(CultureInfo.InvariantCulture)}:";
            var clock = Stopwatch.StartNew();
            int? held;
            while (RunningTrialOf(name, pid) is null)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !victim.HasExited, "the victim never claimed a trial");
                await Task.Delay(10);
            }

            workers = [victim, .. StartWorkers(name, lease: 2, count: 2)];
            while (Counts(name).Running < 2)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the other workers never claimed a trial");
                await Task.Delay(10);
            }

            // Kill the victim while it holds a trial (running under its id), then check it still held it when it died.
            while ((held = RunningTrialOf(name, pid)) is null)
            {
                if (victim.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    Assert.Fail($"the victim never claimed a trial (exit {(victim.HasExited ? victim.ExitCode : null)}): "
                        + (victim.HasExited ? await victim.StandardError.ReadToEndAsync() + await victim.StandardOutput.ReadToEndAsync() : string.Empty));
                }

                await Task.Delay(10);
            }

            victim.Kill();
            await victim.WaitForExitAsync();
            Assert.Equal(held, RunningTrialOf(name, pid));
            Assert.True(Counts(name).Done < total, "the study finished before the kill");

            await FinishAsync(workers[1..]);
            AssertDoneOnce(name, total);

            // The victim's trial was claimed again once its lease expired, and completed by a survivor.
            using NpgsqlConnection connection = _server.Connect();
            using var command = new NpgsqlCommand("SELECT attempt, worker FROM trials WHERE study = @s AND idx = @i", connection);
            command.Parameters.AddWithValue("s", name);
            command.Parameters.AddWithValue("i", held!.Value);
            using NpgsqlDataReader reader = command.ExecuteReader();
            Assert.True(reader.Read());
            Assert.True(reader.GetInt32(0) >= 2, $"trial {held} was claimed {reader.GetInt32(0)} time(s)");
            Assert.DoesNotContain(pid, reader.GetString(1), StringComparison.Ordinal);
        }
        finally
        {
            Dispose(workers);
        }

        AssertShowEqualsCompare(name, Epochs);
    }

    [SkippableFact]
    public async Task Workers_ride_out_a_postgresql_restart_mid_study_with_nothing_lost_or_counted_twice()
    {
        _server.SkipIfUnavailable();
        const int Epochs = 30000;
        string name = "restart-" + Guid.NewGuid().ToString("N")[..8];
        int total = StudyCommandTests.CreateStudy(_server.Url, name, "builtin:diabetes", ["mse", "l1", "huber"], folds: 3, repeats: 1, epochs: Epochs);
        Process[] workers = StartWorkers(name, lease: 10, count: 3);
        try
        {
            var clock = Stopwatch.StartNew();
            while (Counts(name).Done < 1)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !workers.Any(w => w.HasExited), "no trial was stored before the restart");
                await Task.Delay(20);
            }

            // Every connection is cut and the server stays down for 3 s (longer than the old 5-try back-off of ~1.5 s):
            // claims, heartbeats, completions and progress reads fail meanwhile and must be retried.
            Assert.True(Counts(name).Done < total, "the study finished before the restart");
            DateTimeOffset before = DateTimeOffset.UtcNow;
            _server.Restart(TimeSpan.FromSeconds(3));
            Assert.True(ServerStart() > before, "the server was not restarted");

            await FinishAsync(workers);
            AssertDoneOnce(name, total);
        }
        finally
        {
            Dispose(workers);
        }

        AssertShowEqualsCompare(name, Epochs);
    }

    private Process[] StartWorkers(string name, int lease, int count)
    {
        // The children find the password the way a user's worker does: PGPASSFILE (set here explicitly, not only inherited).
        var environment = new Dictionary<string, string> { ["PGPASSFILE"] = _server.PassFile };
        string[] work = ["study", "work", "--storage", _server.Url, "--name", name, "--threads", "1", "--lease", lease.ToString(CultureInfo.InvariantCulture)];
        return [.. Enumerable.Range(0, count).Select(_ => CliRunner.Start(false, environment, work))];
    }

    /// <summary>Waits for the workers to exit and checks each exited 0 (its output in the message otherwise).</summary>
    private static async Task FinishAsync(Process[] workers)
    {
        Task<string>[] outputs = [.. workers.Select(w => w.StandardOutput.ReadToEndAsync())];
        Task<string>[] errors = [.. workers.Select(w => w.StandardError.ReadToEndAsync())];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (Process worker in workers)
        {
            await worker.WaitForExitAsync(timeout.Token);
        }

        for (int i = 0; i < workers.Length; i++)
        {
            Assert.True(workers[i].ExitCode == 0, $"worker {i} exited {workers[i].ExitCode}: {await errors[i]}{await outputs[i]}");
        }
    }

    private void AssertDoneOnce(string name, int total)
    {
        using IStudyStorage store = StudyStorage.Open(_server.Url);
        Assert.Equal(new TrialCounts(total, 0, 0, total, 0), store.Counts(name));
        Assert.Equal(total, store.Workers(name).Sum(w => w.TrialsDone));
        Assert.Equal(total, store.Results(name).Count);
    }

    private void AssertShowEqualsCompare(string name, int epochs)
    {
        var show = CliRunner.Run("study", "show", "--storage", _server.Url, "--name", name, "--json");
        Assert.True(show.Code == 0, show.Err);
        Assert.Contains("\"status\": \"done\"", show.Out, StringComparison.Ordinal);
        var plain = CliRunner.Run([.. Compare(epochs), "--json"]);
        Assert.True(plain.Code == 0, plain.Err);
        Assert.Equal(StudyCommandTests.CompareFields(plain.Out), StudyCommandTests.CompareFields(show.Out));
    }

    private TrialCounts Counts(string name)
    {
        using IStudyStorage store = StudyStorage.Open(_server.Url);
        return store.Counts(name);
    }

    /// <summary>The trial running under a worker id containing <paramref name="pid"/> (<c>:PID:</c>), or null.</summary>
    private int? RunningTrialOf(string name, string pid)
    {
        using NpgsqlConnection connection = _server.Connect();
        using var command = new NpgsqlCommand(
            "SELECT min(idx) FROM trials WHERE study = @s AND state = 'running' AND strpos(worker, @pid) > 0", connection);
        command.Parameters.AddWithValue("s", name);
        command.Parameters.AddWithValue("pid", pid);
        return command.ExecuteScalar() is int index ? index : null;
    }

    private DateTimeOffset ServerStart()
    {
        using NpgsqlConnection connection = _server.Connect();
        using var command = new NpgsqlCommand("SELECT pg_postmaster_start_time()", connection);
        return command.ExecuteScalar() is DateTime time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : DateTimeOffset.MinValue;
    }

    private static void Dispose(Process[] workers)
    {
        foreach (Process worker in workers)
        {
            if (!worker.HasExited)
            {
                worker.Kill(entireProcessTree: true);
            }

            worker.Dispose();
        }
    }
}
