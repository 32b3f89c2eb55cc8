using System.CommandLine;
using System.Text.Json.Nodes;
using LossLab.Optim;
using LossLab.Schedules;
using LossLab.Specs;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab optimizers [NAME] [--json [FILE]]</c>: the optimizer and schedule catalog.</summary>
internal static class OptimizersCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string?>("name") { Description = "Show only this optimizer or schedule", Arity = ArgumentArity.ZeroOrOne };
        var json = JsonOutput.CreateOption();
        var command = new Command("optimizers", "The optimizer and learning-rate schedule catalog, with PyTorch's parameters and defaults") { name, json };
        command.SetAction(parsed =>
        {
            IEnumerable<OptimizerInfo> optimizers = OptimizerCatalog.All;
            IEnumerable<ScheduleInfo> schedules = ScheduleCatalog.All;
            string? only = parsed.GetValue(name);
            if (only is not null)
            {
                optimizers = optimizers.Where(o => o.Name == only).ToList();
                schedules = schedules.Where(s => s.Name == only).ToList();
                if (!optimizers.Any() && !schedules.Any())
                {
                    throw new UserException(
                        $"unknown optimizer or schedule '{only}'; optimizers: {string.Join(", ", OptimizerCatalog.All.Select(e => e.Name))}; schedules: {string.Join(", ", ScheduleCatalog.All.Select(e => e.Name))}");
                }
            }

            var document = new JsonObject
            {
                ["optimizers"] = new JsonArray(optimizers.Select(o => (JsonNode)new JsonObject
                {
                    ["name"] = o.Name,
                    ["title"] = o.Title,
                    ["parameters"] = Parameters(o.Parameters),
                    ["update_rule"] = o.UpdateRule,
                    ["when_to_use"] = o.WhenToUse,
                    ["reference"] = o.Reference,
                }).ToArray()),
                ["schedules"] = new JsonArray(schedules.Select(s => (JsonNode)new JsonObject
                {
                    ["name"] = s.Name,
                    ["title"] = s.Title,
                    ["parameters"] = Parameters(s.Parameters),
                    ["formula"] = s.Formula,
                    ["when_to_use"] = s.WhenToUse,
                }).ToArray()),
                ["defaults"] = "PyTorch's defaults",
            };
            if (JsonOutput.Emit(parsed, json, document, context.Out))
            {
                return;
            }

            TextWriter o = context.Out;
            foreach (OptimizerInfo info in optimizers)
            {
                o.WriteLine($"{info.Name}  ({info.Title})");
                o.WriteLine("  parameters: " + string.Join("; ", info.Parameters.Select(p => $"{p.Name}={p.Default}")));
                o.WriteLine($"  update:     {info.UpdateRule}");
                o.WriteLine($"  when:       {info.WhenToUse}");
                o.WriteLine();
            }

            if (schedules.Any())
            {
                o.WriteLine("Learning-rate schedules (--schedule SPEC; chain with '>', e.g. linear:start_factor=0.1,total_iters=5>cosine:t_max=95):");
                foreach (ScheduleInfo info in schedules)
                {
                    o.WriteLine($"{info.Name}  ({info.Title}): {info.Formula}");
                    o.WriteLine("  parameters: " + string.Join("; ", info.Parameters.Select(p => $"{p.Name}={p.Default}")));
                }
            }

            o.WriteLine();
            o.WriteLine("Defaults are PyTorch's. Use as --optimizer name:key=value,... (e.g. adam:lr=0.01,betas=0.9/0.99).");
        });
        return command;
    }

    private static JsonArray Parameters(IReadOnlyList<SpecParameter> parameters)
        => new(parameters.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["default"] = JsonOutput.SpecValue(p.Default),
            ["description"] = p.Description,
        }).ToArray());
}
