using System.CommandLine;
using System.Text.Json.Nodes;
using LossLab.Losses;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab losses [NAME] [--json [FILE]]</c>: the loss catalog.</summary>
internal static class LossesCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string?>("name") { Description = "Show only this loss", Arity = ArgumentArity.ZeroOrOne };
        var task = new Option<string?>("--task") { Description = "Show only losses for this task: regression, binary, multiclass, detection, segmentation" };
        var json = JsonOutput.CreateOption();
        var command = new Command("losses", "The loss catalog: parameters with defaults (PyTorch's), formula, gradient, tasks, when to use each") { name, task, json };
        command.SetAction(parsed =>
        {
            IEnumerable<LossInfo> entries = LossCatalog.All;
            string? only = parsed.GetValue(name);
            if (only is not null)
            {
                LossInfo info = LossCatalog.Find(only)
                    ?? throw new UserException($"unknown loss '{only}'; accepted: {string.Join(", ", LossCatalog.All.Select(e => e.Name))}");
                entries = [info];
            }

            string? onlyTask = parsed.GetValue(task);
            if (onlyTask is not null)
            {
                string[] tasks = ["regression", "binary", "multiclass", "detection", "segmentation"];
                if (!tasks.Contains(onlyTask))
                {
                    throw new UserException($"--task {onlyTask}: unknown task; accepted: {string.Join(", ", tasks)}");
                }

                entries = entries.Where(e => e.Tasks.Contains(onlyTask));
            }

            List<LossInfo> list = entries.ToList();
            if (!JsonOutput.Emit(parsed, json, ToJson(list), context.Out))
            {
                WriteHuman(list, context.Out);
            }
        });
        return command;
    }

    private static JsonObject ToJson(List<LossInfo> entries)
    {
        var losses = new JsonArray();
        foreach (LossInfo e in entries)
        {
            var parameters = new JsonArray();
            foreach (var p in e.Parameters)
            {
                parameters.Add(new JsonObject { ["name"] = p.Name, ["default"] = JsonOutput.SpecValue(p.Default), ["description"] = p.Description });
            }

            losses.Add(new JsonObject
            {
                ["name"] = e.Name,
                ["title"] = e.Title,
                ["parameters"] = parameters,
                ["formula"] = e.Formula,
                ["gradient"] = e.Gradient,
                ["tasks"] = new JsonArray(e.Tasks.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
                ["input"] = e.Input.ToString(),
                ["reference"] = e.Reference,
                ["when_to_use"] = e.WhenToUse,
            });
        }

        return new JsonObject { ["losses"] = losses, ["defaults"] = "PyTorch's defaults where PyTorch has the loss; otherwise the reference library's" };
    }

    private static void WriteHuman(List<LossInfo> entries, TextWriter output)
    {
        foreach (LossInfo e in entries)
        {
            output.WriteLine($"{e.Name}  ({e.Title}; {string.Join(", ", e.Tasks)})");
            if (e.Parameters.Count > 0)
            {
                output.WriteLine("  parameters: " + string.Join("; ", e.Parameters.Select(p => $"{p.Name}={p.Default} ({p.Description})")));
            }

            output.WriteLine($"  value:      {e.Formula}");
            output.WriteLine($"  gradient:   {e.Gradient}");
            output.WriteLine($"  reference:  {e.Reference}");
            output.WriteLine($"  when:       {e.WhenToUse}");
            output.WriteLine();
        }

        output.WriteLine($"{entries.Count} loss(es). Defaults are PyTorch's where PyTorch has the loss. Use one as --loss name:key=value,... (e.g. huber:delta=1.5).");
    }
}
