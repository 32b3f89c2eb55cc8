using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace LossLab.Lab.Studies;

/// <summary>
/// Studies in a PostgreSQL database (<c>postgresql://user@host:port/db</c>), shared by workers on any number of machines.
/// A worker claims a trial with <c>SELECT … FOR UPDATE SKIP LOCKED</c>, so concurrent workers never wait on each other nor
/// claim the same trial; leases are timed by the server's clock, so the machines' clocks need not agree.
/// The password comes from <c>PGPASSWORD</c> or the password file (<c>~/.pgpass</c>, or <c>PGPASSFILE</c>); it is never
/// part of the URL, of <see cref="Describe"/> or of any message.
/// A transient failure (connection refused or dropped, server restarting, serialization conflict) is retried up to
/// <see cref="MaxTries"/> times with a back-off that doubles from 100 ms up to <see cref="MaxRetryDelay"/> (plus up to half
/// of it at random): at least 0.1 + 0.2 + 0.4 + 0.8 + 1.6 + 4 × 2 = 11.1 s of waiting, so a server restart of a few seconds
/// is ridden out; then a <see cref="StudyException"/> says what failed.
/// </summary>
public sealed class PostgresStudyStorage : IStudyStorage
{
    /// <summary>The schema version this class writes (see the <c>losslab_schema</c> table).</summary>
    public const int SchemaVersion = 1;

    /// <summary>How many times one operation is tried before a transient failure is reported.</summary>
    public const int MaxTries = 10;

    /// <summary>The longest wait between two tries (before the random part); the wait doubles from the first up to it.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>The <c>application_name</c> of LossLab's connections (what <c>pg_stat_activity</c> shows).</summary>
    public const string ApplicationName = "LossLab study";

    /// <summary>The advisory lock key that serialises schema creation between processes.</summary>
    private const long SchemaLockKey = 0x4C6F73734C6162; // "LossLab"

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeSpan _firstDelay;

    /// <summary>Opens the storage at <paramref name="url"/> (nothing is connected until the first operation).</summary>
    /// <param name="url"><c>postgresql://[user@]host[:port][/database][?sslmode=…&amp;connect_timeout=…]</c>.</param>
    /// <exception cref="StudyException">The URL is not one of that form, or holds a password.</exception>
    public PostgresStudyStorage(string url)
        : this(url, TimeSpan.FromMilliseconds(100))
    {
    }

    /// <summary>Opens the storage with the first retry delay given (tests shorten it).</summary>
    internal PostgresStudyStorage(string url, TimeSpan firstRetryDelay)
    {
        (NpgsqlConnectionStringBuilder builder, string describe) = Parse(url);
        Describe = describe;
        _firstDelay = firstRetryDelay;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    /// <inheritdoc />
    public string Describe { get; }

    /// <summary>Whether <paramref name="url"/> names a PostgreSQL storage (<c>postgresql://</c> or <c>postgres://</c>).</summary>
    public static bool IsUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The connection settings of a <c>postgresql://</c> URL, and the URL as shown to the user (never with a password).
    /// </summary>
    internal static (NpgsqlConnectionStringBuilder Builder, string Describe) Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        const string Form = "postgresql://[user@]host[:port][/database]";
        if (!IsUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StudyException($"Storage '{Redact(url)}' is not a PostgreSQL URL: write it as {Form}.");
        }

        string user = string.Empty;
        if (uri.UserInfo.Length > 0)
        {
            if (uri.UserInfo.Contains(':', StringComparison.Ordinal))
            {
                throw new StudyException(
                    $"Storage '{Redact(url)}' holds a password: remove it from the URL and set PGPASSWORD or add it to ~/.pgpass "
                    + "(host:port:database:user:password), so it shows in no command line or log.");
            }

            user = Uri.UnescapeDataString(uri.UserInfo);
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Contains('/', StringComparison.Ordinal))
        {
            throw new StudyException($"Storage '{Redact(url)}': the database name '{database}' holds a '/': write it as {Form}.");
        }

        string host = uri.Host.StartsWith('[') ? uri.Host.Trim('[', ']') : uri.Host;
        int port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port;
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            ApplicationName = ApplicationName,
            Timeout = 15,
            CommandTimeout = 60,
            Pooling = true,
        };
        if (user.Length > 0)
        {
            builder.Username = user;
        }

        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            string value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "sslmode":
                    if (!Enum.TryParse(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out SslMode mode))
                    {
                        throw new StudyException(
                            $"Storage '{Redact(url)}': sslmode '{value}' is unknown: use disable, allow, prefer, require, verify-ca or verify-full.");
                    }

                    builder.SslMode = mode;
                    break;
                case "connect_timeout":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds < 1)
                    {
                        throw new StudyException(
                            $"Storage '{Redact(url)}': connect_timeout '{value}' is not a whole number of seconds ≥ 1.");
                    }

                    builder.Timeout = seconds;
                    break;
                case "password":
                    throw new StudyException(
                        $"Storage '{Redact(url)}' holds a password: remove it from the URL and set PGPASSWORD or add it to ~/.pgpass.");
                default:
                    throw new StudyException(
                        $"Storage '{Redact(url)}': parameter '{key}' is not supported: use sslmode or connect_timeout.");
            }
        }

        var shown = new StringBuilder("postgresql://");
        if (user.Length > 0)
        {
            shown.Append(Uri.EscapeDataString(user)).Append('@');
        }

        shown.Append(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host);
        shown.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        if (database.Length > 0)
        {
            shown.Append('/').Append(Uri.EscapeDataString(database));
        }

        if (uri.Query.Length > 1)
        {
            shown.Append(uri.Query);
        }

        return (builder, shown.ToString());
    }

    /// <inheritdoc />
    public void EnsureSchema() => Run(
        "create the schema",
        (connection, transaction, _) =>
        {
            Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@key)", ("key", SchemaLockKey));
            Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS losslab_schema (version integer NOT NULL)");
            object? stored = Scalar(connection, transaction, "SELECT max(version) FROM losslab_schema");
            int version = stored is int v ? v : 0;
            if (version > SchemaVersion)
            {
                throw new StudyException(
                    $"Storage {Describe} has study schema version {version}, newer than this LossLab's {SchemaVersion}: upgrade LossLab.");
            }

            if (version < 1)
            {
                Execute(connection, transaction, """
                    CREATE TABLE IF NOT EXISTS studies (
                        name text PRIMARY KEY,
                        definition text NOT NULL,
                        fingerprint text NOT NULL,
                        data bytea NOT NULL,
                        trials integer NOT NULL,
                        created timestamptz NOT NULL DEFAULT now());
                    CREATE TABLE IF NOT EXISTS trials (
                        study text NOT NULL REFERENCES studies(name) ON DELETE CASCADE,
                        idx integer NOT NULL,
                        state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
                        worker text,
                        lease_until timestamptz,
                        attempt integer NOT NULL DEFAULT 0,
                        result text,
                        error text,
                        PRIMARY KEY (study, idx));
                    CREATE INDEX IF NOT EXISTS trials_claimable ON trials (study, state, idx);
                    CREATE TABLE IF NOT EXISTS workers (
                        study text NOT NULL REFERENCES studies(name) ON DELETE CASCADE,
                        id text NOT NULL,
                        host text NOT NULL,
                        first_seen timestamptz NOT NULL DEFAULT now(),
                        last_seen timestamptz NOT NULL DEFAULT now(),
                        trials_done integer NOT NULL DEFAULT 0,
                        PRIMARY KEY (study, id));
                    DELETE FROM losslab_schema;
                    INSERT INTO losslab_schema (version) VALUES (1);
                    """);
            }

            return 0;
        });

    /// <inheritdoc />
    public StudyInfo CreateOrJoin(string name, string definition, byte[] data, string fingerprint, int trials)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trials);
        return Run("create or join the study", (connection, transaction, _) =>
        {
            object? created = Scalar(
                connection,
                transaction,
                """
                INSERT INTO studies (name, definition, fingerprint, data, trials) VALUES (@name, @definition, @fingerprint, @data, @trials)
                ON CONFLICT (name) DO NOTHING RETURNING created
                """,
                ("name", name),
                ("definition", definition),
                ("fingerprint", fingerprint),
                ("data", data),
                ("trials", trials));
            if (created is not null)
            {
                Execute(
                    connection,
                    transaction,
                    "INSERT INTO trials (study, idx, state) SELECT @name, i, 'queued' FROM generate_series(0, @trials - 1) AS i",
                    ("name", name),
                    ("trials", trials));
                return new StudyInfo(name, definition, fingerprint, trials, ToOffset(created));
            }

            StudyInfo existing = FindIn(connection, transaction, name)
                ?? throw new StudyException($"Study '{name}' in {Describe} vanished while being joined: run again.");
            if (existing.Fingerprint != fingerprint || existing.Trials != trials)
            {
                throw new StudyException(
                    $"Study '{name}' in {Describe} was created with another definition ({Differences(existing.Definition, definition)}): "
                    + "choose another study name, or run it with the same data and settings as when it was created.");
            }

            return existing;
        });
    }

    /// <inheritdoc />
    public StudyInfo? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Run("read the study", (connection, transaction, _) => FindIn(connection, transaction, name));
    }

    /// <inheritdoc />
    public IReadOnlyList<StudyInfo> List() => Run("list the studies", (connection, transaction, _) =>
    {
        using NpgsqlCommand command = Command(
            connection, transaction, "SELECT name, definition, fingerprint, trials, created FROM studies ORDER BY created, name");
        using NpgsqlDataReader reader = command.ExecuteReader();
        var studies = new List<StudyInfo>();
        while (reader.Read())
        {
            studies.Add(ReadInfo(reader));
        }

        return studies;
    });

    /// <inheritdoc />
    public byte[] ReadData(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Run("read the study's data", (connection, transaction, _) =>
            Scalar(connection, transaction, "SELECT data FROM studies WHERE name = @name", ("name", name)) as byte[]
            ?? throw new StudyException($"No study named '{name}' in {Describe}: list them with 'losslab study list'."));
    }

    /// <inheritdoc />
    /// <remarks>
    /// When a connection drops after the server committed a claim but before the answer arrived, the retry hands back the
    /// trial that claim leased to <paramref name="worker"/> (so a worker id is meant to run one trial at a time).
    /// </remarks>
    public ClaimedTrial? Claim(string name, string worker, string host, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(host);
        double seconds = LeaseSeconds(lease);
        return Run("claim a trial", (connection, transaction, retry) =>
        {
            Execute(
                connection,
                transaction,
                """
                INSERT INTO workers (study, id, host) SELECT @name, @worker, @host WHERE EXISTS (SELECT 1 FROM studies WHERE name = @name)
                ON CONFLICT (study, id) DO UPDATE SET last_seen = now(), host = excluded.host
                """,
                ("name", name),
                ("worker", worker),
                ("host", host));

            // A retry after a dropped connection may find the claim of the first try committed: take that trial back
            // rather than leave it leased to this worker until the lease runs out.
            string sql = retry
                ? """
                  SELECT idx, attempt, state = 'running' AND worker = @worker AND lease_until >= now() AS mine FROM trials
                  WHERE study = @name AND (state = 'queued' OR (state = 'running' AND (lease_until < now() OR worker = @worker)))
                  ORDER BY mine DESC, idx LIMIT 1 FOR UPDATE SKIP LOCKED
                  """
                : """
                  SELECT idx, attempt, false AS mine FROM trials
                  WHERE study = @name AND (state = 'queued' OR (state = 'running' AND lease_until < now()))
                  ORDER BY idx LIMIT 1 FOR UPDATE SKIP LOCKED
                  """;
            int index;
            int attempt;
            bool mine;
            using (NpgsqlCommand select = Command(connection, transaction, sql, ("name", name), ("worker", worker)))
            using (NpgsqlDataReader reader = select.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                index = reader.GetInt32(0);
                attempt = reader.GetInt32(1);
                mine = reader.GetBoolean(2);
            }

            if (!mine)
            {
                attempt++;
            }

            Execute(
                connection,
                transaction,
                """
                UPDATE trials SET state = 'running', worker = @worker, attempt = @attempt,
                    lease_until = now() + make_interval(secs => @seconds)
                WHERE study = @name AND idx = @index
                """,
                ("name", name),
                ("index", index),
                ("worker", worker),
                ("attempt", attempt),
                ("seconds", seconds));
            return new ClaimedTrial(index, attempt);
        });
    }

    /// <inheritdoc />
    public void Heartbeat(string name, string worker, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(worker);
        double seconds = LeaseSeconds(lease);
        Run("renew the leases", (connection, transaction, _) =>
        {
            Execute(
                connection,
                transaction,
                """
                UPDATE trials SET lease_until = now() + make_interval(secs => @seconds)
                WHERE study = @name AND worker = @worker AND state = 'running'
                """,
                ("name", name),
                ("worker", worker),
                ("seconds", seconds));
            Execute(
                connection,
                transaction,
                "UPDATE workers SET last_seen = now() WHERE study = @name AND id = @worker",
                ("name", name),
                ("worker", worker));
            return 0;
        });
    }

    /// <inheritdoc />
    public bool Complete(string name, int index, string worker, string result)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(result);
        return Run("store a trial's result", (connection, transaction, retry) =>
        {
            int changed = Execute(
                connection,
                transaction,
                """
                UPDATE trials SET state = 'done', worker = @worker, result = @result, lease_until = NULL, error = NULL
                WHERE study = @name AND idx = @index AND state <> 'done'
                """,
                ("name", name),
                ("index", index),
                ("worker", worker),
                ("result", result));
            if (changed == 0)
            {
                // On a retry, the first try may have committed before its connection dropped: that completion is this
                // call's own, not a late duplicate.
                return retry && Scalar(
                    connection,
                    transaction,
                    "SELECT 1 FROM trials WHERE study = @name AND idx = @index AND state = 'done' AND worker = @worker AND result = @result",
                    ("name", name),
                    ("index", index),
                    ("worker", worker),
                    ("result", result)) is not null;
            }

            Execute(
                connection,
                transaction,
                "UPDATE workers SET trials_done = trials_done + 1, last_seen = now() WHERE study = @name AND id = @worker",
                ("name", name),
                ("worker", worker));
            return true;
        });
    }

    /// <inheritdoc />
    public void Fail(string name, int index, string worker, string error, int maxAttempts)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAttempts);
        Run("record a trial's error", (connection, transaction, _) => Execute(
            connection,
            transaction,
            """
            UPDATE trials SET state = CASE WHEN attempt >= @max THEN 'failed' ELSE 'queued' END,
                worker = NULL, lease_until = NULL, error = @error
            WHERE study = @name AND idx = @index AND worker = @worker AND state = 'running'
            """,
            ("name", name),
            ("index", index),
            ("worker", worker),
            ("error", error),
            ("max", maxAttempts)));
    }

    /// <inheritdoc />
    public void Release(string name, string worker)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(worker);

        // A released trial was not run to its end: its claim does not count as an attempt.
        Run("release the trials", (connection, transaction, _) => Execute(
            connection,
            transaction,
            """
            UPDATE trials SET state = 'queued', worker = NULL, lease_until = NULL, attempt = greatest(attempt - 1, 0)
            WHERE study = @name AND worker = @worker AND state = 'running'
            """,
            ("name", name),
            ("worker", worker)));
    }

    /// <inheritdoc />
    public TrialCounts Counts(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Run("count the trials", (connection, transaction, _) =>
        {
            using NpgsqlCommand command = Command(
                connection,
                transaction,
                """
                SELECT count(*)::int, (count(*) FILTER (WHERE state = 'queued'))::int, (count(*) FILTER (WHERE state = 'running'))::int,
                    (count(*) FILTER (WHERE state = 'done'))::int, (count(*) FILTER (WHERE state = 'failed'))::int
                FROM trials WHERE study = @name
                """,
                ("name", name));
            using NpgsqlDataReader reader = command.ExecuteReader();
            reader.Read();
            return new TrialCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4));
        });
    }

    /// <inheritdoc />
    public IReadOnlyList<WorkerInfo> Workers(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Run("list the workers", (connection, transaction, _) =>
        {
            using NpgsqlCommand command = Command(
                connection,
                transaction,
                "SELECT id, host, first_seen, last_seen, trials_done FROM workers WHERE study = @name ORDER BY first_seen, id",
                ("name", name));
            using NpgsqlDataReader reader = command.ExecuteReader();
            var workers = new List<WorkerInfo>();
            while (reader.Read())
            {
                workers.Add(new WorkerInfo(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetFieldValue<DateTimeOffset>(2),
                    reader.GetFieldValue<DateTimeOffset>(3),
                    reader.GetInt32(4)));
            }

            return workers;
        });
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<int, string> Results(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Run("read the results", (connection, transaction, _) =>
        {
            using NpgsqlCommand command = Command(
                connection, transaction, "SELECT idx, result FROM trials WHERE study = @name AND state = 'done' ORDER BY idx", ("name", name));
            using NpgsqlDataReader reader = command.ExecuteReader();
            var results = new Dictionary<int, string>();
            while (reader.Read())
            {
                results[reader.GetInt32(0)] = reader.GetString(1);
            }

            return results;
        });
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// Whether a failure is worth another try: the connection could not be made or was dropped, the server is starting or
    /// shutting down, or the transaction lost a serialization conflict or deadlock.
    /// </summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException p => p.IsTransient
            || p.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
            || p.SqlState is "57P01" or "57P02" or "57P03" or "40001" or "40P01" or "53300",
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>Runs <paramref name="body"/> in one transaction, retrying transient failures with a doubling back-off.</summary>
    /// <param name="what">What the operation does, for the error message.</param>
    /// <param name="body">The transaction's work; its third argument is true on a retry.</param>
    private T Run<T>(string what, Func<NpgsqlConnection, NpgsqlTransaction, bool, T> body)
    {
        TimeSpan delay = _firstDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using NpgsqlConnection connection = _dataSource.OpenConnection();
                using NpgsqlTransaction transaction = connection.BeginTransaction();
                T value = body(connection, transaction, attempt > 1);
                transaction.Commit();
                return value;
            }
            catch (StudyException)
            {
                throw;
            }
            catch (PostgresException e) when (e.SqlState is "28P01" or "28000")
            {
                throw new StudyException(
                    $"PostgreSQL at {Describe} refused the login ({e.MessageText}): set PGPASSWORD or add the password to ~/.pgpass "
                    + "(host:port:database:user:password), and check the user name in the URL.",
                    e);
            }
            catch (PostgresException e) when (e.SqlState == "3D000")
            {
                throw new StudyException($"PostgreSQL at {Describe}: {e.MessageText}: create it (createdb) or name another in the URL.", e);
            }
            catch (Exception e) when (IsTransient(e))
            {
                // Idle pooled connections went down with this one (a restarted server, a cut network): drop them all.
                _dataSource.Clear();
                if (attempt >= MaxTries)
                {
                    throw new StudyException(
                        $"PostgreSQL at {Describe} could not {what} after {MaxTries} tries ({OneLine(e)}): check that the server "
                        + "is running and reachable from this machine.",
                        e);
                }

                Thread.Sleep(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Max(1, delay.TotalMilliseconds / 2))));
                delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
            }
            catch (NpgsqlException e)
            {
                string hint = e.Message.Contains("password", StringComparison.OrdinalIgnoreCase)
                    ? ": set PGPASSWORD or add the password to ~/.pgpass (host:port:database:user:password)"
                    : string.Empty;
                throw new StudyException($"PostgreSQL at {Describe} could not {what}: {OneLine(e)}{hint}.", e);
            }
        }
    }

    private static StudyInfo? FindIn(NpgsqlConnection connection, NpgsqlTransaction transaction, string name)
    {
        using NpgsqlCommand command = Command(
            connection, transaction, "SELECT name, definition, fingerprint, trials, created FROM studies WHERE name = @name", ("name", name));
        using NpgsqlDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadInfo(reader) : null;
    }

    private static StudyInfo ReadInfo(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4));

    private static NpgsqlCommand Command(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach ((string parameterName, object value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }

        return command;
    }

    private static int Execute(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using NpgsqlCommand command = Command(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using NpgsqlCommand command = Command(connection, transaction, sql, parameters);
        object? value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    private static DateTimeOffset ToOffset(object value) => value switch
    {
        DateTimeOffset offset => offset,
        DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
        _ => throw new InvalidCastException($"Unexpected timestamp {value.GetType().Name}."),
    };

    private static double LeaseSeconds(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "The lease must be positive.");
        }

        return lease.TotalSeconds;
    }

    private static string OneLine(Exception e) =>
        string.Join(' ', e.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');

    /// <summary>A URL with any password (after <c>user:</c>, or a <c>password=</c> parameter) shown as <c>***</c>, for messages.</summary>
    private static string Redact(string url)
    {
        string shown = System.Text.RegularExpressions.Regex.Replace(
            url, "(?i)(password=)[^&]*", "$1***", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        int start = shown.IndexOf("://", StringComparison.Ordinal);
        int at = shown.IndexOf('@', Math.Max(start, 0));
        if (start < 0 || at < start)
        {
            return shown;
        }

        int colon = shown.IndexOf(':', start + 3);
        return colon >= 0 && colon < at ? string.Concat(shown.AsSpan(0, colon), ":***", shown.AsSpan(at)) : shown;
    }

    /// <summary>
    /// The top-level fields in which two definitions (JSON objects) differ, with both values where they are short, e.g.
    /// <c>folds: stored 5, given 3; losses</c>; "the data differs" when the definitions are the same.
    /// </summary>
    internal static string Differences(string stored, string given)
    {
        const int MaxShown = 40;
        try
        {
            using JsonDocument a = JsonDocument.Parse(stored);
            using JsonDocument b = JsonDocument.Parse(given);
            if (a.RootElement.ValueKind != JsonValueKind.Object || b.RootElement.ValueKind != JsonValueKind.Object)
            {
                return JsonElement.DeepEquals(a.RootElement, b.RootElement) ? "the data differs" : "the definition differs";
            }

            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty p in a.RootElement.EnumerateObject())
            {
                names.Add(p.Name);
            }

            foreach (JsonProperty p in b.RootElement.EnumerateObject())
            {
                names.Add(p.Name);
            }

            var parts = new List<string>();
            foreach (string field in names)
            {
                bool inA = a.RootElement.TryGetProperty(field, out JsonElement va);
                bool inB = b.RootElement.TryGetProperty(field, out JsonElement vb);
                if (inA && inB && JsonElement.DeepEquals(va, vb))
                {
                    continue;
                }

                string sa = inA ? va.GetRawText() : "(none)";
                string sb = inB ? vb.GetRawText() : "(none)";
                parts.Add(sa.Length <= MaxShown && sb.Length <= MaxShown ? $"{field}: stored {sa}, given {sb}" : field);
            }

            return parts.Count == 0 ? "the data differs" : "differs in " + string.Join("; ", parts);
        }
        catch (JsonException)
        {
            return stored == given ? "the data differs" : "the definition differs";
        }
    }
}
