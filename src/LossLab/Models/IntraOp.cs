using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace LossLab.Models;

/// <summary>
/// A piece of work cut in chunks: chunk i covers a fixed range of output columns, so a chunk gives the same bits
/// whichever thread runs it, and the chunks together cover it all.
/// </summary>
internal abstract class IntraOpJob
{
    private int _next;
    private int _chunks;

    /// <summary>Runs the chunks [<paramref name="first"/>, <paramref name="end"/>) with the scratch of <paramref name="slot"/> (0: the calling thread, 1: the helper).</summary>
    public abstract void Run(int first, int end, int slot);

    /// <summary>Starts a run of <paramref name="chunks"/> chunks.</summary>
    internal void Reset(int chunks)
    {
        _chunks = chunks;
        Volatile.Write(ref _next, 0);
    }

    /// <summary>Takes chunks one at a time until none is left; returns how many this thread ran.</summary>
    internal int Work(int slot)
    {
        int ran = 0;
        for (int chunk = Interlocked.Increment(ref _next) - 1; chunk < _chunks; chunk = Interlocked.Increment(ref _next) - 1)
        {
            Run(chunk, chunk + 1, slot);
            ran++;
        }

        return ran;
    }
}

/// <summary>
/// Parallelism inside one training step: a large product is cut in chunks of output columns, which the calling thread
/// and one persistent helper thread take one at a time. Every output element is computed by the same operations in
/// whichever chunk and thread, so the results do not depend on whether, or how much, the helper took part.
/// <para>
/// It stays bounded: there is one helper for the whole process, taken with a compare-and-swap; a step that finds it
/// busy (another training is using it) does all the work itself instead of waiting. A step never splits inside a task
/// (<see cref="Task.CurrentId"/> set: the body of a <c>Parallel.For</c>, as in sweeps, compare and advise runs and
/// studies, or a <c>Task.Run</c>), so training that is already parallel keeps one thread per run; a single fit on a
/// plain thread (the CLI's main thread) splits. <see cref="Serial"/> turns it off on one thread for a region, and
/// <see cref="MaxThreads"/> (default: 2 when the machine has 2 or more processors) set to 1 for the whole process.
/// </para>
/// </summary>
internal static class IntraOp
{
    private static readonly Lock Gate = new();
    private static int s_maxThreads = Math.Min(2, Environment.ProcessorCount);
    private static int s_busy;
    private static long s_splitRuns;
    private static long s_helperAllocated;
    private static Helper? s_helper;

    // Back-off when the helper lags (its core taken by other processes; see Judge): the next s_skip splittable runs go on the
    // calling thread alone; s_backoff doubles at each lagging run (up to MaxBackoff) and drops to 1 after a good one.
    // Touched only by the thread that holds s_busy.
    private const int MaxBackoff = 16;
    private static int s_skip;
    private static int s_backoff = 1;
    private static long s_lagging;

    [ThreadStatic]
    private static int t_serial;

    /// <summary>Threads one step may use (1 or 2; 1 turns intra-step parallelism off).</summary>
    public static int MaxThreads
    {
        get => Volatile.Read(ref s_maxThreads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref s_maxThreads, Math.Min(value, 2));
        }
    }

    /// <summary>How many jobs the helper thread has taken part in (for tests and benchmarks).</summary>
    public static long SplitRuns => Interlocked.Read(ref s_splitRuns);

    /// <summary>How many split runs found the helper lagging (the caller waited for the helper's last chunk longer than the helper's share would have taken it).</summary>
    public static long LaggingRuns => Interlocked.Read(ref s_lagging);

    /// <summary>Bytes the helper thread has allocated, as of the end of its last job (for the allocation tests).</summary>
    public static long HelperAllocatedBytes => Interlocked.Read(ref s_helperAllocated);

    /// <summary>Whether a step on this thread may split now: more than one thread allowed, not inside <see cref="Serial"/>, not inside a task.</summary>
    public static bool Enabled => t_serial == 0 && MaxThreads > 1 && Task.CurrentId is null;

    /// <summary>Turns splitting off on this thread until the returned scope is disposed (scopes nest).</summary>
    public static SerialScope Serial()
    {
        t_serial++;
        return default;
    }

    /// <summary>
    /// Runs the <paramref name="chunks"/> chunks of <paramref name="job"/>: when <paramref name="split"/>, splitting is
    /// enabled and the helper is free, the calling thread and the helper take chunks one at a time until none is left
    /// (a helper that wakes late finds fewer or none); otherwise the calling thread runs them all at once.
    /// </summary>
    public static void Run(IntraOpJob job, int chunks, bool split)
    {
        if (!split || chunks < 2 || !Enabled || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            job.Run(0, chunks, 0);
            return;
        }

        try
        {
            if (s_skip > 0)
            {
                // The helper lagged lately: this run on the calling thread alone (the same bits).
                s_skip--;
                job.Run(0, chunks, 0);
                return;
            }

            Helper helper = s_helper ?? CreateHelper();
            job.Reset(chunks);
            long start = Stopwatch.GetTimestamp();
            helper.Post(job);
            Exception? mine = null;
            int ran = 0;
            try
            {
                ran = job.Work(0);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                mine = e;
            }

            // Take the job back if the helper has not picked it up yet; else wait for its last chunk.
            long worked = Stopwatch.GetTimestamp();
            if (helper.Retract(job, out Exception? theirs))
            {
                Interlocked.Increment(ref s_splitRuns);
                Judge(Stopwatch.GetTimestamp() - worked, worked - start, ran, chunks);
            }

            if ((mine ?? theirs) is Exception failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            Volatile.Write(ref s_busy, 0);
        }
    }

    /// <summary>
    /// A split run in which the caller, after its <paramref name="ran"/> of the <paramref name="chunks"/> chunks in
    /// <paramref name="worked"/> ticks, waited <paramref name="waited"/> ticks for the helper's last chunk. A wait longer
    /// than the helper's share would have taken the caller (and than two chunks, and 50 µs) means the split made the run
    /// slower than one thread: the helper's core is taken by others (a chunk left half done there waits for the
    /// scheduler), so the next runs go on the caller alone for a while, which bounds what a busy second core costs.
    /// </summary>
    private static void Judge(long waited, long worked, int ran, int chunks)
    {
        long chunk = worked / Math.Max(1, ran);
        if (waited > (Math.Max(2, chunks - ran) * chunk) + (Stopwatch.Frequency / 20_000))
        {
            Interlocked.Increment(ref s_lagging);
            s_skip = s_backoff;
            s_backoff = Math.Min(MaxBackoff, 2 * s_backoff);
        }
        else
        {
            s_backoff = 1;
        }
    }

    private static Helper CreateHelper()
    {
        lock (Gate)
        {
            return s_helper ??= new Helper();
        }
    }

    /// <summary>Ends a <see cref="Serial"/> region.</summary>
    internal readonly struct SerialScope : IDisposable
    {
        /// <summary>Leaves the region.</summary>
        public void Dispose() => t_serial--;
    }

    /// <summary>The helper thread: waits for an offered job, takes its chunks until none is left, signals.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One helper lives as long as the process; its thread and event are never released.")]
    private sealed class Helper
    {
        private readonly ManualResetEventSlim _start = new(false, 2000);
        private int _finished;
        private IntraOpJob? _job;
        private Exception? _error;

        public Helper()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "LossLab intra-step helper" };
            thread.Start();
        }

        /// <summary>Offers <paramref name="job"/> to the helper.</summary>
        public void Post(IntraOpJob job)
        {
            _error = null;
            Volatile.Write(ref _finished, 0);
            Volatile.Write(ref _job, job);
            _start.Set();
        }

        /// <summary>Withdraws the offer; if the helper took it, waits until it is done. Returns whether the helper took part.</summary>
        public bool Retract(IntraOpJob job, out Exception? error)
        {
            error = null;
            if (ReferenceEquals(Interlocked.CompareExchange(ref _job, null, job), job))
            {
                return false;
            }

            // The helper is inside its last chunk: spin, then yield the processor (allocates nothing). Never sleep: a
            // Thread.Sleep(1) (SpinWait's default after about 20 turns) oversleeps by a millisecond or more, longer than
            // a chunk, and a step waits here once per split product.
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _finished) == 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            error = _error;
            return true;
        }

        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                _start.Reset();
                IntraOpJob? job = Interlocked.Exchange(ref _job, null);
                if (job is null)
                {
                    continue; // withdrawn before the helper woke
                }

                try
                {
                    job.Work(1);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _error = e;
                }

                Interlocked.Exchange(ref s_helperAllocated, GC.GetAllocatedBytesForCurrentThread());
                Volatile.Write(ref _finished, 1);
            }
        }
    }
}
