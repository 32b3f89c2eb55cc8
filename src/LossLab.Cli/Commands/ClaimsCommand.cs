using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab.Experiments;
using LossLab.Reports;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab claims</c>: every testable claim of the guide as an experiment with a verdict.</summary>
internal static class ClaimsCommand
{
    public static Command Create(CliContext context)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the experiments", DefaultValueFactory = _ => 7 };
        var only = new Option<string?>("--only") { Description = "Run only these claims, comma-separated ids (e.g. L3,O2)" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("claims", "Run every testable claim of the guide as an experiment: holds, holds_with_caveat or does_not_hold, with evidence") { seed, only, json, outDir };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            string[]? ids = parsed.GetValue(only)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (string id in ids ?? [])
            {
                if (!Claims.All.Any(c => c.Id == id))
                {
                    throw new UserException($"--only {id}: unknown claim; accepted: {string.Join(", ", Claims.All.Select(c => c.Id))}");
                }
            }

            int s = parsed.GetValue(seed);
            var results = new List<ClaimResult>();
            foreach (var (id, _, run) in Claims.All)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (ids is null || ids.Contains(id))
                {
                    results.Add(run(s));
                }
            }

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
        ["claims"] = new JsonArray(results.Select(r =>
        {
            var evidence = new JsonObject();
            foreach (var (key, value) in r.Evidence)
            {
                evidence[key] = double.IsFinite(value) ? JsonValue.Create(value) : null;
            }

            return (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["claim"] = r.Claim,
                ["verdict"] = Name(r.Verdict),
                ["evidence"] = evidence,
                ["explanation"] = r.Explanation,
            };
        }).ToArray()),
    };

    private static void WriteHuman(TextWriter o, IReadOnlyList<ClaimResult> results)
    {
        foreach (ClaimResult r in results)
        {
            o.WriteLine($"{r.Id,-4} {Name(r.Verdict),-18} {r.Claim}");
            o.WriteLine($"     {r.Explanation}");
            o.WriteLine("     evidence: " + string.Join(", ", r.Evidence.Select(e => $"{e.Key} = {e.Value.ToString("G4", CultureInfo.InvariantCulture)}")));
            o.WriteLine();
        }

        o.WriteLine($"{results.Count(r => r.Verdict == Verdict.Holds)} hold, {results.Count(r => r.Verdict == Verdict.HoldsWithCaveat)} hold with a caveat, {results.Count(r => r.Verdict == Verdict.DoesNotHold)} do not hold.");
    }
}
