using System.Globalization;
using System.Text.Json;
using LossLab.Cli.Commands;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Specs;

namespace LossLab.Cli.Playground;

/// <summary>
/// One fit of the playground: a linear model ŷ = w·x + b on the page's points, trained by the library's
/// <see cref="Trainer"/> exactly as <c>losslab fit --model linear --batch-size 0 --standardize false --tol 0
/// --validation 0</c> trains it (one step = one full-batch epoch), but started from any (w, b).
/// </summary>
internal sealed class FitPlan
{
    /// <summary>The side of the landscape grid.</summary>
    public const int GridSize = 60;

    private FitPlan(float[] x, float[] y, string loss, string optimizer, string? schedule, double? clipNorm, int steps, float[] start, double fps, double stepsPerSecond)
    {
        X = x;
        Y = y;
        Loss = loss;
        Optimizer = optimizer;
        Schedule = schedule;
        ClipNorm = clipNorm;
        Steps = steps;
        Start = start;
        Fps = fps;
        StepsPerSecond = stepsPerSecond;
    }

    /// <summary>The points' x.</summary>
    public float[] X { get; }

    /// <summary>The points' y.</summary>
    public float[] Y { get; }

    /// <summary>The loss spec.</summary>
    public string Loss { get; }

    /// <summary>The optimizer spec.</summary>
    public string Optimizer { get; }

    /// <summary>The schedule spec, or null.</summary>
    public string? Schedule { get; }

    /// <summary>The clipping norm, or null.</summary>
    public double? ClipNorm { get; }

    /// <summary>Full-batch steps (epochs).</summary>
    public int Steps { get; }

    /// <summary>The starting (w, b).</summary>
    public float[] Start { get; }

    /// <summary>Frames per second.</summary>
    public double Fps { get; }

    /// <summary>Steps shown per second.</summary>
    public double StepsPerSecond { get; }

    /// <summary>Reads and checks a <c>start</c> message (or the body of <c>/api/fit/trace</c>): points, specs, limits.</summary>
    public static FitPlan Parse(string text) => Parse(StartMessage.Parse(text));

    /// <inheritdoc cref="Parse(string)"/>
    public static FitPlan Parse(StartMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        float[] x = m.Numbers("x", PointsData.MaxPoints);
        float[] y = m.Numbers("y", PointsData.MaxPoints);
        if (x.Length != y.Length)
        {
            throw new PlaygroundException($"\"x\" has {x.Length} values and \"y\" {y.Length}; give one y per x");
        }

        if (x.Length < 2)
        {
            throw new PlaygroundException($"{x.Length} point(s): a line needs at least 2 points");
        }

        string loss = m.Text("loss");
        string name = string.Empty;
        Check("loss", () => name = Spec.Parse(loss).Name);
        if (!PlaygroundCatalog.Losses.Any(l => l.Name == name))
        {
            throw new PlaygroundException($"loss {Short(loss)}: not a regression loss of real targets; accepted: {string.Join(", ", PlaygroundCatalog.Losses.Select(l => l.Name))}");
        }

        Check("loss", () => LossCatalog.Create(loss));
        string optimizer = m.Text("optimizer");
        string? schedule = m.OptionalText("schedule");
        double? clip = m.OptionalNumber("clip_norm");
        if (clip is double c && !(c > 0))
        {
            throw new PlaygroundException(string.Create(CultureInfo.InvariantCulture, $"\"clip_norm\": {c}: give a number > 0 or null"));
        }

        Check("optimizer", () => OptimizerCatalog.Create(optimizer, schedule, clip));
        int steps = m.Steps(500);
        float[] start = m.Pair("start", [0, 0]);
        double fps = m.Number("fps", 30, 1, 120);
        double sps = m.Number("steps_per_second", 200, 1, StartMessage.MaxSteps);
        return new FitPlan(x, y, loss, optimizer, schedule, clip, steps, start, fps, sps);
    }

    /// <summary>Runs <paramref name="make"/> and turns a spec error into a <see cref="PlaygroundException"/> naming <paramref name="what"/>.</summary>
    internal static void Check(string what, Action make)
    {
        try
        {
            make();
        }
        catch (ArgumentException ex)
        {
            throw new PlaygroundException($"{what}: {App.Cap(ex.Message.Split(" (Parameter", 2)[0])}");
        }
    }

    /// <summary>The points as a data set (column x, target y), as <c>fit --data points.csv --target y</c> reads them.</summary>
    public Dataset Data() => new("points", ["x"], "y", X, Y, TaskKind.Regression);

    /// <summary>The loss.</summary>
    public ILoss CreateLoss() => LossCatalog.Create(Loss);

    /// <summary>
    /// Trains: the objective, the optimizer rule and the training options of <c>fit</c> with a full batch, no
    /// standardising, no stopping tolerance and no validation part; parameters (w, b) are recorded at every step.
    /// </summary>
    public TrainingRun Train(CancellationToken cancellation)
    {
        Dataset data = Data();
        Model model = ModelCatalog.Create("linear", 1, 1);
        var objective = new TrainingObjective(model, CreateLoss(), TaskKind.Regression, Math.Max(data.Rows, 1024));
        OptimizerRule rule = OptimizerCatalog.Create(Optimizer, Schedule, ClipNorm);
        float[] initial = (float[])Start.Clone();
        if (initial[0] == 0 && initial[1] == 0)
        {
            // fit --init zeros starts here and then applies the loss's prior (a no-op for the losses offered).
            objective.ApplyPrior(initial, data);
        }

        var options = new TrainOptions { Epochs = Steps, BatchSize = 0, Seed = 0, Tolerance = 0 };
        return Trainer.Train(objective, rule, initial, data, null, options, cancellation);
    }

    /// <summary>The run's trace CSV, as <c>losslab fit --trace</c> writes it.</summary>
    public string Trace(CancellationToken cancellation)
    {
        TrainingRun run = Train(cancellation);
        cancellation.ThrowIfCancellationRequested();
        return FitCommand.Trace(run);
    }

    /// <summary>The equivalent <c>losslab fit</c> command line (the points saved as points.csv with columns x,y).</summary>
    public string CommandLine()
    {
        string schedule = Schedule is null ? string.Empty : $" --schedule {Quote(Schedule)}";
        string clip = ClipNorm is double c ? string.Create(CultureInfo.InvariantCulture, $" --clip-norm {c:R}") : string.Empty;
        return $"losslab fit --data points.csv --target y --task regression --model linear --loss {Quote(Loss)} --optimizer {Quote(Optimizer)}{schedule}{clip} --epochs {Steps} --batch-size 0 --standardize false --init zeros --tol 0 --validation 0";
    }

    /// <summary>Whether the run starts where <c>fit --init zeros</c> does.</summary>
    public bool StartsAtZero => Start[0] == 0 && Start[1] == 0;

    /// <summary>
    /// The mean loss over the points on a <see cref="GridSize"/>² grid of (w, b) around the least-squares solution, the
    /// start and the run's path (when it stayed finite), with a margin: z[j][i] for (w[i], b[j]).
    /// </summary>
    public byte[] Landscape(TrainingRun run, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(run);
        (double ls_w, double ls_b) = LeastSquares();
        double wMin = Math.Min(Start[0], ls_w), wMax = Math.Max(Start[0], ls_w), bMin = Math.Min(Start[1], ls_b), bMax = Math.Max(Start[1], ls_b);
        if (!run.Diverged && run.ParameterHistory is not null)
        {
            for (int k = 0; k <= run.Steps; k++)
            {
                ReadOnlySpan<float> p = run.ParametersAt(k);
                if (float.IsFinite(p[0]) && float.IsFinite(p[1]))
                {
                    wMin = Math.Min(wMin, p[0]);
                    wMax = Math.Max(wMax, p[0]);
                    bMin = Math.Min(bMin, p[1]);
                    bMax = Math.Max(bMax, p[1]);
                }
            }
        }

        (wMin, wMax) = Widen(wMin, wMax);
        (bMin, bMax) = Widen(bMin, bMax);
        double[] w = Grid(wMin, wMax), b = Grid(bMin, bMax);
        ILoss loss = CreateLoss();
        float[] predictions = new float[X.Length];
        double[][] z = new double[GridSize][];
        for (int j = 0; j < GridSize; j++)
        {
            cancellation.ThrowIfCancellationRequested();
            z[j] = new double[GridSize];
            for (int i = 0; i < GridSize; i++)
            {
                float wi = (float)w[i], bj = (float)b[j];
                for (int r = 0; r < X.Length; r++)
                {
                    predictions[r] = (wi * X[r]) + bj;
                }

                z[j][i] = loss.Evaluate(predictions, Y, Span<float>.Empty);
            }
        }

        return JsonText.Bytes(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "landscape");
            writer.Numbers("w", w);
            writer.Numbers("b", b);
            writer.WriteStartArray("z");
            foreach (double[] row in z)
            {
                writer.WriteStartArray();
                foreach (double v in row)
                {
                    writer.Number(v);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.Numbers("least_squares", [ls_w, ls_b]);
            writer.WriteEndObject();
        });
    }

    /// <summary>The pull of each point at (w, b): the derivative of its own loss with respect to its prediction, ∂ℓ(ŷᵢ, yᵢ)/∂ŷᵢ.</summary>
    public void Pull(ILoss loss, float w, float b, float[] predictions, float[] values, float[] pull)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(predictions);
        for (int r = 0; r < X.Length; r++)
        {
            predictions[r] = (w * X[r]) + b;
        }

        loss.EvaluateItems(predictions, Y, values, pull);
    }

    /// <summary>The least-squares line in double: w = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)², b = ȳ − w·x̄ (w = 0 when every x is the same).</summary>
    public (double W, double B) LeastSquares()
    {
        double mx = 0, my = 0;
        for (int i = 0; i < X.Length; i++)
        {
            mx += X[i];
            my += Y[i];
        }

        mx /= X.Length;
        my /= X.Length;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < X.Length; i++)
        {
            sxy += (X[i] - mx) * (Y[i] - my);
            sxx += (X[i] - mx) * (X[i] - mx);
        }

        double slope = sxx > 0 ? sxy / sxx : 0;
        return (slope, my - (slope * mx));
    }

    private static (double Min, double Max) Widen(double min, double max)
    {
        double span = Math.Max(max - min, 1);
        double middle = (min + max) / 2;
        return (middle - (0.65 * span), middle + (0.65 * span));
    }

    private static double[] Grid(double min, double max) => [.. Enumerable.Range(0, GridSize).Select(i => min + ((max - min) * i / (GridSize - 1)))];

    private static string Quote(string spec) => spec.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is ':' or '=' or ',' or '.' or '_' or '-' or '/') ? spec : $"'{spec.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    private static string Short(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
