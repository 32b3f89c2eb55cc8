using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LossLab.Functions;
using LossLab.Lab;
using LossLab.Optim;
using LossLab.Reports;
using LossLab.Schedules;

namespace LossLab.Cli.Commands;

/// <summary><c>losslab optimize</c>: an optimizer on a classic test surface, step by step.</summary>
internal static class OptimizeCommand
{
    private const double Explosion = 1e30;

    public static Command Create(CliContext context)
    {
        var function = new Option<string>("--function") { Description = "Test surface: " + string.Join(", ", TestFunctions.All.Select(f => f.Name)), Required = true };
        var start = new Option<string>("--start") { Description = "Starting point, comma-separated (e.g. 1.5,1.5)", Required = true };
        var optimizer = new Option<string>("--optimizer") { Description = "Optimizer spec, e.g. adam:lr=0.01 (see 'losslab optimizers')", Required = true };
        var schedule = new Option<string?>("--schedule") { Description = "Learning-rate schedule spec, e.g. cosine:t_max=100" };
        var clipNorm = new Option<double?>("--clip-norm") { Description = "Clip the gradient to this global L2 norm before each step" };
        var steps = new Option<int>("--steps") { Description = "Number of optimizer steps", Required = true };
        var trace = new Option<string?>("--trace") { Description = "Write step,loss,lr,grad_norm,p0,p1,... to this CSV file" };
        var json = JsonOutput.CreateOption();
        var outDir = ReportOutput.CreateOption();
        var command = new Command("optimize", "Run an optimizer on a test surface (rosenbrock, beale, rastrigin, saddle, quadratic)")
        {
            function, start, optimizer, schedule, clipNorm, steps, trace, json, outDir,
        };
        command.SetAction(parsed =>
        {
            ReportOutput.CheckFolder(parsed.GetValue(outDir));
            string name = parsed.GetValue(function)!;
            ITestFunction f = TestFunctions.Find(name)
                ?? throw new UserException($"--function {name}: unknown test function; accepted: {string.Join(", ", TestFunctions.All.Select(t => t.Name))}");
            float[] theta = EvalCommand.ParseList(parsed.GetValue(start)!, "--start");
            if (theta.Length != f.Dimension)
            {
                throw new UserException($"--start: {name} has {f.Dimension} coordinates, got {theta.Length}");
            }

            int stepCount = parsed.GetValue(steps);
            if (stepCount < 0)
            {
                throw new UserException($"--steps {stepCount}: must be >= 0");
            }

            double? clip = parsed.GetValue(clipNorm);
            if (clip is double c && !(c > 0 && double.IsFinite(c)))
            {
                throw new UserException($"--clip-norm {c}: must be a finite number > 0");
            }

            string optimizerSpec = parsed.GetValue(optimizer)!;
            OptimizerRule rule = OptimizerCatalog.Create(optimizerSpec, parsed.GetValue(schedule), clip);
            FitCommand.OneCycleNote(parsed.GetValue(schedule), stepCount, context.Error);

            // The trace streams to its file step by step; memory holds at most History.MaxRows rows whatever --steps is.
            string? tracePath = parsed.GetValue(trace);
            using OutputFile? traceFile = tracePath is null ? null : OutputFile.Open(tracePath, "--trace", context.Cancellation);
            Action<Row>? stream = null;
            if (traceFile is not null)
            {
                TextWriter writer = traceFile.Writer;
                WriteTraceHeader(writer, theta.Length);
                stream = row => WriteTraceRow(writer, row);
            }

            Run run = Execute(f, theta, rule, stepCount, stream, context.Cancellation);
            traceFile?.Commit();

            JsonObject document = ToJson(name, optimizerSpec, parsed.GetValue(schedule), run);
            if (!JsonOutput.Emit(parsed, json, document, context.Out))
            {
                WriteHuman(context.Out, f, optimizerSpec, run);
            }

            ReportOutput.WriteIfAsked(
                parsed, outDir, json, () => OptimizeReport.Build(ReportOutput.CommandLine(parsed), f, optimizerSpec, parsed.GetValue(schedule), clip, stepCount, ToTrace(run)), document, context);
            if (run.Cancelled)
            {
                // What was computed is written above; Ctrl-C still ends the command with its own code (130).
                throw new OperationCanceledException(context.Cancellation);
            }
        });
        return command;
    }

    /// <summary>One row of the trace: the state after <see cref="Step"/> updates.</summary>
    internal sealed record Row(int Step, double Loss, double LearningRate, double? GradNorm, float[] Parameters);

    /// <summary>A run: its recorded rows (bounded, see <see cref="History"/>), how it ended, and the stride of the record.</summary>
    internal sealed record Run(IReadOnlyList<Row> Rows, bool Diverged, string? Reason, int? EscapeStep, int Stride, bool Cancelled)
    {
        /// <summary>The last row (the final point).</summary>
        public Row Last => Rows[^1];
    }

    /// <summary>
    /// The rows kept of a run, at most <see cref="MaxRows"/> + 1 whatever its length: every <c>stride</c>-th step, where
    /// the stride doubles (dropping every other kept row) each time the record would exceed the limit; the first and
    /// the last row are always kept. So memory stays flat in the number of steps.
    /// </summary>
    internal sealed class History
    {
        /// <summary>The most rows kept besides the last one.</summary>
        public const int MaxRows = 10_000;

        private readonly List<Row> _rows = [];
        private Row? _last;

        /// <summary>Steps between two kept rows.</summary>
        public int Stride { get; private set; } = 1;

        /// <summary>Records a row (rows come in step order).</summary>
        public void Add(Row row)
        {
            _last = row;
            if (row.Step % Stride != 0)
            {
                return;
            }

            _rows.Add(row);
            if (_rows.Count > MaxRows)
            {
                Stride *= 2;
                _rows.RemoveAll(r => r.Step % Stride != 0);
            }
        }

        /// <summary>The kept rows in step order, ending with the last row added.</summary>
        public List<Row> Rows() => _last is null || (_rows.Count > 0 && _rows[^1].Step == _last.Step) ? [.. _rows] : [.. _rows, _last];
    }

    /// <summary>
    /// Runs <paramref name="steps"/> updates from <paramref name="theta"/> (modified), giving every row to
    /// <paramref name="each"/> as it is computed and keeping a bounded <see cref="History"/>. Stops on divergence and,
    /// between two steps, on cancellation (the run so far is returned, marked cancelled).
    /// </summary>
    internal static Run Execute(ITestFunction f, float[] theta, OptimizerRule rule, int steps, Action<Row>? each = null, CancellationToken cancellation = default)
    {
        int d = theta.Length;
        float[] gradient = new float[d];
        double loss = f.Evaluate(theta, gradient);
        double start = loss;
        var history = new History();
        void Keep(Row row)
        {
            history.Add(row);
            each?.Invoke(row);
        }

        Keep(new Row(0, loss, rule.LearningRate.At(0), null, (float[])theta.Clone()));
        Optimizer? first = rule.Transform is null ? null : new Optimizer(rule.Transform, d);
        Lbfgs? lbfgs = rule.Lbfgs is null ? null : new Lbfgs(rule.Lbfgs, d);
        int? escape = null;
        for (int k = 1; k <= steps; k++)
        {
            if (cancellation.IsCancellationRequested)
            {
                return new Run(history.Rows(), false, null, escape, history.Stride, true);
            }

            double lr = rule.LearningRate.At(k - 1);
            double norm = Clipping.Norm(gradient);
            if (first is not null)
            {
                first.Step(theta, gradient);
            }
            else
            {
                lbfgs!.Step(theta, (p, g) => (float)f.Evaluate(p, g));
            }

            loss = f.Evaluate(theta, gradient);
            (rule.LearningRate as PlateauState)?.Report(loss);
            Keep(new Row(k, loss, lr, norm, (float[])theta.Clone()));
            if (escape is null && f.Minimum.Count == 0 && loss < start - 1)
            {
                escape = k;
            }

            string? reason = !double.IsFinite(loss) || theta.Any(v => !float.IsFinite(v))
                ? $"non-finite value at step {k} (loss {loss})"
                : Math.Abs(loss) > Explosion ? $"|loss| exceeded {Explosion:G} at step {k} (loss {TextNumber.G(loss, 4)})" : null;
            if (reason is not null)
            {
                return new Run(history.Rows(), true, reason, escape, history.Stride, false);
            }
        }

        return new Run(history.Rows(), false, null, escape, history.Stride, false);
    }

    /// <summary>The run as the report reads it (a missing gradient norm, row 0's, as NaN).</summary>
    private static OptimizeTrace ToTrace(Run run) => new(
        [.. run.Rows.Select(r => r.Parameters)],
        [.. run.Rows.Select(r => r.Loss)],
        [.. run.Rows.Select(r => r.LearningRate)],
        [.. run.Rows.Select(r => r.GradNorm ?? double.NaN)],
        run.Diverged,
        run.Reason,
        run.EscapeStep,
        run.Stride == 1 ? null : [.. run.Rows.Select(r => r.Step)]);

    private static void WriteTraceHeader(TextWriter text, int d)
    {
        text.Write("step,loss,lr,grad_norm");
        for (int i = 0; i < d; i++)
        {
            text.Write(string.Create(CultureInfo.InvariantCulture, $",p{i}"));
        }

        text.Write('\n');
    }

    private static void WriteTraceRow(TextWriter text, Row row)
    {
        text.Write(string.Create(CultureInfo.InvariantCulture, $"{row.Step},{row.Loss:R},{row.LearningRate:R},{(row.GradNorm is double g ? g.ToString("R", CultureInfo.InvariantCulture) : string.Empty)}"));
        foreach (float p in row.Parameters)
        {
            text.Write(',');
            text.Write(p.ToString("R", CultureInfo.InvariantCulture));
        }

        text.Write('\n');
    }

    private static readonly string[] TraceColumns = ["step", "loss", "lr", "grad_norm"];

    private static JsonObject ToJson(string function, string optimizer, string? schedule, Run run)
    {
        Row last = run.Last;
        var trace = new JsonArray();
        foreach (Row row in run.Rows)
        {
            var entry = new JsonArray { row.Step, Finite(row.Loss), row.LearningRate, row.GradNorm is double g ? Finite(g) : null };
            foreach (float p in row.Parameters)
            {
                entry.Add(JsonOutput.Number(p));
            }

            trace.Add(entry);
        }

        return new JsonObject
        {
            ["function"] = function,
            ["optimizer"] = optimizer,
            ["schedule"] = schedule,
            ["steps"] = last.Step,
            ["final"] = JsonOutput.Numbers(last.Parameters),
            ["final_value"] = Finite(last.Loss),
            ["diverged"] = run.Diverged,
            ["divergence_reason"] = run.Reason,
            ["escape_step"] = run.EscapeStep,
            ["cancelled"] = run.Cancelled,
            ["trace_columns"] = new JsonArray([.. TraceColumns.Concat(last.Parameters.Select((_, i) => $"p{i.ToString(CultureInfo.InvariantCulture)}")).Select(c => (JsonNode)c)]),
            ["trace_stride"] = run.Stride,
            ["trace_note"] = run.Stride == 1 ? null : string.Create(CultureInfo.InvariantCulture, $"one row every {run.Stride} steps of {last.Step}, and the last ({run.Rows.Count} rows; at most {History.MaxRows + 1} are kept); --trace FILE writes every step"),
            ["trace"] = trace,
        };
    }

    private static JsonValue? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static void WriteHuman(TextWriter o, ITestFunction f, string optimizer, Run run)
    {
        o.WriteLine($"{f.Name}: {f.Formula}");
        o.WriteLine($"optimizer: {optimizer}");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"step",6} {"loss",14} {"lr",10} {"|grad|",12}  parameters"));
        int n = run.Rows.Count;
        int every = Math.Max(1, (n - 1) / 10);
        for (int i = 0; i < n; i++)
        {
            if (i % every != 0 && i != n - 1)
            {
                continue;
            }

            Row r = run.Rows[i];
            string grad = r.GradNorm is double g ? TextNumber.G(g, 4) : "";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Step,6} {TextNumber.G(r.Loss, 6),14} {TextNumber.G(r.LearningRate, 4),10} {grad,12}  ({string.Join(", ", r.Parameters.Select(p => TextNumber.G(p, 6)))})"));
        }

        Row last = run.Last;
        if (run.Stride > 1)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kept one row every {run.Stride} steps of {last.Step} in memory ({n} rows); --trace FILE writes every step"));
        }

        if (run.Cancelled)
        {
            o.WriteLine($"cancelled after {last.Step} steps");
        }

        if (run.Diverged)
        {
            o.WriteLine($"diverged: {run.Reason}");
        }

        if (f.Minimum.Count > 0)
        {
            double distance = Math.Sqrt(last.Parameters.Select((p, i) => Math.Pow(p - f.Minimum[i], 2)).Sum());
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final: ({string.Join(", ", last.Parameters.Select(p => TextNumber.G(p, 6)))}), loss {TextNumber.G(last.Loss, 6)}, distance to the minimum ({string.Join(", ", f.Minimum)}): {TextNumber.G(distance, 4)}"));
        }
        else
        {
            o.WriteLine(run.EscapeStep is int e
                ? $"left the start's level set (loss below start − 1) at step {e}"
                : "never got 1 below the starting loss");
        }
    }
}
