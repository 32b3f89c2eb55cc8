using System.Collections.Concurrent;
using System.Text;
using LossLab.Lab.Studies;
using Npgsql;

namespace LossLab.Lab.Tests.Studies;

/// <summary>The URL handling of <see cref="PostgresStudyStorage"/>: needs no server.</summary>
public sealed class PostgresStudyStorageUrlTests
{
    [Fact]
    public void Describe_ShowsUserHostPortAndDatabase_AndDefaultsThePort()
    {
        using var storage = new PostgresStudyStorage("postgresql://ana@db.example.org/lab?sslmode=require");
        Assert.Equal("postgresql://ana@db.example.org:5432/lab?sslmode=require", storage.Describe);
        (NpgsqlConnectionStringBuilder builder, _) = PostgresStudyStorage.Parse("postgres://ana@db.example.org:6543/lab?sslmode=require");
        Assert.Equal(6543, builder.Port);
        Assert.Equal("ana", builder.Username);
        Assert.Equal("lab", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Null(builder.Password);
    }

    [Theory]
    [InlineData("postgresql://ana:s3cret@db.example.org/lab")]
    [InlineData("postgresql://ana@db.example.org/lab?password=s3cret")]
    public void PasswordInTheUrl_IsRefused_WithoutEchoingIt(string url)
    {
        var e = Assert.Throws<StudyException>(() => new PostgresStudyStorage(url));
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
        Assert.Contains("PGPASSWORD", e.Message, StringComparison.Ordinal);
        Assert.Contains(".pgpass", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sqlite:studies.db", "not a PostgreSQL URL")]
    [InlineData("postgresql://ana@db/lab?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgresql://ana@db/lab?colour=blue", "parameter 'colour'")]
    public void BadUrls_SayWhatIsWrong(string url, string expected)
    {
        var e = Assert.Throws<StudyException>(() => new PostgresStudyStorage(url));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Differences_NamesTheFieldsWithBothValues()
    {
        string text = PostgresStudyStorage.Differences("""{"folds":5,"losses":["mse"],"seed":1}""", """{"folds":3,"losses":["mse"],"seed":1}""");
        Assert.Equal("differs in folds: stored 5, given 3", text);
        Assert.Equal("the data differs", PostgresStudyStorage.Differences("""{"a":1}""", """{"a":1}"""));
    }

    [Fact]
    public void NoServer_IsReportedAfterTheRetries_AsAStudyException()
    {
        // A loopback port that nothing listens on: every connection is refused, a transient failure tried MaxTries times.
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var storage = new PostgresStudyStorage($"postgresql://ana@127.0.0.1:{port}/lab", TimeSpan.FromMilliseconds(1));
        var e = Assert.Throws<StudyException>(storage.EnsureSchema);
        Assert.Contains($"PostgreSQL at postgresql://ana@127.0.0.1:{port}/lab could not create the schema after {PostgresStudyStorage.MaxTries} tries", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }
}

/// <summary>
/// <see cref="PostgresStudyStorage"/> against a real PostgreSQL server (<see cref="PostgresServer"/>): the storage
/// contract, workers on separate connections, and connections killed by the server mid-study.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgresStudyStorageTests
{
    private const string Definition = """{"folds":5,"losses":["mse","huber"],"seed":1}""";
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("x,y\n1,2\n");
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    private readonly PostgresServer _server;

    public PostgresStudyStorageTests(PostgresServer server) => _server = server;

    [SkippableFact]
    public void CreateOrJoin_CreatesQueuedTrials_JoinsTheSame_AndRefusesAnotherDefinitionNamingIt()
    {
        using PostgresStudyStorage storage = Open();
        string name = NewName();
        StudyInfo created = storage.CreateOrJoin(name, Definition, Data, "fp1", 6);
        Assert.Equal(new TrialCounts(6, 6, 0, 0, 0), storage.Counts(name));
        Assert.Equal(Data, storage.ReadData(name));

        using PostgresStudyStorage other = Open();
        StudyInfo joined = other.CreateOrJoin(name, Definition, Data, "fp1", 6);
        Assert.Equal(created, joined);
        Assert.Equal(new TrialCounts(6, 6, 0, 0, 0), other.Counts(name));
        Assert.Equal(created, other.Find(name));
        Assert.Contains(other.List(), s => s.Name == name);
        Assert.Null(other.Find(name + "-none"));

        var e = Assert.Throws<StudyException>(() =>
            other.CreateOrJoin(name, """{"folds":3,"losses":["mse","huber"],"seed":1}""", Data, "fp2", 6));
        Assert.Contains($"Study '{name}' in {other.Describe} was created with another definition", e.Message, StringComparison.Ordinal);
        Assert.Contains("folds: stored 5, given 3", e.Message, StringComparison.Ordinal);

        var data = Assert.Throws<StudyException>(() => other.CreateOrJoin(name, Definition, [1, 2, 3], "fp3", 6));
        Assert.Contains("the data differs", data.Message, StringComparison.Ordinal);
        Assert.Equal(new TrialCounts(6, 6, 0, 0, 0), other.Counts(name));
    }

    [SkippableFact]
    public void Claim_HandsOutEveryTrialOnce_ThenNothing()
    {
        using PostgresStudyStorage storage = Open();
        string name = Create(storage, 4);
        var claimed = new List<ClaimedTrial>();
        while (storage.Claim(name, "w1", "host-a", LongLease) is { } trial)
        {
            claimed.Add(trial);
        }

        Assert.Equal([0, 1, 2, 3], claimed.Select(t => t.Index));
        Assert.All(claimed, t => Assert.Equal(1, t.Attempt));
        Assert.Equal(new TrialCounts(4, 0, 4, 0, 0), storage.Counts(name));
        WorkerInfo worker = Assert.Single(storage.Workers(name));
        Assert.Equal(("w1", "host-a", 0), (worker.Id, worker.Host, worker.TrialsDone));
    }

    [SkippableFact]
    public void ExpiredLease_IsClaimedAgain_AndHeartbeatKeepsALeaseAlive()
    {
        using PostgresStudyStorage storage = Open();
        string name = Create(storage, 2);
        ClaimedTrial first = storage.Claim(name, "dies", "a", TimeSpan.FromMilliseconds(300))!;
        ClaimedTrial kept = storage.Claim(name, "lives", "b", TimeSpan.FromMilliseconds(300))!;
        storage.Heartbeat(name, "lives", LongLease);
        Thread.Sleep(800);

        // "dies" stopped heartbeating: its trial is claimable again, as a second attempt; "lives" renewed its lease.
        ClaimedTrial? again = storage.Claim(name, "rescuer", "c", LongLease);
        Assert.Equal(new ClaimedTrial(first.Index, 2), again);
        Assert.Null(storage.Claim(name, "rescuer", "c", LongLease));
        Assert.Equal(1, kept.Attempt);

        Assert.True(storage.Complete(name, first.Index, "rescuer", "from rescuer"));
        Assert.False(storage.Complete(name, first.Index, "dies", "from the late worker"));
        Assert.Equal("from rescuer", storage.Results(name)[first.Index]);
        Assert.Equal(new TrialCounts(2, 0, 1, 1, 0), storage.Counts(name));
    }

    [SkippableFact]
    public void LateDuplicateCompletion_ReturnsFalse_AndChangesNothing()
    {
        using PostgresStudyStorage storage = Open();
        string name = Create(storage, 1);
        ClaimedTrial trial = storage.Claim(name, "w1", "a", LongLease)!;
        Assert.True(storage.Complete(name, trial.Index, "w1", "first"));
        Assert.False(storage.Complete(name, trial.Index, "w2", "second"));
        Assert.False(storage.Complete(name, trial.Index, "w1", "first"));

        Assert.Equal(new Dictionary<int, string> { [0] = "first" }, storage.Results(name));
        Assert.Equal(new TrialCounts(1, 0, 0, 1, 0), storage.Counts(name));
        Assert.Equal(1, Assert.Single(storage.Workers(name)).TrialsDone);
    }

    [SkippableFact]
    public void Release_QueuesTheWorkersTrialsAgain_WithoutCountingAnAttempt()
    {
        using PostgresStudyStorage storage = Open();
        string name = Create(storage, 3);
        storage.Claim(name, "w1", "a", LongLease);
        storage.Claim(name, "w1", "a", LongLease);
        ClaimedTrial other = storage.Claim(name, "w2", "b", LongLease)!;
        storage.Release(name, "w1");

        Assert.Equal(new TrialCounts(3, 2, 1, 0, 0), storage.Counts(name));
        Assert.Equal(new ClaimedTrial(0, 1), storage.Claim(name, "w3", "c", LongLease));
        Assert.Equal(2, other.Index);
    }

    [SkippableFact]
    public void Fail_QueuesTheTrialAgain_UntilMaxAttempts_ThenMarksItFailed()
    {
        using PostgresStudyStorage storage = Open();
        string name = Create(storage, 1);
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            ClaimedTrial trial = storage.Claim(name, "w1", "a", LongLease)!;
            Assert.Equal(new ClaimedTrial(0, attempt), trial);
            storage.Fail(name, trial.Index, "w1", $"boom {attempt}", maxAttempts: 3);
        }

        Assert.Null(storage.Claim(name, "w1", "a", LongLease));
        Assert.Equal(new TrialCounts(1, 0, 0, 0, 1), storage.Counts(name));
        using NpgsqlConnection admin = _server.Connect();
        using var command = new NpgsqlCommand("SELECT error FROM trials WHERE study = @n AND idx = 0", admin);
        command.Parameters.AddWithValue("n", name);
        Assert.Equal("boom 3", command.ExecuteScalar());
    }

    [SkippableFact]
    public void EnsureSchema_RecordsTheVersion_AndCanRunAgain()
    {
        using PostgresStudyStorage storage = Open();
        storage.EnsureSchema();
        using NpgsqlConnection admin = _server.Connect();
        using var command = new NpgsqlCommand("SELECT version FROM losslab_schema", admin);
        Assert.Equal(PostgresStudyStorage.SchemaVersion, command.ExecuteScalar());
    }

    [SkippableFact]
    public void TwoWorkers_OnTwoConnections_CountEveryTrialOnce()
    {
        using PostgresStudyStorage a = Open();
        using PostgresStudyStorage b = Open();
        string name = Create(a, 60);
        b.CreateOrJoin(name, Definition, Data, "fp1", 60);
        var completed = new ConcurrentBag<(string Worker, int Index)>();

        Parallel.Invoke(() => Work(a, name, "wa", completed), () => Work(b, name, "wb", completed));

        Assert.Equal(Enumerable.Range(0, 60), completed.Select(c => c.Index).Order());
        Assert.Equal(new TrialCounts(60, 0, 0, 60, 0), a.Counts(name));
        IReadOnlyDictionary<int, string> results = a.Results(name);
        Assert.All(Enumerable.Range(0, 60), i => Assert.Equal($"result {i}", results[i]));
        Assert.Equal(60, a.Workers(name).Sum(w => w.TrialsDone));
        Assert.All(a.Workers(name), w => Assert.Equal(completed.Count(c => c.Worker == w.Id), w.TrialsDone));
    }

    [SkippableFact]
    public void KilledConnections_AreRetried_OnANewConnection()
    {
        using PostgresStudyStorage storage = Open();
        string name = Create(storage, 2);
        ClaimedTrial trial = storage.Claim(name, "w1", "a", LongLease)!;

        // The pooled connection the storage used is terminated by the server; the next operation finds it dead and retries.
        Assert.True(_server.TerminateStorageConnections() >= 1);
        Assert.True(storage.Complete(name, trial.Index, "w1", "done after a kill"));
        Assert.Equal(new TrialCounts(2, 1, 0, 1, 0), storage.Counts(name));
        Assert.Equal("done after a kill", storage.Results(name)[trial.Index]);
    }

    [SkippableFact]
    public void ConnectionsKilledMidStudy_NeitherLoseNorDoubleCountATrial()
    {
        // The storage's own back-off (100 ms, doubling): a kill every 200 ms cannot hit all of an operation's 5 tries.
        using PostgresStudyStorage a = Open(TimeSpan.FromMilliseconds(100));
        using PostgresStudyStorage b = Open(TimeSpan.FromMilliseconds(100));
        const int Trials = 80;
        string name = Create(a, Trials);
        var completed = new ConcurrentBag<(string Worker, int Index)>();
        using var stop = new CancellationTokenSource();
        int kills = 0;
        Task killer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                kills += _server.TerminateStorageConnections();
                Thread.Sleep(200);
            }
        });

        // Each trial "runs" 10 ms, so the killer thread hits connections in use and in the pool at random moments; besides,
        // in every trial worker "wa" runs it kills all connections itself (its own pooled one at least), so whatever the
        // timing, each of its Completes must find its connection dead and retry on a new one.
        int planned = 0;
        int waTrials = 0;
        void RunAndKill(int index)
        {
            Thread.Sleep(10);
            Interlocked.Increment(ref waTrials);
            Interlocked.Add(ref planned, _server.TerminateStorageConnections());
        }

        Parallel.Invoke(() => Work(a, name, "wa", completed, RunAndKill), () => Work(b, name, "wb", completed, _ => Thread.Sleep(10)));
        stop.Cancel();
        killer.Wait();

        Assert.True(planned > 0, $"{planned} connections terminated in {waTrials} trials ({kills} by the killer thread)");
        Assert.Equal(new TrialCounts(Trials, 0, 0, Trials, 0), a.Counts(name));
        IReadOnlyDictionary<int, string> results = a.Results(name);
        Assert.All(Enumerable.Range(0, Trials), i => Assert.Equal($"result {i}", results[i]));
        Assert.Equal(Trials, a.Workers(name).Sum(w => w.TrialsDone));

        // A retried claim whose first try had committed takes that same trial back, so no trial waits for a lease to run out;
        // every completion the workers saw accepted is one of the counted ones.
        Assert.Equal(Enumerable.Range(0, Trials), completed.Select(c => c.Index).Order());
    }

    [SkippableFact]
    public void WithoutAPassword_TheLoginIsRefused_WithTheHint()
    {
        _server.SkipIfUnavailable();
        using var storage = new PostgresStudyStorage($"postgresql://stranger@127.0.0.1:{_server.Port}/postgres", TimeSpan.FromMilliseconds(1));
        var e = Assert.Throws<StudyException>(storage.EnsureSchema);
        Assert.Contains("PGPASSWORD", e.Message, StringComparison.Ordinal);
        Assert.Contains("postgresql://stranger@127.0.0.1", e.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void PGPASSWORD_IsTheLoginPassword_AndNeverShown()
    {
        _server.SkipIfUnavailable();
        string? before = Environment.GetEnvironmentVariable("PGPASSWORD");
        const string Wrong = "not-the-password-4711";
        try
        {
            // PGPASSWORD wins over the pgpass file: a wrong one is refused, with the hint and without the password.
            Environment.SetEnvironmentVariable("PGPASSWORD", Wrong);
            using var storage = new PostgresStudyStorage(_server.Url, TimeSpan.FromMilliseconds(1));
            var e = Assert.Throws<StudyException>(storage.EnsureSchema);
            Assert.Contains($"PostgreSQL at {_server.Url} refused the login", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Wrong, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Wrong, storage.Describe, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", before);
        }
    }

    private static void Work(PostgresStudyStorage storage, string name, string worker, ConcurrentBag<(string, int)> completed, Action<int>? run = null)
    {
        while (storage.Claim(name, worker, "host-" + worker, LongLease) is { } trial)
        {
            run?.Invoke(trial.Index);
            if (storage.Complete(name, trial.Index, worker, $"result {trial.Index}"))
            {
                completed.Add((worker, trial.Index));
            }
        }
    }

    private static string NewName() => "study-" + Guid.NewGuid().ToString("N")[..10];

    private PostgresStudyStorage Open(TimeSpan? firstRetryDelay = null)
    {
        _server.SkipIfUnavailable();
        var storage = new PostgresStudyStorage(_server.Url, firstRetryDelay ?? TimeSpan.FromMilliseconds(20));
        storage.EnsureSchema();
        return storage;
    }

    private static string Create(PostgresStudyStorage storage, int trials)
    {
        string name = NewName();
        storage.CreateOrJoin(name, Definition, Data, "fp1", trials);
        return name;
    }
}
