using LossLab.Models;

namespace LossLab.Tests.Models;

/// <summary>A helper that lags (its core taken) is noticed, and every chunk still runs exactly once.</summary>
public sealed class IntraOpLagTests
{
    [Fact]
    public void A_lagging_helper_is_noticed_and_every_chunk_runs_once()
    {
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        var job = new SlowHelperJob(16);
        long lagBefore = IntraOp.LaggingRuns;
        bool split = false, lagged = false, once = true;
        var thread = new Thread(() =>
        {
            // Another test may hold the helper for a while, or the helper wakes late; then the run stays on this thread.
            // On a loaded machine the caller's own chunks can be preempted and take as long as the helper's, so a run
            // may not count as lagging: runs repeat until one where the helper took part was noticed (or 20 s pass).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!(split && lagged) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                long before = IntraOp.SplitRuns;
                job.Clear();
                IntraOp.Run(job, job.Counts.Length, split: true);
                once &= job.Counts.All(c => c == 1);
                split |= job.HelperChunks > 0 && IntraOp.SplitRuns > before;
                lagged = IntraOp.LaggingRuns > lagBefore;
            }
        });
        thread.Start();
        thread.Join();
        Assert.True(once, "a chunk ran twice or not at all");
        Assert.True(split, "the helper never took part");
        Assert.True(IntraOp.LaggingRuns > lagBefore, "a helper 20 ms slower per chunk was not noticed");
    }

    /// <summary>Chunks that take 20 ms on the helper and 0.5 ms on the caller.</summary>
    private sealed class SlowHelperJob(int chunks) : IntraOpJob
    {
        public int[] Counts { get; } = new int[chunks];

        public int HelperChunks { get; private set; }

        public void Clear()
        {
            Array.Clear(Counts);
            HelperChunks = 0;
        }

        public override void Run(int first, int end, int slot)
        {
            if (slot == 1)
            {
                Thread.Sleep(20);
                HelperChunks += end - first;
            }
            else
            {
                long until = System.Diagnostics.Stopwatch.GetTimestamp() + (System.Diagnostics.Stopwatch.Frequency / 2000);
                while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
                {
                    Thread.SpinWait(20);
                }
            }

            for (int c = first; c < end; c++)
            {
                Interlocked.Increment(ref Counts[c]);
            }
        }
    }
}
