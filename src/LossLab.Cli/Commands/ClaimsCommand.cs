using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab.Experiments;
using LossLab.Lab.Experiments.Claims;
using LossLab.Reports;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab claims</c>: every testable claim of the guide as an experiment with a verdict.</summary>
internal static class ClaimsCommand
{
    public static Command Create(CliContext context)
    {
        var seed = new Option<int>("--seed") { Description = "Base seed of the replications (replication r uses seed·100003 + r)", DefaultValueFactory = _ => 7 };
        var replications = new Option<int>("--replications") { Description = "Replications of each sampled claim (new data, new start each)", DefaultValueFactory = _ => ClaimRunner.DefaultReplications };
        var only = new Option<string?>("--only") { Description = "Run only these claims, comma-separated ids (e.g. L3,O2)" };
        var threads = new Option<int?>("--threads") { Description = "Runs at once (default: all cores); results do not depend on it" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("claims", "Run every testable claim of the guide as a replicated experiment: holds, holds_with_caveat or does_not_hold, with the share of replications that support it") { seed, replications, only, threads, json, outDir };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            string[]? ids = parsed.GetValue(only)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (ids is { Length: 0 })
            {
                throw new UserException($"--only: empty list; give claim ids such as L3,O2 (accepted: {string.Join(", ", ClaimCatalog.All.Select(c => c.Id))})");
            }
            foreach (string id in ids ?? [])
            {
                if (ClaimCatalog.Find(id) is null)
                {
                    throw new UserException($"--only {id}: unknown claim; accepted: {string.Join(", ", ClaimCatalog.All.Select(c => c.Id))}");
                }
            }

            int n = parsed.GetValue(replications);
            if (n < 1 || n > 10_000)
            {
                throw new UserException($"--replications {n}: must lie in [1, 10000]");
            }

            int? threadCount = parsed.GetValue(threads) is int t ? (t >= 1 ? t : throw new UserException("--threads: must be >= 1")) : null;
            int s = parsed.GetValue(seed);
            IClaim[] chosen = [.. ClaimCatalog.All.Where(c => ids is null || ids.Any(id => string.Equals(id, c.Id, StringComparison.OrdinalIgnoreCase)))];
            IReadOnlyList<ClaimResult> results = ClaimRunner.Run(chosen, n, s, threadCount, context.Cancellation);
            context.Cancellation.ThrowIfCancellationRequested();
            JsonObject document = ToJson(results);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, results);
            }

            ReportOutput.WriteIfAsked(
                parsed, outDir, json, () => ClaimsReport.Build(ReportOutput.CommandLine(parsed), s, ids is null ? null : string.Join(",", ids), results), document, context);
        });
        return command;
    }

    internal static string Name(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "holds",
        Verdict.HoldsWithCaveat => "holds_with_caveat",
        _ => "does_not_hold",
    };

    internal static JsonObject ToJson(IReadOnlyList<ClaimResult> results) => new()
    {
        ["claims"] = new JsonArray([.. results.Select(r =>
        {
            var units = new JsonObject();
            foreach (var (key, unit) in r.Units)
            {
                units[key] = unit;
            }

            return (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["claim"] = r.Claim,
                ["prediction"] = r.Prediction,
                ["exact"] = r.Exact,
                ["replications"] = r.Replications,
                ["support_share"] = JsonOutput.Finite(r.SupportShare),
                ["support_ci95"] = new JsonArray(JsonOutput.Finite(r.SupportLow), JsonOutput.Finite(r.SupportHigh)),
                ["verdict"] = Name(r.Verdict),
                ["scenarios"] = new JsonArray([.. r.Scenarios.Select(sc => (JsonNode)new JsonObject
                {
                    ["name"] = sc.Name,
                    ["replications"] = sc.Replications,
                    ["support_share"] = JsonOutput.Finite(sc.Share),
                    ["support_ci95"] = new JsonArray(JsonOutput.Finite(sc.Low), JsonOutput.Finite(sc.High)),
                    ["evidence"] = JsonOutput.Numbers(sc.Evidence),
                })]),
                ["evidence"] = JsonOutput.Numbers(r.Evidence),
                ["units"] = units,
                ["explanation"] = r.Explanation,
                ["samples"] = new JsonArray([.. r.Samples.Select(t => (JsonNode)new JsonObject
                {
                    ["scenario"] = t.Scenario,
                    ["held"] = t.Held,
                    ["evidence"] = JsonOutput.Numbers(t.Evidence),
                })]),
            };
        })]),
    };

    private static void WriteHuman(TextWriter o, IReadOnlyList<ClaimResult> results)
    {
        o.WriteLine(Guide.Line);
        o.WriteLine();
        foreach (ClaimResult r in results)
        {
            string support = r.Exact
                ? "exact"
                : string.Create(CultureInfo.InvariantCulture, $"{100 * r.SupportShare:0}% of {r.Scenarios.Sum(sc => sc.Replications)} [{100 * r.SupportLow:0}–{100 * r.SupportHigh:0}%]");
            o.WriteLine($"{r.Id,-4} {Name(r.Verdict),-18} {support,-22} {r.Claim}");
            if (r.Scenarios.Count > 1)
            {
                o.WriteLine("     scenarios: " + string.Join("; ", r.Scenarios.Select(sc => string.Create(CultureInfo.InvariantCulture, $"{sc.Name} {100 * sc.Share:0}% [{100 * sc.Low:0}–{100 * sc.High:0}%]"))));
            }

            o.WriteLine($"     {r.Explanation}");
            o.WriteLine();
        }

        o.WriteLine($"{results.Count(r => r.Verdict == Verdict.Holds)} hold, {results.Count(r => r.Verdict == Verdict.HoldsWithCaveat)} hold with a caveat, {results.Count(r => r.Verdict == Verdict.DoesNotHold)} do not hold (support: the share of trials — replications × scenarios — in which the prediction held, with its 95% Wilson interval; the verdict reads each scenario's own interval).");
    }
}
