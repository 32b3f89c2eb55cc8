using System.Diagnostics;
using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Performance;
using LossLab.Lab.Studies;
using LossLab.Lab.Verification;

namespace LossLab.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/LossLab.Bench -- study [--storage postgresql://…] [--trials N]</c>:
/// <list type="number">
/// <item>the storage overhead of one trial, i.e. the round trips a <see cref="StudyWorker"/> in <c>compare --study</c> makes
/// for it (claim, heartbeat, complete with a real trial's result JSON, counts for the progress line), over N trials
/// (default 500) on a SQLite temp file and on PostgreSQL over loopback (a throw-away server started with initdb/pg_ctl
/// when <c>--storage</c> is not given), median and p95 against the 5 ms target;</item>
/// <item>the wall time of a trial-bound study (builtin:diabetes, 3 losses × 2 optimizers × 5 folds, 6000 epochs: about 0.1 s a trial)
/// with 1 worker and with 2 workers (threads of one process, as <c>compare --study --threads 2</c>), their ratio, and
/// the machine's 2-thread ceiling (<see cref="BenchSuite.TwoThreadCeiling"/>).</item>
/// </list>
/// With <c>--storage</c> the bench leaves its studies (named <c>losslab-bench-…</c>) in that storage.
/// </summary>
internal static class StudyBenchmark
{
    private const double TargetMs = 5;

    public static void Run(IReadOnlyList<string> args)
    {
        string? pgUrl = null;
        int trials = 500;
        int epochs = 6000;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--storage" when i + 1 < args.Count:
                    pgUrl = args[++i];
                    break;
                case "--trials" when i + 1 < args.Count:
                    trials = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--epochs" when i + 1 < args.Count:
                    epochs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"study bench: unknown argument '{args[i]}'; use [--storage URL] [--trials N] [--epochs N]");
            }
        }

        var total = Stopwatch.StartNew();
        Dataset data = Builtins.Load("builtin:diabetes");
        var settings = new CompareSettings
        {
            Losses = ["mse", "huber", "l1"],
            Optimizers = ["sgd:momentum=0.9", "adam"],
            LearningRates = [0.01],
            Folds = 5,
            Repeats = 1,
            Epochs = epochs,
            Parallelism = 1,
        };
        StudyDefinition definition = StudyDefinition.Create(data, settings);
        VerificationPlan plan = definition.Plan();

        // A real trial's result, as a worker stores it (also warms up the trial's code).
        var clock = Stopwatch.StartNew();
        string result = SplitOutcomeJson.Serialize(Verifier.RunTrial(plan, 0));
        double firstTrial = clock.Elapsed.TotalMilliseconds;
        double[] warm = new double[5];
        for (int i = 0; i < warm.Length; i++)
        {
            clock.Restart();
            _ = Verifier.RunTrial(plan, (i + 1) % plan.Trials);
            warm[i] = clock.Elapsed.TotalMilliseconds;
        }

        Console.WriteLine(Invariant($"study bench on {BenchSuite.Machine()}"));
        Console.WriteLine(Invariant($"result JSON of one trial: {result.Length} characters; one trial: {firstTrial:F0} ms cold, {Quantile(warm, 0.5):F0} ms warm (median of 5)"));

        string folder = Path.Combine(Path.GetTempPath(), "losslab-bench-study-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        BenchPostgres? server = null;
        try
        {
            string sqliteUrl = "sqlite:" + Path.Combine(folder, "studies.db");
            string? pgLabel = null;
            if (pgUrl is null)
            {
                clock.Restart();
                server = BenchPostgres.TryStart(out string? why);
                if (server is null)
                {
                    Console.WriteLine($"PostgreSQL skipped: {why}");
                }
                else
                {
                    pgUrl = server.Url;
                    pgLabel = Invariant($"PostgreSQL (loopback, throw-away server, started in {clock.Elapsed.TotalSeconds:F1} s)");
                }
            }

            var storages = new List<(string Label, string Url)> { ("SQLite (temp file, WAL)", sqliteUrl) };
            if (pgUrl is not null)
            {
                storages.Add((pgLabel ?? "PostgreSQL " + StudyStorage.Redact(pgUrl), pgUrl));
            }

            Console.WriteLine(Invariant($"SQLite: {sqliteUrl}; PostgreSQL: {(pgUrl is null ? "none" : pgLabel ?? StudyStorage.Redact(pgUrl))}"));

            Console.WriteLine();
            Console.WriteLine(Invariant($"1. Storage overhead per trial: claim + heartbeat + complete ({result.Length}-char result) + counts, {trials} trials, 1 worker; target < {TargetMs} ms"));
            Console.WriteLine(Invariant($"   {"storage",-40} {"median",8} {"p95",8} {"claim",7} {"beat",7} {"compl.",7} {"counts",7}  target"));
            foreach ((string label, string url) in storages)
            {
                using IStudyStorage storage = StudyStorage.Open(url);
                Overhead o = MeasureOverhead(storage, definition, result, trials);
                Print(label.StartsWith("PostgreSQL", StringComparison.Ordinal) ? "PostgreSQL" + (server is null ? " (given)" : " (default settings)") : label, MeasureOverhead(storage, definition, result, trials));
            }

            if (server is not null)
            {
                // The same server with synchronous_commit = off (a commit returns before its WAL reaches the disk; a server
                // crash loses the last few commits but never corrupts): see docs/STUDIES.md on why a study stays exact.
                server.Execute("ALTER SYSTEM SET synchronous_commit = off; SELECT pg_reload_conf()");
                using (IStudyStorage storage = StudyStorage.Open(server.Url))
                {
                    Print("PostgreSQL (synchronous_commit = off)", MeasureOverhead(storage, definition, result, trials));
                }

                server.Execute("ALTER SYSTEM RESET synchronous_commit; SELECT pg_reload_conf()");
            }

            // The machine is shared: 1 and 2 workers alternate over 3 rounds, each round next to a measure of the 2-thread
            // ceiling, and the medians are reported.
            const int Rounds = 3;
            Console.WriteLine();
            Console.WriteLine(Invariant($"2. Trial-bound study: builtin:diabetes, 3 losses × 2 optimizers × 5 folds = {plan.Trials} trials, linear model, {epochs} epochs, lr 0.01; median of {Rounds} alternating rounds"));
            Console.WriteLine(Invariant($"   {"storage",-40} {"1 worker",9} {"2 workers",9} {"speed-up",8} {"per trial",9} {"2-thread ceiling",16}"));
            foreach ((string label, string url) in storages)
            {
                using IStudyStorage storage = StudyStorage.Open(url);
                double[] one = new double[Rounds], two = new double[Rounds], ratio = new double[Rounds], ceiling = new double[Rounds];
                for (int r = 0; r < Rounds; r++)
                {
                    ceiling[r] = BenchSuite.TwoThreadCeiling(3);
                    one[r] = WallTime(storage, definition, 1, out string best1);
                    two[r] = WallTime(storage, definition, 2, out string best2);
                    ratio[r] = one[r] / two[r];
                    if (best1 != best2)
                    {
                        throw new InvalidOperationException($"the rankings of 1 and 2 workers differ: {best1} vs {best2}");
                    }
                }

                string name = label.StartsWith("PostgreSQL", StringComparison.Ordinal) ? "PostgreSQL" : label;
                Console.WriteLine(Invariant($"   {name,-40} {Quantile(one, 0.5),7:F2} s {Quantile(two, 0.5),7:F2} s {Quantile(ratio, 0.5),7:F2}× {1000 * Quantile(one, 0.5) / plan.Trials,6:F0} ms {Quantile(ceiling, 0.5),15:F2}×"));
                Console.WriteLine(Invariant($"   {string.Empty,-40} rounds: {string.Join(", ", ratio.Select(x => x.ToString("F2", CultureInfo.InvariantCulture) + "×"))}; ceilings {string.Join(", ", ceiling.Select(x => x.ToString("F2", CultureInfo.InvariantCulture) + "×"))}"));
            }
        }

        finally
        {
            server?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine(Invariant($"total {total.Elapsed.TotalSeconds:F0} s"));
    }

    private static void Print(string label, Overhead o) =>
        Console.WriteLine(Invariant($"   {label,-40} {o.Median,6:F2}ms {o.P95,6:F2}ms {o.Claim,5:F2}ms {o.Beat,5:F2}ms {o.Complete,5:F2}ms {o.Counts,5:F2}ms  {(o.P95 < TargetMs ? "met" : o.Median < TargetMs ? "median met" : "missed")}"));

    private static Overhead MeasureOverhead(IStudyStorage storage, StudyDefinition definition, string result, int trials)
    {
        // A study of `trials` queued trials with the real definition and data; each trial is claimed, beaten, completed and
        // counted as a StudyWorker with a progress callback does, with no work in between: what is timed is the storage alone.
        string name = "losslab-bench-overhead-" + Guid.NewGuid().ToString("N")[..8];
        _ = storage.CreateOrJoin(name, definition.Json, definition.Data, definition.Fingerprint, trials);
        const string Worker = "bench-worker";
        string host = Environment.MachineName;
        TimeSpan lease = TimeSpan.FromMinutes(2);
        double[] perTrial = new double[trials], claim = new double[trials], beat = new double[trials], complete = new double[trials], counts = new double[trials];
        for (int i = 0; i < trials; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            ClaimedTrial trial = storage.Claim(name, Worker, host, lease) ?? throw new InvalidOperationException("no trial left to claim");
            long t1 = Stopwatch.GetTimestamp();
            storage.Heartbeat(name, Worker, lease);
            long t2 = Stopwatch.GetTimestamp();
            if (!storage.Complete(name, trial.Index, Worker, result))
            {
                throw new InvalidOperationException($"trial {trial.Index} was not counted");
            }

            long t3 = Stopwatch.GetTimestamp();
            _ = storage.Counts(name);
            long t4 = Stopwatch.GetTimestamp();
            claim[i] = Ms(t0, t1);
            beat[i] = Ms(t1, t2);
            complete[i] = Ms(t2, t3);
            counts[i] = Ms(t3, t4);
            perTrial[i] = Ms(t0, t4);
        }

        TrialCounts final = storage.Counts(name);
        if (final.Done != trials)
        {
            throw new InvalidOperationException($"{final.Done} of {trials} trials done");
        }

        return new Overhead(Quantile(perTrial, 0.5), Quantile(perTrial, 0.95), Quantile(claim, 0.5), Quantile(beat, 0.5), Quantile(complete, 0.5), Quantile(counts, 0.5));
    }

    private static double WallTime(IStudyStorage storage, StudyDefinition definition, int workers, out string best)
    {
        // Threads of one process on one storage, as `compare --study --threads N` runs them (with a progress callback).
        string name = "losslab-bench-speedup-" + Guid.NewGuid().ToString("N")[..8];
        _ = Study.CreateOrJoin(storage, name, definition);
        VerificationPlan plan = definition.Plan();
        var clock = Stopwatch.StartNew();
        var tasks = new Task[workers];
        for (int k = 0; k < workers; k++)
        {
            var worker = new StudyWorker(storage, name, plan, $"bench:{k + 1}");
            tasks[k] = Task.Factory.StartNew(() => worker.Work(_ => { }), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        Task.WaitAll(tasks);
        double seconds = clock.Elapsed.TotalSeconds;
        CompareResult result = Study.Result(storage, name);
        if (result.Cancelled)
        {
            throw new InvalidOperationException($"study {name} did not finish");
        }

        best = Invariant($"{result.Ranking[0].Loss} + {result.Ranking[0].Optimizer} {result.Ranking[0].Mean:R}");
        return seconds;
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static double Quantile(double[] values, double q)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Overhead(double Median, double P95, double Claim, double Beat, double Complete, double Counts);
}
