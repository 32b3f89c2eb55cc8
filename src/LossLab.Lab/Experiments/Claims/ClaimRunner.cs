using System.Collections.Concurrent;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// Replicates claims and judges them from the distribution of their outcomes. Replication r runs with seed
/// base·100003 + r (distinct for every replication of up to 100,003 per base seed), every trial lands in a slot fixed
/// before the start, so the results are the same on any number of
/// threads. Verdict rule (per scenario, 95% Wilson interval of the share of replications in which the prediction held):
/// <list type="bullet">
/// <item><see cref="Verdict.Holds"/>: in every scenario the interval lies above ½ (the prediction holds in most
/// replications, beyond sampling noise);</item>
/// <item><see cref="Verdict.DoesNotHold"/>: in every scenario the interval lies below ½;</item>
/// <item><see cref="Verdict.HoldsWithCaveat"/>: otherwise — it holds in some scenario and not in another, or the share
/// is too close to ½ to call; the explanation names the scenario where it fails.</item>
/// </list>
/// An exact claim runs once and holds when its prediction held in every scenario.
/// </summary>
public static class ClaimRunner
{
    /// <summary>The default number of replications.</summary>
    public const int DefaultReplications = 20;

    /// <summary>Runs claims.</summary>
    /// <param name="claims">The claims.</param>
    /// <param name="replications">Replications of each sampled claim (≥ 1).</param>
    /// <param name="seed">The base seed.</param>
    /// <param name="parallelism">Runs at once (null: all cores).</param>
    /// <param name="cancellation">Stops early (finished claims are returned).</param>
    public static IReadOnlyList<ClaimResult> Run(IReadOnlyList<IClaim> claims, int replications, int seed, int? parallelism = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentOutOfRangeException.ThrowIfLessThan(replications, 1);
        var jobs = new List<(int Claim, int Replication)>();
        for (int c = 0; c < claims.Count; c++)
        {
            for (int r = 0; r < (claims[c].Exact ? 1 : replications); r++)
            {
                jobs.Add((c, r));
            }
        }

        var slots = new IReadOnlyList<ClaimTrial>?[jobs.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = parallelism ?? Environment.ProcessorCount, CancellationToken = cancellation };
        try
        {
            Parallel.For(0, jobs.Count, options, j =>
            {
                (int c, int r) = jobs[j];
                slots[j] = claims[c].Run(unchecked((seed * 100_003) + r), cancellation);
            });
        }
        catch (OperationCanceledException)
        {
        }

        var results = new List<ClaimResult>();
        for (int c = 0; c < claims.Count; c++)
        {
            IReadOnlyList<ClaimTrial>?[] mine = [.. jobs.Select((job, j) => (job, j)).Where(p => p.job.Claim == c).Select(p => slots[p.j])];
            if (mine.Any(t => t is null))
            {
                continue;
            }

            results.Add(Judge(claims[c], [.. mine.Select(t => t!)]));
        }

        return results;
    }

    /// <summary>Aggregates one claim's replications into its result.</summary>
    public static ClaimResult Judge(IClaim claim, IReadOnlyList<IReadOnlyList<ClaimTrial>> replications)
    {
        ArgumentNullException.ThrowIfNull(claim);
        ArgumentNullException.ThrowIfNull(replications);
        ClaimTrial[] trials = [.. replications.SelectMany(t => t)];
        string[] names = [.. trials.Select(t => t.Scenario).Distinct()];
        var scenarios = new List<ScenarioSummary>();
        foreach (string name in names)
        {
            ClaimTrial[] mine = [.. trials.Where(t => t.Scenario == name)];
            int held = mine.Count(t => t.Held);
            (double low, double high) = Wilson(held, mine.Length);
            scenarios.Add(new ScenarioSummary(name, mine.Length, held, (double)held / mine.Length, low, high, MeanEvidence(mine, null)));
        }

        int all = trials.Count(t => t.Held);
        (double lo, double hi) = Wilson(all, trials.Length);
        var summary = new ClaimSummary(replications.Count, scenarios, (double)all / trials.Length, lo, hi, MeanEvidence(trials, names.Length > 1 ? names : null));
        Verdict verdict = claim.Exact
            ? scenarios.All(s => s.Held == s.Replications) ? Verdict.Holds : scenarios.All(s => s.Held == 0) ? Verdict.DoesNotHold : Verdict.HoldsWithCaveat
            : scenarios.All(s => s.Low > 0.5) ? Verdict.Holds : scenarios.All(s => s.High < 0.5) ? Verdict.DoesNotHold : Verdict.HoldsWithCaveat;
        return new ClaimResult(claim.Id, claim.Statement, verdict, summary.Evidence, claim.Explain(summary))
        {
            Prediction = claim.Prediction,
            Exact = claim.Exact,
            Replications = summary.Replications,
            SupportShare = summary.Share,
            SupportLow = summary.Low,
            SupportHigh = summary.High,
            Scenarios = scenarios,
            Units = claim.Units,
            Samples = trials,
            ChartKey = claim.ChartKey,
        };
    }

    /// <summary>
    /// The 95% Wilson score interval of a share k/n: (p̂ + z²/2n ± z√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), z = 1.95996.
    /// </summary>
    public static (double Low, double High) Wilson(int held, int n)
    {
        if (n <= 0)
        {
            return (0, 1);
        }

        const double z = 1.959963984540054;
        double p = (double)held / n, z2 = z * z;
        double centre = p + (z2 / (2 * n));
        double half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
        double denominator = 1 + (z2 / n);
        return (Math.Max(0, (centre - half) / denominator), Math.Min(1, (centre + half) / denominator));
    }

    private static SortedDictionary<string, double> MeanEvidence(ClaimTrial[] trials, string[]? prefixScenarios)
    {
        var sums = new SortedDictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach (ClaimTrial t in trials)
        {
            foreach (var (key, value) in t.Evidence)
            {
                string name = prefixScenarios is null ? key : $"{t.Scenario}:{key}";
                (double sum, int count) = sums.GetValueOrDefault(name);
                sums[name] = double.IsFinite(value) ? (sum + value, count + 1) : (sum, count);
            }
        }

        var means = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, (sum, count)) in sums)
        {
            means[key] = count > 0 ? sum / count : double.NaN;
        }

        return means;
    }
}
