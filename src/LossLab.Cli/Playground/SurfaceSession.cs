using System.Net.WebSockets;
using System.Threading.Channels;
using LossLab.Cli.Commands;
using LossLab.Functions;
using LossLab.Optim;

namespace LossLab.Cli.Playground;

/// <summary>A race on a test surface: the function, the start, up to <see cref="MaxRuns"/> optimizers and the pace.</summary>
internal sealed class SurfacePlan
{
    /// <summary>The most optimizers in one race.</summary>
    public const int MaxRuns = 6;

    /// <summary>The side of the surface grid.</summary>
    public const int GridSize = 80;

    /// <summary>One racer: its specs.</summary>
    internal sealed record Racer(string Optimizer, string? Schedule, double? ClipNorm);

    /// <summary>The function.</summary>
    public required ITestFunction Function { get; init; }

    /// <summary>The start.</summary>
    public required float[] Start { get; init; }

    /// <summary>The racers.</summary>
    public required IReadOnlyList<Racer> Racers { get; init; }

    /// <summary>Steps per racer.</summary>
    public int Steps { get; init; }

    /// <summary>Frames per second.</summary>
    public double Fps { get; init; }

    /// <summary>Steps shown per second.</summary>
    public double StepsPerSecond { get; init; }

    /// <summary>Reads and checks a <c>start</c> message of the surface socket.</summary>
    public static SurfacePlan Parse(StartMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        string name = m.Text("function");
        ITestFunction f = TestFunctions.Find(name)
            ?? throw new PlaygroundException($"function {name}: unknown; accepted: {string.Join(", ", TestFunctions.All.Select(t => t.Name))}");
        var racers = new List<Racer>();
        foreach (StartMessage r in m.Objects("runs", MaxRuns))
        {
            string optimizer = r.Text("optimizer");
            string? schedule = r.OptionalText("schedule");
            double? clip = r.OptionalNumber("clip_norm");
            if (clip is double c && !(c > 0))
            {
                throw new PlaygroundException($"runs[{racers.Count}] \"clip_norm\": give a number > 0 or null");
            }

            FitPlan.Check($"runs[{racers.Count}] optimizer", () => OptimizerCatalog.Create(optimizer, schedule, clip));
            racers.Add(new Racer(optimizer, schedule, clip));
        }

        return new SurfacePlan
        {
            Function = f,
            Start = m.Pair("start", PlaygroundCatalog.View(f).Start),
            Racers = racers,
            Steps = m.Steps(1000),
            Fps = m.Number("fps", 30, 1, 120),
            StepsPerSecond = m.Number("steps_per_second", 200, 1, StartMessage.MaxSteps),
        };
    }

    /// <summary>The path of one racer: every step's point and value, as <c>losslab optimize --trace</c> writes them (it ends early on divergence).</summary>
    internal sealed class Path(int capacity)
    {
        public List<float> X { get; } = new(capacity + 1);

        public List<float> Y { get; } = new(capacity + 1);

        public List<double> Value { get; } = new(capacity + 1);

        public bool Diverged { get; set; }

        public string? Reason { get; set; }

        public int Last => X.Count - 1;
    }

    /// <summary>Runs one racer with the engine of <c>losslab optimize</c>.</summary>
    public Path Run(Racer racer, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(racer);
        OptimizerRule rule = OptimizerCatalog.Create(racer.Optimizer, racer.Schedule, racer.ClipNorm);
        var path = new Path(Steps);
        OptimizeCommand.Run run = OptimizeCommand.Execute(Function, (float[])Start.Clone(), rule, Steps, row =>
        {
            path.X.Add(row.Parameters[0]);
            path.Y.Add(row.Parameters[1]);
            path.Value.Add(row.Loss);
        }, cancellation);
        cancellation.ThrowIfCancellationRequested();
        path.Diverged = run.Diverged;
        path.Reason = run.Reason;
        return path;
    }

    /// <summary>The <c>surface</c> message: the function on a <see cref="GridSize"/>² grid over the plot bounds, z[j][i] at (x[i], y[j]).</summary>
    public byte[] Surface()
    {
        PlaygroundCatalog.SurfaceView view = PlaygroundCatalog.View(Function);
        double[] x = [.. Enumerable.Range(0, GridSize).Select(i => view.Bounds[0] + ((view.Bounds[1] - view.Bounds[0]) * i / (GridSize - 1)))];
        double[] y = [.. Enumerable.Range(0, GridSize).Select(j => view.Bounds[2] + ((view.Bounds[3] - view.Bounds[2]) * j / (GridSize - 1)))];
        return JsonText.Bytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "surface");
            w.WriteString("function", Function.Name);
            w.Numbers("x", x);
            w.Numbers("y", y);
            w.WriteStartArray("z");
            double[] point = new double[2];
            foreach (double yj in y)
            {
                w.WriteStartArray();
                foreach (double xi in x)
                {
                    point[0] = xi;
                    point[1] = yj;
                    w.Number(Function.Evaluate(point, Span<double>.Empty));
                }

                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteBoolean("log", view.Log);
            w.Numbers("bounds", view.Bounds);
            w.WriteEndObject();
        });
    }
}

/// <summary>
/// The surface socket (<c>/api/surface</c>): runs every racer first (the engine of <c>losslab optimize</c>), sends the
/// surface, then streams the racers side by side: per frame each one's newest point and value and its path since the
/// last frame (a racer that diverged stays at its last point).
/// </summary>
internal sealed class SurfaceSession(WebSocket socket, PlaygroundServer server) : StreamSession(socket, server)
{
    /// <inheritdoc/>
    protected override object ParseStart(StartMessage message) => SurfacePlan.Parse(message);

    /// <inheritdoc/>
    protected override async Task RunAsync(object plan, ChannelReader<string> control, CancellationToken cancellation)
    {
        var race = (SurfacePlan)plan;
        (SurfacePlan.Path[] paths, byte[] surface) = await Task.Run(
            () => (race.Racers.Select(r => race.Run(r, cancellation)).ToArray(), race.Surface()),
            cancellation).ConfigureAwait(false);
        await SendAsync(surface, cancellation).ConfigureAwait(false);
        int total = paths.Max(p => p.Last);
        byte[] Frame(int from, int to) => JsonText.Bytes(w =>
        {
            int stride = Math.Max(1, (int)Math.Ceiling((to - from + 1) / (double)FitSession.MaxPathPerFrame));
            w.WriteStartObject();
            w.WriteString("type", "frame");
            w.WriteNumber("step", to);
            w.WriteStartArray("runs");
            foreach (SurfacePlan.Path p in paths)
            {
                int at = Math.Min(to, p.Last);
                w.WriteStartObject();
                w.WriteStartArray("point");
                w.Number(p.X[at]);
                w.Number(p.Y[at]);
                w.WriteEndArray();
                w.Number("value", p.Value[at]);
                w.WriteStartArray("path");
                List<int> steps = [];
                for (int k = from; k <= Math.Min(to, p.Last); k += stride)
                {
                    steps.Add(k);
                }

                if (from <= p.Last && steps[^1] != at)
                {
                    steps.Add(at);
                }

                foreach (int k in steps)
                {
                    w.WriteStartArray();
                    w.Number(p.X[k]);
                    w.Number(p.Y[k]);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.Numbers("values", steps.Select(k => p.Value[k]));
                w.WriteBoolean("ended", to >= p.Last);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

        int shown = await PaceAsync(total, race.Fps, race.StepsPerSecond, Frame, control, cancellation).ConfigureAwait(false);
        bool diverged = paths.Any(p => p.Diverged);
        await StatusAsync(paths.All(p => p.Diverged) ? "diverged" : "done", shown, cancellation).ConfigureAwait(false);
        await SendAsync(
            JsonText.Bytes(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "done");
                w.WriteNumber("step", shown);
                w.WriteBoolean("diverged", diverged);
                w.WriteStartArray("runs");
                for (int i = 0; i < paths.Length; i++)
                {
                    SurfacePlan.Path p = paths[i];
                    SurfacePlan.Racer r = race.Racers[i];
                    w.WriteStartObject();
                    w.WriteStartArray("point");
                    w.Number(p.X[p.Last]);
                    w.Number(p.Y[p.Last]);
                    w.WriteEndArray();
                    w.Number("value", p.Value[p.Last]);
                    w.WriteNumber("steps", p.Last);
                    w.WriteBoolean("diverged", p.Diverged);
                    if (p.Reason is string reason)
                    {
                        w.WriteString("divergence_reason", reason);
                    }

                    w.WriteString("cli", CommandLine(race, r));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }),
            cancellation).ConfigureAwait(false);
    }

    private static string CommandLine(SurfacePlan race, SurfacePlan.Racer r)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"losslab optimize --function {race.Function.Name} --start {race.Start[0]:R},{race.Start[1]:R} --optimizer {r.Optimizer}{(r.Schedule is null ? string.Empty : " --schedule " + r.Schedule)}{(r.ClipNorm is double c ? $" --clip-norm {c:R}" : string.Empty)} --steps {race.Steps} --trace trace.csv");
}
