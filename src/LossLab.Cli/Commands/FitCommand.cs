using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LossLab.Lab;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Models;
using LossLab.Reports;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab fit</c>: train one model on a CSV file or built-in data and report the fit and metrics.</summary>
internal static class FitCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "CSV file (a pipe or - for standard input too) or builtin:NAME (builtin:seed, builtin:stackloss, builtin:iris, …)", Required = true };
        var target = new Option<string?>("--target") { Description = "Target column (built-in data have a default)" };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated (default: all others)" };
        var task = new Option<string?>("--task") { Description = "regression, binary or multiclass (default: inferred)" };
        task.CompletionSources.Add("regression", "binary", "multiclass");
        var model = new Option<string>("--model") { Description = "linear, logistic, softmax, mlp:hidden=64/64,activation=relu (l1=, l2= add penalties)", DefaultValueFactory = _ => "linear" };
        var loss = new Option<string?>("--loss") { Description = "Loss spec (default: mse, bce_with_logits or cross_entropy by task)" };
        var optimizer = new Option<string?>("--optimizer") { Description = $"Optimizer spec (default: {Fitter.FullBatchOptimizer} with full batches, {Fitter.MiniBatchOptimizer} with mini-batches)" };
        var schedule = new Option<string?>("--schedule") { Description = "Learning-rate schedule spec (stepped once per update)" };
        var clipNorm = new Option<double?>("--clip-norm") { Description = "Clip the gradient to this global norm" };
        var epochs = new Option<int>("--epochs") { Description = "Most passes over the training data (the stopping tolerance usually ends the run earlier)", DefaultValueFactory = _ => FitSettings.DefaultEpochs };
        var tol = new Option<double>("--tol") { Description = "Stopping tolerance: stop (converged) after --n-iter-no-change epochs in a row whose training loss lies within tol·|best| of the best epoch loss before it; 0: off, run every epoch", DefaultValueFactory = _ => FitSettings.DefaultTolerance };
        var noChange = new Option<int>("--n-iter-no-change") { Description = "Quiet epochs in a row (see --tol) that stop the run", DefaultValueFactory = _ => 5 };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per step (0: full batch)", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the initialisation and the shuffling", DefaultValueFactory = _ => 0 };
        var init = new Option<string>("--init") { Description = "default (PyTorch's) or zeros", DefaultValueFactory = _ => "default" };
        var standardize = new Option<string>("--standardize") { Description = "Standardise features on the training part: true or false", DefaultValueFactory = _ => "true" };
        var solver = new Option<string>("--solver") { Description = "gradient, closed_form (least squares by QR), irls (huber, tukey, l1, quantile), mm (lmrob's MM-estimate; tukey) or coordinate_descent (the exact lasso of --model linear:l1=λ with --loss mse, features unscaled)", DefaultValueFactory = _ => "gradient" };
        var validation = new Option<double>("--validation") { Description = "Share of rows held out for validation, in [0, 1) (default 0: every row trains)", DefaultValueFactory = _ => 0 };
        var patience = new Option<int>("--patience") { Description = "Early stopping after this many epochs without a better validation loss (0: off; needs --validation > 0)", DefaultValueFactory = _ => 0 };
        var dropMissing = new Option<bool>("--drop-missing") { Description = "Drop rows with missing values instead of failing" };
        var trace = new Option<string?>("--trace") { Description = "Write step,loss,lr,grad_norm,p0,p1,... to this CSV file" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var stream = FitStream.CreateOption();
        var command = new Command("fit", "Train one model and report the fit and metrics. Exit codes: 0 done (a run that ran out of epochs says so on stderr), 1 bad input, 3 training diverged (the JSON is still written, with \"diverged\": true)")
        {
            data, target, features, task, model, loss, optimizer, schedule, clipNorm, epochs, tol, noChange, batchSize, seed, init, standardize,
            solver, validation, patience, dropMissing, trace, json, outDir, stream,
        };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            TaskKind? taskKind = ParseTask(parsed.GetValue(task));
            string[]? featureList = parsed.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            string dataText = parsed.GetValue(data)!;
            if (parsed.GetValue(stream))
            {
                FitStream.Check(parsed, dataText, solver, loss, model, task, validation, trace, outDir);
                string streamTarget = parsed.GetValue(target) ?? throw new DataException($"--target is required with a CSV file ({dataText})");
                StreamedLeastSquares streamed = FitStream.Run(dataText, streamTarget, featureList, parsed.GetValue(dropMissing), context.Cancellation);
                if (!JsonOutput.Emit(parsed, json, FitStream.ToJson(dataText, streamed), context.Out))
                {
                    FitStream.WriteHuman(context.Out, dataText, streamed);
                }

                return 0;
            }

            Dataset dataset = DataSource.Load(dataText, parsed.GetValue(target), featureList, taskKind, parsed.GetValue(dropMissing), context.Cancellation);
            var settings = new FitSettings
            {
                Model = parsed.GetValue(model)!,
                Loss = parsed.GetValue(loss),
                Optimizer = parsed.GetValue(optimizer) ?? Fitter.DefaultOptimizer(parsed.GetValue(batchSize), dataset.Rows),
                Schedule = parsed.GetValue(schedule),
                ClipNorm = Positive(parsed.GetValue(clipNorm), "--clip-norm"),
                Training = new TrainOptions
                {
                    Epochs = NonNegative(parsed.GetValue(epochs), "--epochs"),
                    BatchSize = NonNegative(parsed.GetValue(batchSize), "--batch-size"),
                    Seed = parsed.GetValue(seed),
                    Patience = NonNegative(parsed.GetValue(patience), "--patience"),
                    Tolerance = Tolerance(parsed.GetValue(tol)),
                    NoChangeEpochs = parsed.GetValue(noChange) >= 1 ? parsed.GetValue(noChange) : throw new UserException($"--n-iter-no-change {parsed.GetValue(noChange)}: must be >= 1"),
                },
                Init = parsed.GetValue(init) switch
                {
                    "default" => Init.Default,
                    "zeros" => Init.Zeros,
                    var other => throw new UserException($"--init {other}: unknown; accepted: default, zeros"),
                },
                Standardize = parsed.GetValue(standardize) switch
                {
                    "true" => true,
                    "false" => false,
                    var other => throw new UserException($"--standardize {other}: accepted: true, false"),
                },
                Validation = Fraction(parsed.GetValue(validation)),
                Solver = parsed.GetValue(solver)!,
            };

            if (settings.Training.Patience > 0 && settings.Validation == 0)
            {
                throw new UserException($"--patience {settings.Training.Patience}: early stopping watches the validation loss; hold out a validation part with --validation (for example --validation 0.2)");
            }

            FitResult result = Fitter.Fit(dataset, settings, context.Cancellation);
            if (result.Run is { } run)
            {
                OneCycleNote(settings.Schedule, run.Steps, context.Error);
                if (!result.Converged && !result.Diverged && !result.Cancelled && settings.Training.Tolerance > 0)
                {
                    context.Error.WriteLine($"warning: training stopped after {run.Epochs} epochs without converging (tol {TextNumber.G(settings.Training.Tolerance, 3)}, {settings.Training.NoChangeEpochs} quiet epochs); raise --epochs or the learning rate");
                }
            }

            string? tracePath = parsed.GetValue(trace);
            if (tracePath is not null)
            {
                if (result.Run is null)
                {
                    throw new UserException("--trace: the exact solvers keep no per-step trace; use --solver gradient");
                }

                using (OutputFile file = OutputFile.Open(tracePath, "--trace", context.Cancellation))
                {
                    WriteTrace(file.Writer, result.Run);
                    file.Commit();
                }

                if (result.Run.ParameterHistory is null)
                {
                    context.Error.WriteLine($"note: --trace has no parameter columns: the history of {result.Run.ParameterCount} parameters over {result.Run.Loss.Length - 1:N0} steps is not kept (at most {new TrainOptions().RecordParametersUpTo} parameters and {Trainer.MaxRecordedParameterValues:N0} values)");
                }
            }

            JsonObject document = ToJson(dataText, dataset, settings, result);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, dataText, dataset, result);
            }

            ReportOutput.WriteIfAsked(
                parsed, outDir, json, () => FitReport.Build(ReportOutput.CommandLine(parsed), dataText, dataset, settings, result), document, context);
            if (result.Diverged)
            {
                context.Error.WriteLine($"losslab: training diverged: {result.DivergenceReason}; lower the learning rate or clip the gradient (--clip-norm) (exit code {DivergedExitCode})");
                return DivergedExitCode;
            }

            return 0;
        });
        return command;
    }

    /// <summary>The exit code of a run that diverged (a non-finite or exploding loss or parameter).</summary>
    public const int DivergedExitCode = 3;

    /// <summary>Says so when a run went past one_cycle's total_steps (PyTorch raises there; LossLab holds the last value).</summary>
    internal static void OneCycleNote(string? schedule, long steps, TextWriter error)
    {
        if (schedule is null)
        {
            return;
        }

        LossLab.Schedules.Schedule lr = LossLab.Schedules.ScheduleCatalog.Create(schedule, 1);
        if (lr is LossLab.Schedules.OneCycleLR cycle && steps > cycle.TotalSteps)
        {
            error.WriteLine($"note: the run took {steps} steps but one_cycle's total_steps is {cycle.TotalSteps}; after step {cycle.TotalSteps} the learning rate held its last value (PyTorch's OneCycleLR raises an error there)");
        }
    }

    internal static TaskKind? ParseTask(string? text) => text switch
    {
        null => null,
        "regression" => TaskKind.Regression,
        "binary" => TaskKind.Binary,
        "multiclass" => TaskKind.Multiclass,
        _ => throw new UserException($"--task {text}: unknown; accepted: regression, binary, multiclass"),
    };

    internal static string Trace(TrainingRun run)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        WriteTrace(text, run);
        return text.ToString();
    }

    /// <summary>Writes the per-step trace row by row (a long run's trace is never held whole in memory).</summary>
    internal static void WriteTrace(TextWriter text, TrainingRun run)
    {
        text.Write("step,loss,lr,grad_norm");
        bool parameters = run.ParameterHistory is not null;
        for (int i = 0; parameters && i < run.ParameterCount; i++)
        {
            text.Write(string.Create(CultureInfo.InvariantCulture, $",p{i}"));
        }

        text.Write('\n');
        for (int k = 0; k <= run.Steps; k++)
        {
            string norm = double.IsNaN(run.GradientNorm[k]) ? string.Empty : run.GradientNorm[k].ToString("R", CultureInfo.InvariantCulture);
            text.Write(string.Create(CultureInfo.InvariantCulture, $"{k},{run.Loss[k]:R},{run.LearningRate[k]:R},{norm}"));
            if (parameters)
            {
                foreach (float p in run.ParametersAt(k))
                {
                    text.Write(',');
                    text.Write(p.ToString("R", CultureInfo.InvariantCulture));
                }
            }

            text.Write('\n');
        }
    }

    private static JsonObject ToJson(string dataText, Dataset dataset, FitSettings settings, FitResult result)
    {
        JsonObject document = Document(dataText, dataset, settings, result);
        if (result.Robust is { } robust)
        {
            document["robust"] = new JsonObject
            {
                ["scale"] = robust.Scale,
                ["weight_cut"] = robust.WeightCut,
                ["rejected_rows"] = new JsonArray(robust.RejectedRows.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()),
                ["iterations"] = robust.Iterations,
                ["converged"] = robust.Converged,
                ["exact_fit"] = robust.ExactFit,
            };
        }

        return document;
    }

    private static JsonObject Document(string dataText, Dataset dataset, FitSettings settings, FitResult result) => new()
    {
        ["data"] = dataText,
        ["task"] = dataset.Task.ToString().ToLowerInvariant(),
        ["rows"] = new JsonObject { ["train"] = result.TrainRows, ["validation"] = result.ValidationRows },
        ["model"] = result.Model,
        ["loss"] = result.Loss,
        ["optimizer"] = result.Optimizer,
        ["schedule"] = settings.Schedule,
        ["solver"] = settings.Solver,
        ["epochs"] = result.Epochs,
        ["converged"] = result.Converged,
        ["params"] = new JsonArray(result.Parameters.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        ["param_names"] = new JsonArray(result.ParameterNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        ["params_units"] = ParamsUnits(settings, result),
        ["train"] = JsonOutput.Numbers(result.Train),
        ["validation"] = JsonOutput.Numbers(result.Validation),
        ["confusion_matrix"] = Confusion(result),
        ["diverged"] = result.Diverged,
        ["divergence_reason"] = result.DivergenceReason,
        ["cancelled"] = result.Cancelled,
    };

    /// <summary>Above this many parameters the text output summarises them instead of listing each.</summary>
    internal const int ListedParameters = 20;

    private static void WriteHuman(TextWriter o, string dataText, Dataset dataset, FitResult r)
    {
        o.WriteLine($"data:      {dataText} ({dataset.Rows} {(dataset.Rows == 1 ? "row" : "rows")} × {dataset.Columns} {(dataset.Columns == 1 ? "feature" : "features")}, {dataset.Task.ToString().ToLowerInvariant()}; {r.TrainRows} train, {r.ValidationRows} validation)");
        string training = r.Run is null
            ? $"solver {r.Optimizer}"
            : $"optimizer {r.Optimizer}, {r.Epochs} {(r.Epochs == 1 ? "epoch" : "epochs")}{(r.Converged ? " (converged)" : r.Diverged || r.Cancelled ? string.Empty : " (not converged)")}";
        o.WriteLine($"model:     {r.Model}, loss {r.Loss}, {training}");
        o.WriteLine($"params:    {Parameters(r)}");
        if (r.Robust is { } robust)
        {
            string rows = robust.RejectedRows.Length == 0 ? string.Empty : $": rows {string.Join(", ", robust.RejectedRows.Take(20))}{(robust.RejectedRows.Length > 20 ? ", …" : string.Empty)} (0-based)";
            string exact = robust.ExactFit ? "; exact fit of more than half the rows, no M-step" : string.Empty;
            o.WriteLine($"robust:    scale {TextNumber.G(robust.Scale, 6)}{exact}; {robust.RejectedRows.Length} of {r.TrainRows} rows rejected (weight < 0.1/n = {TextNumber.G(robust.WeightCut, 3)}){rows}");
        }

        o.WriteLine("train:     " + Line(r.Train));
        if (r.Validation.Count > 0)
        {
            o.WriteLine("validation: " + Line(r.Validation));
        }

        if (r.TrainConfusion is { } train)
        {
            WriteConfusion(o, "training", train);
        }

        if (r.ValidationConfusion is { } validation)
        {
            WriteConfusion(o, "validation", validation);
        }

        if (r.Diverged)
        {
            o.WriteLine($"diverged:  {r.DivergenceReason}");
        }

        if (r.Cancelled)
        {
            o.WriteLine("cancelled: stopped by the user; the results are those of the steps completed");
        }
    }

    /// <summary>
    /// "name value" for each parameter; above <see cref="ListedParameters"/> a summary: the count, the L2 norm and the
    /// five largest |values| with their names.
    /// </summary>
    internal static string Parameters(FitResult r)
    {
        string Name(int i) => i < r.ParameterNames.Length ? r.ParameterNames[i] : $"p{i}";
        string Value(double v) => TextNumber.G(v, 6);
        double[] p = r.Parameters;
        if (p.Length <= ListedParameters)
        {
            return string.Join(", ", p.Select((v, i) => $"{Name(i)} {Value(v)}"));
        }

        double scale = p.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max(), sum = 0;
        foreach (double v in p)
        {
            sum += scale > 0 ? (v / scale) * (v / scale) : 0;
        }

        double norm = scale * Math.Sqrt(sum);
        string largest = string.Join(", ", Enumerable.Range(0, p.Length).OrderByDescending(i => Math.Abs(p[i])).ThenBy(i => i).Take(5).Select(i => $"{Name(i)} {Value(p[i])}"));
        return $"{p.Length} parameters, L2 norm {Value(norm)}; largest |value|: {largest} (all of them: --json)";
    }

    private static void WriteConfusion(TextWriter o, string part, ConfusionMatrix m)
    {
        string[] labels = [.. m.Labels.Select(l => l.Length > 16 ? l[..15] + "…" : l)];
        int width = Math.Max(labels.Max(l => l.Length), m.Matrix.SelectMany(row => row).Max().ToString(CultureInfo.InvariantCulture).Length) + 2;
        int first = Math.Max(labels.Max(l => l.Length), "true \\ predicted".Length) + 2;
        o.WriteLine($"confusion ({part} rows; rows true class, columns predicted):");
        o.WriteLine("  " + "true \\ predicted".PadRight(first) + string.Concat(labels.Select(l => l.PadLeft(width))));
        for (int t = 0; t < labels.Length; t++)
        {
            o.WriteLine("  " + labels[t].PadRight(first) + string.Concat(m.Matrix[t].Select(c => c.ToString(CultureInfo.InvariantCulture).PadLeft(width))));
        }
    }

    private static string Line(SortedDictionary<string, double> metrics)
        => string.Join(", ", metrics.Select(m => $"{m.Key} {(double.IsFinite(m.Value) ? TextNumber.G(m.Value, 5) : "n/a")}"));

    private static int NonNegative(int value, string option) => value >= 0 ? value : throw new UserException($"{option} {value}: must be >= 0");

    private static double? Positive(double? value, string option)
        => value is double v && !(v > 0 && double.IsFinite(v)) ? throw new UserException($"{option} {v}: must be a finite number > 0") : value;

    private static double Tolerance(double value)
        => value >= 0 && double.IsFinite(value) ? value : throw new UserException($"--tol {value}: must be a finite number >= 0 (0 turns the stopping rule off)");

    private static string ParamsUnits(FitSettings settings, FitResult result)
    {
        if (!settings.Standardize || result.Run is null)
        {
            return result.Run is null ? "original units" : "as trained";
        }

        return result.Model is "linear" or "logistic" or "softmax"
            ? "original units"
            : result.TargetSpread != 1 || result.TargetCenter != 0 ? "on the standardised features; output layer in the target's units" : "as trained, on the standardised features";
    }

    private static JsonObject? Confusion(FitResult result)
    {
        if (result.TrainConfusion is null)
        {
            return null;
        }

        static JsonObject One(ConfusionMatrix m) => new()
        {
            ["labels"] = new JsonArray(m.Labels.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["matrix"] = new JsonArray(m.Matrix.Select(row => (JsonNode?)new JsonArray(row.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray())).ToArray()),
        };

        JsonObject document = One(result.TrainConfusion);
        document["rows"] = "true class";
        document["columns"] = "predicted class";
        if (result.ValidationConfusion is { } validation)
        {
            document["validation"] = One(validation);
        }

        return document;
    }

    private static double Fraction(double value)
        => value >= 0 && value < 1 ? value : throw new UserException($"--validation {value}: must lie in [0, 1)");
}
