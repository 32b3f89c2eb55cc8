using Microsoft.Data.Sqlite;

namespace LossLab.Lab.Studies;

/// <summary>
/// Studies in one SQLite file (<c>sqlite:PATH</c>), for workers on one machine (processes or threads). The file is in WAL
/// mode with a busy timeout; every method is one transaction, and claims take the write lock first (<c>BEGIN
/// IMMEDIATE</c>), so two workers never hold the same trial. Each call opens its own (pooled) connection, so one instance
/// may be used from several threads (a worker and its heartbeat timer).
/// </summary>
/// <remarks>
/// Schema (version <see cref="SchemaVersion"/>): <c>losslab_schema(version)</c>;
/// <c>studies(name, definition, fingerprint, data, trials, created)</c>;
/// <c>trials(study, idx, state, worker, lease_until, attempt, result, error)</c> with state queued/running/done/failed and
/// lease_until in Unix milliseconds; <c>workers(study, id, host, first_seen, last_seen, trials_done)</c>.
/// </remarks>
public sealed class SqliteStudyStorage : IStudyStorage
{
    /// <summary>The schema version this class writes.</summary>
    public const int SchemaVersion = 1;

    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the SQLite file at <paramref name="path"/>.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="busyTimeout">How long a call waits for another process's write lock (default 30 s).</param>
    public SqliteStudyStorage(string path, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(30);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>How long a call waits for the write lock.</summary>
    public TimeSpan BusyTimeout { get; }

    /// <inheritdoc/>
    public string Describe => "sqlite:" + Path;

    /// <inheritdoc/>
    public void EnsureSchema()
    {
        using SqliteConnection connection = Open();
        Execute(connection, null, "PRAGMA journal_mode=WAL;");
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, "CREATE TABLE IF NOT EXISTS losslab_schema (version INTEGER NOT NULL);");
        object? version = Scalar(connection, tx, "SELECT MAX(version) FROM losslab_schema;");
        long current = version is long v ? v : 0;
        if (current > SchemaVersion)
        {
            throw new StudyException($"{Describe} has study schema version {current}, newer than this LossLab's {SchemaVersion}; use a newer LossLab or another file");
        }

        if (current < 1)
        {
            Execute(connection, tx, """
                CREATE TABLE IF NOT EXISTS studies (name TEXT PRIMARY KEY, definition TEXT NOT NULL, fingerprint TEXT NOT NULL, data BLOB NOT NULL, trials INTEGER NOT NULL, created INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS trials (study TEXT NOT NULL REFERENCES studies(name), idx INTEGER NOT NULL, state TEXT NOT NULL, worker TEXT, lease_until INTEGER, attempt INTEGER NOT NULL DEFAULT 0, result TEXT, error TEXT, PRIMARY KEY (study, idx));
                CREATE INDEX IF NOT EXISTS trials_by_state ON trials (study, state, idx);
                CREATE TABLE IF NOT EXISTS workers (study TEXT NOT NULL, id TEXT NOT NULL, host TEXT NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, trials_done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (study, id));
                DELETE FROM losslab_schema;
                INSERT INTO losslab_schema (version) VALUES (1);
                """);
        }

        tx.Commit();
    }

    /// <inheritdoc/>
    public StudyInfo CreateOrJoin(string name, string definition, byte[] data, string fingerprint, int trials)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        using SqliteConnection connection = Open();
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        StudyInfo? existing = Find(connection, tx, name);
        if (existing is not null)
        {
            if (existing.Fingerprint != fingerprint)
            {
                throw Study.Mismatch(name, existing.Definition, definition, Describe);
            }

            return existing;
        }

        long now = Now();
        Execute(connection, tx, "INSERT INTO studies (name, definition, fingerprint, data, trials, created) VALUES ($name, $definition, $fingerprint, $data, $trials, $now);", ("$name", name), ("$definition", definition), ("$fingerprint", fingerprint), ("$data", data), ("$trials", trials), ("$now", now));
        using (SqliteCommand insert = Command(connection, tx, "INSERT INTO trials (study, idx, state, attempt) VALUES ($name, $idx, 'queued', 0);", ("$name", name), ("$idx", 0)))
        {
            for (int i = 0; i < trials; i++)
            {
                insert.Parameters["$idx"].Value = i;
                insert.ExecuteNonQuery();
            }
        }

        tx.Commit();
        return new StudyInfo(name, definition, fingerprint, trials, DateTimeOffset.FromUnixTimeMilliseconds(now));
    }

    /// <inheritdoc/>
    public StudyInfo? Find(string name)
    {
        using SqliteConnection connection = Open();
        return Find(connection, null, name);
    }

    /// <inheritdoc/>
    public IReadOnlyList<StudyInfo> List()
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = Command(connection, null, "SELECT name, definition, fingerprint, trials, created FROM studies ORDER BY created, name;");
        using SqliteDataReader reader = command.ExecuteReader();
        var list = new List<StudyInfo>();
        while (reader.Read())
        {
            list.Add(ReadInfo(reader));
        }

        return list;
    }

    /// <inheritdoc/>
    public byte[] ReadData(string name)
    {
        using SqliteConnection connection = Open();
        return Scalar(connection, null, "SELECT data FROM studies WHERE name = $name;", ("$name", name)) as byte[]
            ?? throw NoStudy(name);
    }

    /// <inheritdoc/>
    public ClaimedTrial? Claim(string name, string worker, string host, TimeSpan lease)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        long now = Now();
        Execute(connection, tx, """
            INSERT INTO workers (study, id, host, first_seen, last_seen, trials_done) VALUES ($name, $worker, $host, $now, $now, 0)
            ON CONFLICT (study, id) DO UPDATE SET last_seen = $now, host = $host;
            """, ("$name", name), ("$worker", worker), ("$host", host), ("$now", now));
        ClaimedTrial? claimed = null;
        using (SqliteCommand select = Command(connection, tx, "SELECT idx, attempt FROM trials WHERE study = $name AND (state = 'queued' OR (state = 'running' AND lease_until < $now)) ORDER BY idx LIMIT 1;", ("$name", name), ("$now", now)))
        using (SqliteDataReader reader = select.ExecuteReader())
        {
            if (reader.Read())
            {
                claimed = new ClaimedTrial(reader.GetInt32(0), reader.GetInt32(1) + 1);
            }
        }

        if (claimed is not null)
        {
            Execute(connection, tx, "UPDATE trials SET state = 'running', worker = $worker, lease_until = $until, attempt = $attempt WHERE study = $name AND idx = $idx;", ("$worker", worker), ("$until", now + (long)lease.TotalMilliseconds), ("$attempt", claimed.Attempt), ("$name", name), ("$idx", claimed.Index));
        }

        tx.Commit();
        return claimed;
    }

    /// <inheritdoc/>
    public void Heartbeat(string name, string worker, TimeSpan lease)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        long now = Now();
        Execute(connection, tx, "UPDATE trials SET lease_until = $until WHERE study = $name AND worker = $worker AND state = 'running';", ("$until", now + (long)lease.TotalMilliseconds), ("$name", name), ("$worker", worker));
        Execute(connection, tx, "UPDATE workers SET last_seen = $now WHERE study = $name AND id = $worker;", ("$now", now), ("$name", name), ("$worker", worker));
        tx.Commit();
    }

    /// <inheritdoc/>
    public bool Complete(string name, int index, string worker, string result)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        int changed = Execute(connection, tx, "UPDATE trials SET state = 'done', worker = $worker, lease_until = NULL, result = $result, error = NULL WHERE study = $name AND idx = $idx AND state <> 'done';", ("$worker", worker), ("$result", result), ("$name", name), ("$idx", index));
        if (changed == 1)
        {
            Execute(connection, tx, "UPDATE workers SET trials_done = trials_done + 1, last_seen = $now WHERE study = $name AND id = $worker;", ("$now", Now()), ("$name", name), ("$worker", worker));
        }

        tx.Commit();
        return changed == 1;
    }

    /// <inheritdoc/>
    public void Fail(string name, int index, string worker, string error, int maxAttempts)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, "UPDATE trials SET state = CASE WHEN attempt >= $max THEN 'failed' ELSE 'queued' END, worker = NULL, lease_until = NULL, error = $error WHERE study = $name AND idx = $idx AND state = 'running' AND worker = $worker;", ("$max", maxAttempts), ("$error", error), ("$name", name), ("$idx", index), ("$worker", worker));
        tx.Commit();
    }

    /// <inheritdoc/>
    public void Release(string name, string worker)
    {
        using SqliteConnection connection = Open();
        using SqliteTransaction tx = connection.BeginTransaction(deferred: false);
        Execute(connection, tx, "UPDATE trials SET state = 'queued', worker = NULL, lease_until = NULL, attempt = MAX(attempt - 1, 0) WHERE study = $name AND worker = $worker AND state = 'running';", ("$name", name), ("$worker", worker));
        tx.Commit();
    }

    /// <inheritdoc/>
    public TrialCounts Counts(string name)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = Command(connection, null, "SELECT state, COUNT(*) FROM trials WHERE study = $name GROUP BY state;", ("$name", name));
        using SqliteDataReader reader = command.ExecuteReader();
        int queued = 0, running = 0, done = 0, failed = 0;
        while (reader.Read())
        {
            int n = reader.GetInt32(1);
            switch (reader.GetString(0))
            {
                case "queued": queued = n; break;
                case "running": running = n; break;
                case "done": done = n; break;
                case "failed": failed = n; break;
            }
        }

        return new TrialCounts(queued + running + done + failed, queued, running, done, failed);
    }

    /// <inheritdoc/>
    public IReadOnlyList<WorkerInfo> Workers(string name)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = Command(connection, null, "SELECT id, host, first_seen, last_seen, trials_done FROM workers WHERE study = $name ORDER BY first_seen, id;", ("$name", name));
        using SqliteDataReader reader = command.ExecuteReader();
        var list = new List<WorkerInfo>();
        while (reader.Read())
        {
            list.Add(new WorkerInfo(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), reader.GetInt32(4)));
        }

        return list;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, string> Results(string name)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = Command(connection, null, "SELECT idx, result FROM trials WHERE study = $name AND state = 'done' ORDER BY idx;", ("$name", name));
        using SqliteDataReader reader = command.ExecuteReader();
        var results = new SortedDictionary<int, string>();
        while (reader.Read())
        {
            results[reader.GetInt32(0)] = reader.GetString(1);
        }

        return results;
    }

    /// <summary>Returns pooled connections' file handles (the file can then be deleted).</summary>
    public void Dispose() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // In WAL mode, synchronous=NORMAL syncs at checkpoints instead of at every commit: a power cut can lose the last
            // commits but never corrupts the file. A lost completion leaves its trial under an expiring lease, so the trial
            // is run again (its seeds fix its result) and still counts once. It takes a trial's storage round trips from
            // ~4 ms per write (waiting on the disk) to well under 1 ms.
            Execute(connection, null, $"PRAGMA busy_timeout = {(long)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL;");
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StudyException($"cannot open the study storage {Describe}: {e.Message}; check the path and its permissions", e);
        }
    }

    private static StudyInfo? Find(SqliteConnection connection, SqliteTransaction? tx, string name)
    {
        using SqliteCommand command = Command(connection, tx, "SELECT name, definition, fingerprint, trials, created FROM studies WHERE name = $name;", ("$name", name));
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadInfo(reader) : null;
    }

    private static StudyInfo ReadInfo(SqliteDataReader reader)
        => new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)));

    private StudyException NoStudy(string name) => new($"no study '{name}' in {Describe}; `losslab study list --storage {Describe}` shows the studies there");

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach ((string n, object v) in parameters)
        {
            command.Parameters.AddWithValue(n, v);
        }

        return command;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, tx, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, tx, sql, parameters);
        return command.ExecuteScalar();
    }
}
