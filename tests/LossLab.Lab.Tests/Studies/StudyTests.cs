using System.Text.Json;
using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Studies;
using LossLab.Lab.Verification;

namespace LossLab.Lab.Tests.Studies;

public sealed class StudyTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly string _folder = Directory.CreateTempSubdirectory("losslab-study-").FullName;

    private static Dataset Data => Builtins.Load("builtin:seed");

    private static CompareSettings Settings => new() { Losses = ["mse", "l1"], Optimizers = ["sgd"], LearningRates = [0.01, 0.1], Folds = 2, Repeats = 2, Epochs = 8, Parallelism = 1 };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Everything a ranking shows, doubles round-trip exact.</summary>
    private static string RankingJson(CompareResult r) => JsonSerializer.Serialize(new { r.Ranking, r.WinnerVsRunnerUp, r.Ranks, r.Metric, r.LowerIsBetter, r.Cancelled, r.RunsCompleted, r.RunsTotal }, Json);

    private SqliteStudyStorage NewStorage(string file = "studies.db")
    {
        var storage = new SqliteStudyStorage(Path.Combine(_folder, file));
        storage.EnsureSchema();
        return storage;
    }

    [Fact]
    public void Prepare_then_every_trial_then_assemble_equals_run()
    {
        Dataset d = Data;
        Candidate[] candidates = [new("mse", "sgd"), new("huber", "adam")];
        var settings = new VerificationSettings { Plan = new ResamplingPlan { Folds = 2, Repeats = 2 }, LearningRates = [0.1, 0.01], Metric = "rmse", Epochs = 8, Parallelism = 2 };
        VerificationRun run = Verifier.Run(d, candidates, settings);
        VerificationPlan plan = Verifier.Prepare(d, candidates, settings);
        Assert.Equal(2 * 4, plan.Trials);
        Assert.Equal([0.01, 0.1], plan.Rates);
        SplitOutcome?[] slots = [.. Enumerable.Range(0, plan.Trials).Reverse().Select(i => Verifier.RunTrial(plan, i)).Reverse()];
        VerificationRun assembled = Verifier.Assemble(plan, slots, cancelled: false);
        Assert.Equal(JsonSerializer.Serialize(run, Json), JsonSerializer.Serialize(assembled, Json));

        // a missing trial drops its candidate only
        slots[5] = null;
        VerificationRun partial = Verifier.Assemble(plan, slots, cancelled: true);
        Assert.Equal(["mse"], partial.Candidates.Select(c => c.Candidate.Loss));
        Assert.Equal(7, partial.RunsCompleted);
        Assert.Throws<ArgumentOutOfRangeException>(() => Verifier.RunTrial(plan, plan.Trials));
    }

    [Fact]
    public void Outcomes_round_trip_bit_for_bit_including_nan_and_infinity()
    {
        var outcome = new SplitOutcome(0.1 + 0.2, new SortedDictionary<string, double> { ["rmse"] = Math.PI / 3, ["r2"] = double.NegativeInfinity, ["mae"] = double.NaN }, 1e-300, 0.437_000_000_000_000_1, false, true, true, [double.NaN, 5e-324, double.PositiveInfinity, -0.0]);
        SplitOutcome back = SplitOutcomeJson.Deserialize(SplitOutcomeJson.Serialize(outcome));
        Assert.Equal(BitConverter.DoubleToInt64Bits(outcome.Score), BitConverter.DoubleToInt64Bits(back.Score));
        Assert.Equal(outcome.Metrics.Select(m => (m.Key, BitConverter.DoubleToInt64Bits(m.Value))).Order(), back.Metrics.Select(m => (m.Key, BitConverter.DoubleToInt64Bits(m.Value))).Order());
        Assert.Equal(outcome.InnerScores.Select(BitConverter.DoubleToInt64Bits), back.InnerScores.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal((outcome.LearningRate, outcome.Threshold, outcome.Diverged, outcome.AtEdge, outcome.Extended), (back.LearningRate, back.Threshold, back.Diverged, back.AtEdge, back.Extended));
        Assert.Null(SplitOutcomeJson.Deserialize(SplitOutcomeJson.Serialize(outcome with { Threshold = null })).Threshold);
        Assert.Throws<StudyException>(() => SplitOutcomeJson.Deserialize("{\"score\":1}"));
    }

    [Fact]
    public void A_definition_is_canonical_and_reads_back_with_its_data()
    {
        StudyDefinition a = StudyDefinition.Create(Data, Settings);
        StudyDefinition b = StudyDefinition.Create(Builtins.Load("builtin:seed"), Settings with { Parallelism = 2 });
        Assert.Equal(a.Json, b.Json);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", a.Fingerprint);

        StudyDefinition back = StudyDefinition.Load(a.Json, a.Data);
        Assert.Equal(a.Fingerprint, back.Fingerprint);
        Assert.Equal(a.Dataset.Features, back.Dataset.Features);
        Assert.Equal(a.Dataset.Targets, back.Dataset.Targets);
        Assert.Equal(a.Dataset.FeatureNames, back.Dataset.FeatureNames);
        Assert.Equal(a.Settings.Losses, back.Settings.Losses);
        Assert.Equal("rmse", back.Settings.Metric);

        StudyDefinition other = StudyDefinition.Create(Data, Settings with { Epochs = 9, Losses = ["mse"] });
        Assert.Empty(StudyDefinition.Differences(a, back));
        Assert.Equal(["losses (stored [\"mse\",\"l1\"], given [\"mse\"])", "epochs (stored 8, given 9)"], StudyDefinition.Differences(a.Json, other.Json));
        Dataset changed = Data.WithTargets([.. Data.Targets.Select((v, i) => i == 0 ? v + 1 : v)]);
        Assert.Contains(StudyDefinition.Differences(a.Json, StudyDefinition.Create(changed, Settings).Json), d => d.StartsWith("data.sha256 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_workers_on_one_sqlite_file_give_compare_runs_result_with_every_trial_once()
    {
        CompareResult expected = Compare.Run(Data, Settings);
        using SqliteStudyStorage storage = NewStorage();
        StudyDefinition definition = Study.CreateOrJoin(storage, "s", Data, Settings);
        Assert.Equal(8, storage.Counts("s").Queued);

        var workers = Enumerable.Range(0, 2).Select(i => new StudyWorker(new SqliteStudyStorage(storage.Path), "s", StudyDefinition.Load(storage.Find("s")!.Definition, storage.ReadData("s")).Plan(), $"w{i}")).ToArray();
        var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
        Task<bool>[] running = [.. workers.Select(w => Task.Run(() => w.Work(p => seen.Add(p.Index))))];
        Assert.All(running, t => Assert.True(t.Result));

        Assert.Equal(new TrialCounts(8, 0, 0, 8, 0), storage.Counts("s"));
        Assert.Equal(Enumerable.Range(0, 8), seen.Order());
        Assert.Equal(8, workers.Sum(w => w.Completed));
        Assert.Equal(8, storage.Workers("s").Sum(w => w.TrialsDone));
        Assert.Contains("\"Loss\":\"l1\"", RankingJson(expected), StringComparison.Ordinal);
        Assert.Equal(RankingJson(expected), RankingJson(Study.Result(storage, "s")));
        Assert.Equal(definition.Fingerprint, storage.Find("s")!.Fingerprint);
    }

    [Fact]
    public void A_worker_cancelled_mid_study_and_resumed_gives_the_same_result()
    {
        CompareResult expected = Compare.Run(Data, Settings);
        using SqliteStudyStorage storage = NewStorage();
        StudyDefinition definition = Study.CreateOrJoin(storage, "s", Data, Settings);
        using var cts = new CancellationTokenSource();
        var first = new StudyWorker(storage, "s", definition.Plan(), "first");
        Assert.False(first.Work(p => { if (p.Counts.Done == 3) { cts.Cancel(); } }, cts.Token));
        TrialCounts after = storage.Counts("s");
        Assert.Equal((3, 0, 5), (after.Done, after.Running, after.Queued));
        CompareResult partial = Study.Result(storage, "s");
        Assert.True(partial.Cancelled);
        Assert.Empty(partial.Ranking); // neither candidate has all 4 splits yet

        var second = new StudyWorker(storage, "s", StudyDefinition.Load(definition.Json, definition.Data).Plan(), "second");
        Assert.True(second.Work());
        Assert.Equal(5, second.Completed);
        Assert.Equal(RankingJson(expected), RankingJson(Study.Result(storage, "s")));
    }

    [Fact]
    public void An_expired_lease_is_claimed_again_and_the_study_still_finishes()
    {
        CompareResult expected = Compare.Run(Data, Settings);
        using SqliteStudyStorage storage = NewStorage();
        StudyDefinition definition = Study.CreateOrJoin(storage, "s", Data, Settings);
        ClaimedTrial held = storage.Claim("s", "dead", "h", TimeSpan.FromMilliseconds(300))!; // then never heartbeats
        Assert.Equal(new ClaimedTrial(0, 1), held);
        Assert.Equal(new ClaimedTrial(1, 1), storage.Claim("s", "other", "h", TimeSpan.FromMinutes(1)));
        storage.Release("s", "other");
        Thread.Sleep(400);
        Assert.Equal(new ClaimedTrial(0, 2), storage.Claim("s", "alive", "h", TimeSpan.FromMinutes(1)));
        storage.Release("s", "alive");

        // a worker with a short lease heartbeats: its trials are not taken over while it runs
        var worker = new StudyWorker(storage, "s", definition.Plan(), "w") { Lease = TimeSpan.FromMilliseconds(600) };
        Assert.True(worker.Work());
        Assert.Equal(RankingJson(expected), RankingJson(Study.Result(storage, "s")));
        Assert.Equal(8, storage.Workers("s").Single(w => w.Id == "w").TrialsDone);
    }

    [Fact]
    public void A_late_duplicate_completion_returns_false_and_changes_nothing()
    {
        using SqliteStudyStorage storage = NewStorage();
        _ = storage.CreateOrJoin("s", "{}", [1, 2, 3], "f", 2);
        Assert.Equal(0, storage.Claim("s", "slow", "h", TimeSpan.FromMilliseconds(50))!.Index);
        Thread.Sleep(100);
        Assert.Equal(new ClaimedTrial(0, 2), storage.Claim("s", "fast", "h", TimeSpan.FromMinutes(1)));
        Assert.True(storage.Complete("s", 0, "fast", "first"));
        Assert.False(storage.Complete("s", 0, "slow", "late"));
        Assert.Equal("first", storage.Results("s")[0]);
        Assert.Equal(new TrialCounts(2, 1, 0, 1, 0), storage.Counts("s"));
        Assert.Equal([("slow", 0), ("fast", 1)], storage.Workers("s").Select(w => (w.Id, w.TrialsDone)));
        Assert.Equal([1, 2, 3], storage.ReadData("s"));
    }

    [Fact]
    public void Failed_trials_are_retried_up_to_the_limit_and_released_ones_requeued()
    {
        using SqliteStudyStorage storage = NewStorage();
        _ = storage.CreateOrJoin("s", "{}", [0], "f", 1);
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            Assert.Equal(new ClaimedTrial(0, attempt), storage.Claim("s", "w", "h", TimeSpan.FromMinutes(1)));
            storage.Fail("s", 0, "w", "boom", maxAttempts: 3);
        }

        Assert.Equal(new TrialCounts(1, 0, 0, 0, 1), storage.Counts("s"));
        Assert.Null(storage.Claim("s", "w", "h", TimeSpan.FromMinutes(1)));

        _ = storage.CreateOrJoin("t", "{}", [0], "f", 1);
        Assert.Equal(new ClaimedTrial(0, 1), storage.Claim("t", "w", "h", TimeSpan.FromMinutes(1)));
        storage.Release("t", "w");
        Assert.Equal(new TrialCounts(1, 1, 0, 0, 0), storage.Counts("t"));
        Assert.Equal(new ClaimedTrial(0, 1), storage.Claim("t", "w", "h", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void Another_definition_under_the_same_name_is_refused_naming_the_difference()
    {
        using SqliteStudyStorage storage = NewStorage();
        _ = Study.CreateOrJoin(storage, "s", Data, Settings);
        _ = Study.CreateOrJoin(storage, "s", Data, Settings with { Parallelism = 4 }); // joins
        StudyException e = Assert.Throws<StudyException>(() => Study.CreateOrJoin(storage, "s", Data, Settings with { Epochs = 20 }));
        Assert.Contains("study 's'", e.Message, StringComparison.Ordinal);
        Assert.Contains("epochs (stored 8, given 20)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Single(storage.List());
    }

    [Fact]
    public void Storage_urls_open_sqlite_and_refuse_others_without_showing_a_password()
    {
        using (IStudyStorage storage = StudyStorage.Open("sqlite:" + Path.Combine(_folder, "x.db")))
        {
            Assert.Equal("sqlite:" + Path.Combine(_folder, "x.db"), storage.Describe);
            Assert.Empty(storage.List());
        }

        StudyException e = Assert.Throws<StudyException>(() => StudyStorage.Open("mysql://me:secret@db/x"));
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite:PATH", e.Message, StringComparison.Ordinal);
        Assert.Throws<StudyException>(() => StudyStorage.Open("sqlite:"));
        Assert.Throws<StudyException>(() => Study.Load(StudyStorage.Open("sqlite:" + Path.Combine(_folder, "x.db")), "missing"));
    }
}
