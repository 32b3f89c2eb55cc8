namespace LossLab.Lab.Studies;

/// <summary>A persistent study as stored: its name, its definition (JSON) and the fingerprint of definition and data.</summary>
/// <param name="Name">The study's name (unique in a storage).</param>
/// <param name="Definition">The definition as canonical JSON: the grid of trials, folds/repeats/seeds, metric, epochs, ….</param>
/// <param name="Fingerprint">Hex SHA-256 of the definition and the data: what a joining process must match.</param>
/// <param name="Trials">Number of trials (candidate × split).</param>
/// <param name="Created">When the first process created it (UTC).</param>
public sealed record StudyInfo(string Name, string Definition, string Fingerprint, int Trials, DateTimeOffset Created);

/// <summary>Trials of a study by state.</summary>
public sealed record TrialCounts(int Total, int Queued, int Running, int Done, int Failed);

/// <summary>A trial a worker holds under a lease.</summary>
/// <param name="Index">The trial's index, 0 … Trials − 1 (candidate c, split s: c · splits + s).</param>
/// <param name="Attempt">1 for the first claim; more when an expired lease was claimed again.</param>
public sealed record ClaimedTrial(int Index, int Attempt);

/// <summary>A worker seen by a study.</summary>
public sealed record WorkerInfo(string Id, string Host, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, int TrialsDone);

/// <summary>
/// Where studies live: SQLite on one machine (<c>sqlite:PATH</c>), PostgreSQL across machines
/// (<c>postgresql://user@host:port/db</c>). Every method is one transaction; a trial is claimed atomically under a lease
/// (renewed by <see cref="Heartbeat"/>), its result is written in the transaction that marks it done, and a late duplicate
/// completion is ignored, so every trial counts exactly once however many workers run and fail.
/// </summary>
public interface IStudyStorage : IDisposable
{
    /// <summary>The storage as given by the user, without any password.</summary>
    string Describe { get; }

    /// <summary>Creates the schema, or migrates an older one (a version table records the schema version).</summary>
    void EnsureSchema();

    /// <summary>
    /// Creates the study with its definition, its data (compressed bytes) and <paramref name="trials"/> queued trials, or
    /// joins the existing one of that name when its fingerprint is the same.
    /// </summary>
    /// <exception cref="StudyException">A study of that name exists with another definition or data (the message names what differs).</exception>
    StudyInfo CreateOrJoin(string name, string definition, byte[] data, string fingerprint, int trials);

    /// <summary>The study of a name, or null.</summary>
    StudyInfo? Find(string name);

    /// <summary>Every study, oldest first.</summary>
    IReadOnlyList<StudyInfo> List();

    /// <summary>The study's stored data (as given to <see cref="CreateOrJoin"/>).</summary>
    byte[] ReadData(string name);

    /// <summary>
    /// Claims one queued trial, or a running one whose lease expired (its worker died), for <paramref name="worker"/> until
    /// now + <paramref name="lease"/>; null when none is left to claim. Also records the worker as seen.
    /// </summary>
    ClaimedTrial? Claim(string name, string worker, string host, TimeSpan lease);

    /// <summary>Extends the leases of the trials <paramref name="worker"/> holds to now + <paramref name="lease"/>.</summary>
    void Heartbeat(string name, string worker, TimeSpan lease);

    /// <summary>
    /// Stores the result and marks the trial done in one transaction, unless it is already done (a late duplicate of a
    /// re-run trial): then nothing changes and the answer is false.
    /// </summary>
    bool Complete(string name, int index, string worker, string result);

    /// <summary>Records an error of a trial: queued again for another attempt, or failed after <paramref name="maxAttempts"/>.</summary>
    void Fail(string name, int index, string worker, string error, int maxAttempts);

    /// <summary>Puts the trials <paramref name="worker"/> holds back in the queue (Ctrl-C).</summary>
    void Release(string name, string worker);

    /// <summary>Trials by state.</summary>
    TrialCounts Counts(string name);

    /// <summary>The workers seen, first seen first.</summary>
    IReadOnlyList<WorkerInfo> Workers(string name);

    /// <summary>The results of the done trials, by index.</summary>
    IReadOnlyDictionary<int, string> Results(string name);
}

/// <summary>A study that cannot be created, joined or read: the message says what and how to fix it.</summary>
public sealed class StudyException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StudyException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public StudyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public StudyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
