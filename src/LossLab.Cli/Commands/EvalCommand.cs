using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LossLab.Losses;
using LossLab.Specs;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab eval --loss SPEC --pred LIST --target LIST</c>: value and gradient with respect to the predictions.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var loss = new Option<string>("--loss") { Description = "Loss spec, e.g. huber:delta=1.5 (see 'losslab losses')", Required = true };
        var pred = new Option<string>("--pred") { Description = "Predictions, comma-separated (logits N×C row-major for class losses; 4 per box; (mean, variance) pairs for gaussian_nll)", Required = true };
        var target = new Option<string>("--target") { Description = "Targets, comma-separated (class indices or N×C probabilities for class losses)", Required = true };
        var variance = new Option<string?>("--var") { Description = "gaussian_nll only: the variances, one per target (then --pred holds the means)" };
        var reduction = new Option<string>("--reduction") { Description = "none, mean, sum (batchmean for kl_div)", DefaultValueFactory = _ => "mean" };
        var classes = new Option<int>("--classes") { Description = "Number of classes C for class losses (row length of --pred)", DefaultValueFactory = _ => 0 };
        var json = JsonOutput.CreateOption();
        var command = new Command("eval", "Value and gradient of a loss for given predictions and targets (float32, as PyTorch)")
        {
            loss, pred, target, variance, reduction, classes, json,
        };
        command.SetAction(parsed =>
        {
            string specText = parsed.GetValue(loss)!;
            Spec spec = Spec.Parse(specText);
            int classCount = parsed.GetValue(classes);
            if (classCount < 0)
            {
                throw new UserException($"--classes {classCount}: must be >= 0");
            }

            ILoss instance = LossCatalog.Create(spec, classCount);
            Reduction r = ParseReduction(parsed.GetValue(reduction)!);
            float[] p = ParseList(parsed.GetValue(pred)!, "--pred");
            float[] t = ParseList(parsed.GetValue(target)!, "--target");
            string? varText = parsed.GetValue(variance);
            if (varText is not null)
            {
                if (instance.Name != "gaussian_nll")
                {
                    throw new UserException("--var is only for gaussian_nll");
                }

                p = Interleave(p, ParseList(varText, "--var"));
            }

            int items = instance.ItemCount(p.Length, t.Length);
            if (instance is BoxLoss)
            {
                CheckPredictedBoxes(instance.Name, p);
            }

            float[] grad = new float[p.Length];
            JsonNode? valueNode;
            string valueText;
            if (r == Reduction.None)
            {
                float[] values = new float[items];
                instance.EvaluateItems(p, t, values, grad);
                CheckFinite(instance.Name, "item", values);
                valueNode = JsonOutput.Numbers(values);
                valueText = "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
            }
            else
            {
                float value = (float)instance.Evaluate(p, t, grad, r);
                CheckFinite(instance.Name, "value", [value]);
                valueNode = JsonOutput.Number(value);
                valueText = value.ToString("R", CultureInfo.InvariantCulture);
            }

            CheckFinite(instance.Name, "gradient entry", grad);
            var document = new JsonObject
            {
                ["loss"] = instance.Name,
                ["params"] = ResolvedParameters(spec, classCount),
                ["reduction"] = r.ToName(),
                ["value"] = valueNode,
            };

            // gaussian_nll's predictions are (mean, variance) pairs: its two gradients are named, not interleaved.
            (string Name, float[] Values)[] grads = instance.Name == "gaussian_nll"
                ? [("grad_input", [.. grad.Where((_, i) => i % 2 == 0)]), ("grad_var", [.. grad.Where((_, i) => i % 2 == 1)])]
                : [("grad", grad)];
            foreach (var (name, values) in grads)
            {
                document[name] = JsonOutput.Numbers(values);
            }

            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                context.Out.WriteLine($"loss:      {spec}");
                context.Out.WriteLine($"reduction: {r.ToName()}");
                context.Out.WriteLine($"value:     {valueText}");
                int width = Math.Max(11, grads.Max(g => g.Name.Length) + 2);
                foreach (var (name, values) in grads)
                {
                    context.Out.WriteLine($"{(name + ":").PadRight(width)}[{string.Join(", ", values.Select(g => g.ToString("R", CultureInfo.InvariantCulture)))}]");
                }
            }
        });
        return command;
    }

    /// <summary>
    /// Refuses predicted boxes that are inverted (x2 &lt; x1 or y2 &lt; y1) or, for ciou, points: the library scores them
    /// (training passes through such boxes), but a box typed by hand that way is a mistake.
    /// </summary>
    private static void CheckPredictedBoxes(string loss, float[] p)
    {
        for (int o = 0; o + 3 < p.Length; o += 4)
        {
            string box = FormattableString.Invariant($"({p[o]}, {p[o + 1]}, {p[o + 2]}, {p[o + 3]})");
            if (p[o + 2] < p[o] || p[o + 3] < p[o + 1])
            {
                throw new UserException($"{loss}: predicted box {o / 4} is {box}, which is inverted (x2 < x1 or y2 < y1); boxes are (x1, y1, x2, y2) with x1 < x2 and y1 < y2");
            }

            if (loss == "ciou" && p[o + 2] == p[o] && p[o + 3] == p[o + 1])
            {
                throw new UserException($"{loss}: predicted box {o / 4} is {box}, a point (zero width and height) whose aspect ratio is undefined; boxes are (x1, y1, x2, y2) with x1 < x2 and y1 < y2");
            }
        }
    }

    /// <summary>
    /// Refuses a result that overflows float32. The library never returns NaN for finite inputs in the loss's domain
    /// and returns ±∞ only where the exact result lies beyond the float32 range, so this is a true overflow.
    /// </summary>
    private static void CheckFinite(string loss, string what, float[] numbers)
    {
        int bad = Array.FindIndex(numbers, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            string where = numbers.Length > 1 ? $" {bad}" : string.Empty;
            throw new UserException(
                $"{loss}: the {what}{where} overflows float32 ({numbers[bad].ToString(CultureInfo.InvariantCulture)}; beyond ±3.4e38) at these inputs; scale the predictions and targets down");
        }
    }

    private static Reduction ParseReduction(string text)
    {
        try
        {
            return ReductionNames.Parse(text);
        }
        catch (ArgumentException)
        {
            throw new UserException($"--reduction {text}: unknown reduction; accepted: none, mean, sum, batchmean");
        }
    }

    /// <summary>Parses a comma-separated list of numbers; errors name the option and the 1-based position.</summary>
    internal static float[] ParseList(string text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UserException($"{option}: empty list; give comma-separated numbers such as 1,2.5,-3");
        }

        string[] parts = text.Split(',');
        float[] values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i].Trim();
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || float.IsNaN(v))
            {
                throw new UserException($"{option}: item {i + 1} '{part}' is not a number; give comma-separated numbers such as 1,2.5,-3");
            }

            if (!float.IsFinite(v))
            {
                throw new UserException($"{option}: item {i + 1} '{part}' is outside the float32 range (±3.4e38)");
            }

            values[i] = v;
        }

        return values;
    }

    private static float[] Interleave(float[] means, float[] variances)
    {
        if (means.Length != variances.Length)
        {
            throw new UserException($"--var has {variances.Length} values but --pred has {means.Length}; give one variance per mean");
        }

        float[] pairs = new float[2 * means.Length];
        for (int i = 0; i < means.Length; i++)
        {
            pairs[2 * i] = means[i];
            pairs[(2 * i) + 1] = variances[i];
        }

        return pairs;
    }

    private static JsonObject ResolvedParameters(Spec spec, int classes)
    {
        LossInfo info = LossCatalog.Find(spec.Name)!;
        var result = new JsonObject();
        foreach (SpecParameter p in info.Parameters)
        {
            string value = spec.Arguments.FirstOrDefault(a => a.Key == p.Name).Value ?? p.Default;
            if (p.Name == "classes" && value == "0" && classes != 0)
            {
                value = classes.ToString(CultureInfo.InvariantCulture);
            }

            result[p.Name] = JsonOutput.SpecValue(value);
        }

        return result;
    }
}
