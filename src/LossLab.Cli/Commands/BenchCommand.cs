using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab;
using LossLab.Lab.Performance;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab bench</c>: the performance suite with ratios against the physical floor.</summary>
internal static class BenchCommand
{
    public static Command Create(CliContext context)
    {
        var quick = new Option<bool>("--quick") { Description = "Smaller workloads and fewer repetitions: about 30 s on a 2-core machine, about half of it advise on 100,000 rows (the full suite advises on 1,000,000)" };
        var json = JsonOutput.CreateOption();
        var command = new Command("bench", "Measure the loss kernels against the memory floor, training steps, bytes per step, sweep throughput on 1 and 2 threads, and compare") { quick, json };
        command.SetAction(parsed =>
        {
            bool humanProgress = parsed.GetResult(json) is null || !string.IsNullOrEmpty(parsed.GetValue(json));
            BenchReport report = BenchSuite.Run(
                parsed.GetValue(quick),
                humanProgress ? name => context.Error.WriteLine($"  measured {name}") : null,
                context.Cancellation);
            if (!JsonOutput.Emit(parsed, json, ToJson(report), context.Out))
            {
                WriteHuman(context.Out, report);
            }
        });
        return command;
    }

    internal static JsonObject ToJson(BenchReport report) => new()
    {
        ["machine"] = report.Machine,
        ["quick"] = report.Quick,
        ["results"] = new JsonArray(report.Results.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Name,
            ["value"] = Finite(r.Value),
            ["unit"] = r.Unit,
            ["floor"] = r.Floor is double f ? Finite(f) : null,
            ["ratio_to_floor"] = r.RatioToFloor is double q ? Finite(q) : null,
            ["note"] = r.Note,
        }).ToArray()),
    };

    private static JsonValue? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static void WriteHuman(TextWriter o, BenchReport report)
    {
        o.WriteLine($"machine: {report.Machine}{(report.Quick ? " (quick)" : string.Empty)}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"measurement",-24} {"value",12} {"unit",-10} {"floor",10} {"ratio",6}  workload"));
        foreach (BenchResult r in report.Results)
        {
            string floor = r.Floor is double f ? TextNumber.G(f, 4) : string.Empty;
            string ratio = r.RatioToFloor is double q ? q.ToString("F2", CultureInfo.InvariantCulture) : string.Empty;
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-24} {TextNumber.G(r.Value, 5),12} {r.Unit,-10} {floor,10} {ratio,6}  {r.Note}"));
        }
    }
}
