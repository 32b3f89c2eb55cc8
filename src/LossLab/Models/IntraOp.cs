using System.Runtime.ExceptionServices;

namespace LossLab.Models;

/// <summary>A piece of work that can be done in parts: part i of n covers a fixed range, and the parts together cover it all.</summary>
internal abstract class IntraOpJob
{
    /// <summary>Does part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public abstract void Run(int part, int parts);
}

/// <summary>
/// Parallelism inside one training step: a large product is split in two parts, the calling thread doing one and a
/// persistent helper thread the other. The split is by output columns, and every output element is computed by the same
/// operations in either part, so the results do not depend on whether the helper took part.
/// <para>
/// It stays bounded: there is one helper for the whole process, taken with a compare-and-swap; a step that finds it
/// busy (another training is using it) does all the work itself instead of waiting. Code that already trains in
/// parallel (sweeps, compare and advise runs, studies) turns it off around each run with <see cref="Serial"/>, so that
/// those loops keep one thread per run. <see cref="MaxThreads"/> (default: 2 when the machine has 2 or more
/// processors) set to 1 turns it off for the whole process.
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

    /// <summary>Bytes the helper thread has allocated, as of the end of its last job (for the allocation tests).</summary>
    public static long HelperAllocatedBytes => Interlocked.Read(ref s_helperAllocated);

    /// <summary>How many jobs have been run in two parts on two threads (for tests and benchmarks).</summary>
    public static long SplitRuns => Interlocked.Read(ref s_splitRuns);

    /// <summary>Whether a step on this thread may split now (not inside <see cref="Serial"/>, and more than one thread allowed).</summary>
    public static bool Enabled => t_serial == 0 && MaxThreads > 1;

    /// <summary>Turns splitting off on this thread until the returned scope is disposed (scopes nest).</summary>
    public static SerialScope Serial()
    {
        t_serial++;
        return default;
    }

    /// <summary>
    /// Runs <paramref name="job"/> in 2 parts (the caller doing part 0, the helper part 1) when <paramref name="split"/>,
    /// splitting is enabled and the helper is free; otherwise as one part on the calling thread.
    /// </summary>
    public static void Run(IntraOpJob job, bool split)
    {
        if (!split || !Enabled || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            job.Run(0, 1);
            return;
        }

        try
        {
            Helper helper = s_helper ?? CreateHelper();
            helper.Start(job);
            Exception? mine = null;
            try
            {
                job.Run(0, 2);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                mine = e;
            }

            Exception? theirs = helper.Wait();
            Interlocked.Increment(ref s_splitRuns);
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

    /// <summary>The helper thread: waits for a job, runs part 1 of 2, signals.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One helper lives as long as the process; its thread and events are never released.")]
    private sealed class Helper
    {
        private readonly ManualResetEventSlim _start = new(false, 2000);
        private readonly ManualResetEventSlim _done = new(false, 2000);
        private IntraOpJob? _job;
        private Exception? _error;

        public Helper()
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = "LossLab intra-step helper" };
            thread.Start();
        }

        public void Start(IntraOpJob job)
        {
            _job = job;
            _error = null;
            _done.Reset();
            _start.Set();
        }

        public Exception? Wait()
        {
            _done.Wait();
            _job = null;
            return _error;
        }

        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                _start.Reset();
                try
                {
                    _job!.Run(1, 2);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    _error = e;
                }

                Interlocked.Exchange(ref s_helperAllocated, GC.GetAllocatedBytesForCurrentThread());
                _done.Set();
            }
        }
    }
}
