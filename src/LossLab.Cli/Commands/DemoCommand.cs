using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Lab;
using LossLab.Lab.Experiments;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab demo</c>: the guide's worked experiment, done fairly.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var seed = new Option<int>("--seed") { Description = "Seed of the data, the split and the initialisation", DefaultValueFactory = _ => 7 };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("demo", "The guide's experiment: mse, l1, huber × sgd, momentum, adam, rmsprop, adagrad on y = 2x + 1 + noise, clean and with outliers") { seed, json, outDir };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            IReadOnlyList<DemoScenario> scenarios = Demo.Run(parsed.GetValue(seed), context.Cancellation);
            JsonObject document = ToJson(scenarios);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, scenarios);
            }

            ReportOutput.WriteIfAsked(parsed, outDir, json, () => LossLab.Reports.DemoReport.Build(scenarios, ReportOutput.CommandLine(parsed), parsed.GetValue(seed)), document, context);
        });
        return command;
    }

    internal static JsonObject ToJson(IReadOnlyList<DemoScenario> scenarios) => new()
    {
        ["scenarios"] = new JsonArray(scenarios.Select(s => (JsonNode)new JsonObject
        {
            ["name"] = s.Name,
            ["data"] = s.Data,
            ["description"] = s.Description,
            ["true_params"] = new JsonArray(s.TrueParameters.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["epochs"] = s.Epochs,
            ["initial_params"] = JsonOutput.Numbers(s.InitialParameters),
            ["notes"] = new JsonArray(s.Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["runs"] = new JsonArray(s.Runs.Select(r => (JsonNode)new JsonObject
            {
                ["loss"] = r.Loss,
                ["optimizer"] = r.Optimizer,
                ["lr"] = r.LearningRate,
                ["final_train_loss"] = Finite(r.FinalTrainLoss),
                ["final_val_loss"] = Finite(r.FinalValidationLoss),
                ["params"] = new JsonArray(r.Parameters.Select(v => Finite(v)).ToArray()),
                ["param_error"] = Finite(r.ParameterError),
                ["settled"] = r.SettledEpoch,
                ["jitter"] = Finite(r.Jitter),
                ["diverged"] = r.Diverged,
                ["divergence_reason"] = r.DivergenceReason,
            }).ToArray()),
        }).ToArray()),
    };

    private static JsonValue? Finite(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static void WriteHuman(TextWriter o, IReadOnlyList<DemoScenario> scenarios)
    {
        foreach (DemoScenario s in scenarios)
        {
            o.WriteLine($"== {s.Name}: {s.Description}");
            o.WriteLine($"   data {s.Data}; true (w, b) = (2, 1); every run starts at (w, b) = ({TextNumber.G(s.InitialParameters[0], 4)}, {TextNumber.G(s.InitialParameters[1], 4)}) on the same 80/20 split");
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {"loss",-6} {"optimizer",-18} {"lr",6} {"train",9} {"valid",9} {"w",8} {"b",8} {"|Δ|",8} {"settled",7} {"jitter",8}"));
            foreach (RunSummary r in s.Runs)
            {
                string settled = r.SettledEpoch?.ToString(CultureInfo.InvariantCulture) ?? "never";
                string line = r.Diverged
                    ? $"   {r.Loss,-6} {Short(r.Optimizer),-18} {TextNumber.G(r.LearningRate, 3),6}  diverged: {r.DivergenceReason}"
                    : $"   {r.Loss,-6} {Short(r.Optimizer),-18} {TextNumber.G(r.LearningRate, 3),6} {TextNumber.G(r.FinalTrainLoss, 4),9} {TextNumber.G(r.FinalValidationLoss, 4),9} {r.Parameters[0],8:F4} {r.Parameters[1],8:F4} {r.ParameterError,8:F4} {settled,7} {TextNumber.G(r.Jitter, 3),8}";
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{line}"));
            }

            foreach (string note in s.Notes)
            {
                o.WriteLine($"   → {note}");
            }

            o.WriteLine();
        }

        o.WriteLine("|Δ| = distance of (w, b) from (2, 1); settled = first epoch after which (w, b) stays within 0.01 of its final value; jitter = largest range of w or b over the last 20 epochs.");
        o.WriteLine(Guide.Line);
    }

    private static string Short(string optimizer) => optimizer.Split(",lr=")[0].Split(":lr=")[0];
}
