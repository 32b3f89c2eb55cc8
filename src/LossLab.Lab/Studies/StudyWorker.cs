using LossLab.Lab.Verification;

namespace LossLab.Lab.Studies;

/// <summary>What a worker reports after each trial it finished.</summary>
/// <param name="Index">The trial.</param>
/// <param name="Counted">Whether its result was stored (false: another worker had already completed it).</param>
/// <param name="Failed">Whether it threw (then <see cref="Error"/> says why).</param>
/// <param name="Error">The error, or null.</param>
/// <param name="Counts">The study's trials by state, after it.</param>
public sealed record StudyProgress(int Index, bool Counted, bool Failed, string? Error, TrialCounts Counts);

/// <summary>
/// Works on a study until no trial is left: claims a trial under a lease, runs it (<see cref="Verifier.RunTrial"/>) while
/// a timer renews the lease every <see cref="Lease"/>/3, and stores its result; a trial that throws is recorded as failed
/// (queued again up to <see cref="MaxAttempts"/> attempts); on cancellation the worker gives its trial back and stops.
/// When nothing is queued but other workers still run trials, it waits and takes over any whose lease expires.
/// </summary>
public sealed class StudyWorker
{
    private readonly IStudyStorage _storage;
    private readonly string _study;
    private readonly VerificationPlan _plan;

    /// <summary>A worker on study <paramref name="study"/> whose trials are those of <paramref name="plan"/>.</summary>
    /// <param name="storage">The storage.</param>
    /// <param name="study">The study's name.</param>
    /// <param name="plan">The plan of the study's definition (<see cref="StudyDefinition.Plan"/>).</param>
    /// <param name="id">The worker's id; null makes a unique one (host, process, random).</param>
    public StudyWorker(IStudyStorage storage, string study, VerificationPlan plan, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentException.ThrowIfNullOrWhiteSpace(study);
        ArgumentNullException.ThrowIfNull(plan);
        _storage = storage;
        _study = study;
        _plan = plan;
        Host = Environment.MachineName;
        Id = id ?? $"{Host}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    }

    /// <summary>The worker's id, as stored.</summary>
    public string Id { get; }

    /// <summary>The host it runs on.</summary>
    public string Host { get; }

    /// <summary>How long a claim holds without a heartbeat (renewed every third of it); default 2 minutes.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Attempts of a trial before it is marked failed; default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Whether to wait for trials other workers still run (taking over expired ones) once none is queued; default true.</summary>
    public bool WaitForRunning { get; init; } = true;

    /// <summary>The longest wait between two looks while waiting for others' trials (they start at 20 ms and double); default a second (or Lease/3 when shorter).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Trials this worker completed (results stored by it).</summary>
    public int Completed { get; private set; }

    /// <summary>Works until no trial is left to claim (and, with <see cref="WaitForRunning"/>, none running), or until cancelled.</summary>
    /// <param name="progress">Called after each trial this worker finished or failed.</param>
    /// <param name="cancellation">Stops: the held trial goes back to the queue.</param>
    /// <returns>Whether the study has no queued or running trial left (false when cancelled).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A lease, poll interval or attempt limit that is not positive.</exception>
    public bool Work(Action<StudyProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Lease, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxAttempts);
        TimeSpan longest = PollInterval < Lease / 3 ? PollInterval : Lease / 3;

        // Waiting for the trials others run starts with short looks that double up to the poll interval: the last
        // trials of a study usually end within a trial's time, and a fixed second of waiting made two workers slower
        // than one on a short study.
        TimeSpan poll = TimeSpan.FromMilliseconds(Math.Min(20, longest.TotalMilliseconds));
        while (!cancellation.IsCancellationRequested)
        {
            ClaimedTrial? claim = _storage.Claim(_study, Id, Host, Lease);
            if (claim is null)
            {
                TrialCounts counts = _storage.Counts(_study);
                if (!WaitForRunning || counts.Running == 0)
                {
                    return counts.Queued == 0 && counts.Running == 0;
                }

                if (cancellation.WaitHandle.WaitOne(poll))
                {
                    break;
                }

                poll = poll * 2 < longest ? poll * 2 : longest;
                continue;
            }

            poll = TimeSpan.FromMilliseconds(Math.Min(20, longest.TotalMilliseconds));

            if (claim.Attempt > MaxAttempts)
            {
                // Its earlier workers died holding it (lease expired each time): give up on it rather than loop forever.
                string error = $"trial {claim.Index} lost its worker {claim.Attempt - 1} times (lease expired)";
                _storage.Fail(_study, claim.Index, Id, error, MaxAttempts);
                progress?.Invoke(new StudyProgress(claim.Index, false, true, error, _storage.Counts(_study)));
                continue;
            }

            SplitOutcome outcome;
            using (var timer = new Timer(_ => Beat(), null, Lease / 3, Lease / 3))
            {
                try
                {
                    outcome = Verifier.RunTrial(_plan, claim.Index, cancellation);
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    string error = $"{e.GetType().Name}: {e.Message}";
                    _storage.Fail(_study, claim.Index, Id, error, MaxAttempts);
                    progress?.Invoke(new StudyProgress(claim.Index, false, true, error, _storage.Counts(_study)));
                    continue;
                }
            }

            bool counted = _storage.Complete(_study, claim.Index, Id, SplitOutcomeJson.Serialize(outcome));
            if (counted)
            {
                Completed++;
            }

            progress?.Invoke(new StudyProgress(claim.Index, counted, false, null, _storage.Counts(_study)));
        }

        _storage.Release(_study, Id);
        return false;
    }

    /// <summary>Renews the leases; a failed heartbeat is not fatal (the next one, or the lease, decides).</summary>
    private void Beat()
    {
        try
        {
            _storage.Heartbeat(_study, Id, Lease);
        }
        catch (Exception e) when (e is StudyException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            // The trial goes on; should the lease expire meanwhile, another worker may run it too and the first result counts.
        }
    }
}
