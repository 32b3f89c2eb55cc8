using LossLab.Lab.Data;
using LossLab.Losses;
using LossLab.Models;

namespace LossLab.Lab.Training;

/// <summary>
/// A model, a loss and a task joined into one objective: the mean loss of a batch (plus the model's L1/L2 weight penalty) and its
/// gradient with respect to the parameters. Targets are encoded once for the loss (class indices, or −1/+1 for margin
/// losses); a loss on probabilities gets a sigmoid link. Buffers are created once; evaluating allocates nothing.
/// </summary>
public sealed class TrainingObjective
{
    private readonly Workspace _workspace;
    private readonly float[] _outputs;
    private readonly float[] _linked;
    private readonly float[] _outputGradient;
    private readonly bool _sigmoidLink;

    /// <summary>Joins the pieces; checks that the loss suits the task.</summary>
    /// <exception cref="ArgumentException">The loss does not fit the task or the model's outputs.</exception>
    public TrainingObjective(Model model, ILoss loss, TaskKind task, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        Model = model;
        Loss = loss;
        Task = task;
        InputKind kind = LossCatalog.Find(loss.Name)?.Input ?? InputKind.Regression;
        Kind = kind;
        CheckSuits(loss.Name, kind, task);
        _sigmoidLink = kind == InputKind.Probabilities || (kind == InputKind.Mask && !FromLogits(loss));
        TargetWidth = task is TaskKind.Boxes or TaskKind.Segmentation ? model.Outputs : 1;
        MaxBatch = Math.Max(1, maxBatch);
        _workspace = model.CreateWorkspace(MaxBatch);
        _outputs = new float[MaxBatch * model.Outputs];
        _linked = _sigmoidLink ? new float[MaxBatch * model.Outputs] : [];
        _outputGradient = new float[MaxBatch * model.Outputs];
    }

    /// <summary>The model.</summary>
    public Model Model { get; }

    /// <summary>The loss (mean reduction per batch).</summary>
    public ILoss Loss { get; }

    /// <summary>The task.</summary>
    public TaskKind Task { get; }

    /// <summary>What the loss reads.</summary>
    public InputKind Kind { get; }

    /// <summary>The largest batch the buffers hold.</summary>
    public int MaxBatch { get; }

    /// <summary>Targets per row: the model's outputs for boxes and masks, else 1.</summary>
    public int TargetWidth { get; }

    /// <summary>Whether the loss reads probabilities through a sigmoid of the model's outputs.</summary>
    internal bool SigmoidLink => _sigmoidLink;

    /// <summary>
    /// Starts the output bias where training should start from, for a <see cref="DenseModel"/> (linear or MLP):
    /// <list type="bullet">
    /// <item>box regression: b_k = mean training target of coordinate k, as detection heads start from an anchor (a model
    /// whose boxes all begin at zero size gives IoU-type losses nothing to grow from);</item>
    /// <item>regression with a log-link loss (<see cref="IsLogLink"/>): b = log(ȳ), ȳ the mean training target, so the
    /// model starts as the best constant e^b = ȳ instead of e^0 = 1 (left as initialised when ȳ ≤ 0 or is not finite).</item>
    /// </list>
    /// Other tasks and models are left as initialised.
    /// </summary>
    public void ApplyPrior(Span<float> parameters, Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (Model is not DenseModel || train.Rows == 0)
        {
            return;
        }

        if (Task == TaskKind.Regression && IsLogLink(Loss))
        {
            double sum = 0;
            foreach (float t in train.Targets)
            {
                sum += t;
            }

            double mean = sum / train.Targets.Length;
            if (mean > 0 && double.IsFinite(mean))
            {
                parameters[^1] = (float)Math.Log(mean);
            }

            return;
        }

        if (Task != TaskKind.Boxes)
        {
            return;
        }

        int w = TargetWidth;
        Span<float> bias = parameters[^w..];
        for (int k = 0; k < w; k++)
        {
            double sum = 0;
            for (int i = 0; i < train.Rows; i++)
            {
                sum += train.Targets[(i * w) + k];
            }

            bias[k] = (float)(sum / train.Rows);
        }
    }

    /// <summary>
    /// Whether the model output of a loss is the logarithm of the predicted mean (a log link, μ = e^output):
    /// <c>poisson_nll</c> with <c>log_input</c>, <c>tweedie</c> and <c>gamma</c>.
    /// </summary>
    public static bool IsLogLink(ILoss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss is PoissonNll { LogInput: true } or Tweedie or GammaNll;
    }

    /// <summary>
    /// Model outputs on the scale of the target, for metrics, in place: with a log-link loss (<see cref="IsLogLink"/>:
    /// poisson_nll with <c>log_input</c>, tweedie, gamma) the output f is log μ, so the prediction is μ = e^f; every
    /// other output is already on the target's scale (or is a logit, which the classification metrics read).
    /// </summary>
    public float[] ToResponse(float[] outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (IsLogLink(Loss))
        {
            for (int i = 0; i < outputs.Length; i++)
            {
                outputs[i] = MathF.Exp(outputs[i]);
            }
        }

        return outputs;
    }

    /// <summary>
    /// The targets as the loss expects them (margin losses read −1/+1 labels), after checking them against the loss's
    /// domain before any training: non-negative (msle, poisson_nll, tweedie), positive (gamma), in [0, 1] (bce,
    /// bce_with_logits, focal, masks), or boxes with x1 &lt; x2 and y1 &lt; y2 (box losses).
    /// </summary>
    /// <exception cref="ArgumentException">The first target outside the domain, named by its 1-based row.</exception>
    public float[] EncodeTargets(float[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (Kind is InputKind.Counts or InputKind.NonNegative)
        {
            int bad = Array.FindIndex(targets, t => t < 0);
            if (bad >= 0)
            {
                throw new ArgumentException($"loss '{Loss.Name}' needs non-negative targets, but row {bad + 1} has {targets[bad]}; use another loss or shift the target", nameof(targets));
            }
        }

        if (Kind == InputKind.Positive)
        {
            int bad = Array.FindIndex(targets, t => !(t > 0));
            if (bad >= 0)
            {
                throw new ArgumentException($"loss '{Loss.Name}' needs targets > 0, but row {bad + 1} has {targets[bad]}; use tweedie for targets with exact zeros, or another loss", nameof(targets));
            }
        }

        if (Kind is InputKind.Probabilities or InputKind.Logits or InputKind.Mask)
        {
            int bad = Array.FindIndex(targets, t => !(t >= 0 && t <= 1));
            if (bad >= 0)
            {
                throw new ArgumentException($"loss '{Loss.Name}' needs targets in [0, 1] (labels or soft labels), but row {(bad / TargetWidth) + 1} has {targets[bad]}; rescale the target or use another loss", nameof(targets));
            }
        }

        if (Kind == InputKind.Boxes)
        {
            for (int o = 0; o + 3 < targets.Length; o += 4)
            {
                if (!(targets[o + 2] > targets[o] && targets[o + 3] > targets[o + 1]))
                {
                    throw new ArgumentException(
                        FormattableString.Invariant($"loss '{Loss.Name}' needs target boxes (x1, y1, x2, y2) with x1 < x2 and y1 < y2, but row {(o / TargetWidth) + 1} has ({targets[o]}, {targets[o + 1]}, {targets[o + 2]}, {targets[o + 3]}); fix the box or use smooth_l1"),
                        nameof(targets));
                }
            }
        }

        return Kind == InputKind.SignedLabels ? targets.Select(t => t > 0.5f ? 1f : -1f).ToArray() : targets;
    }

    /// <summary>
    /// The mean loss of the batch plus the penalty, and (when <paramref name="gradient"/> is not empty) its gradient
    /// with respect to the parameters.
    /// </summary>
    public double Evaluate(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, Span<float> gradient)
    {
        int outputs = batch * Model.Outputs;
        Span<float> y = _outputs.AsSpan(0, outputs);
        Model.Forward(parameters, inputs, batch, y, _workspace);
        ReadOnlySpan<float> predictions = y;
        if (_sigmoidLink)
        {
            Span<float> p = _linked.AsSpan(0, outputs);
            System.Numerics.Tensors.TensorPrimitives.Sigmoid(y, p);
            predictions = p;
        }

        bool wantGradient = !gradient.IsEmpty;
        Span<float> dy = wantGradient ? _outputGradient.AsSpan(0, outputs) : Span<float>.Empty;
        double value = Loss.Evaluate(predictions, targets[..(batch * TargetWidth)], dy, Reduction.Mean);
        if (!wantGradient)
        {
            return value + Model.PenaltyValue(parameters);
        }

        if (_sigmoidLink)
        {
            ReadOnlySpan<float> p = _linked.AsSpan(0, outputs);
            for (int i = 0; i < outputs; i++)
            {
                dy[i] *= p[i] * (1 - p[i]);
            }
        }

        Model.Backward(parameters, inputs, batch, dy, gradient, _workspace);
        return value + Model.AddPenalty(parameters, gradient);
    }

    /// <summary>The mean loss over a whole data set (in chunks of <see cref="MaxBatch"/>; the penalty added once).</summary>
    public double Evaluate(ReadOnlySpan<float> parameters, Dataset data, float[] encodedTargets)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(encodedTargets);
        double sum = 0;
        int d = data.Columns;
        for (int start = 0; start < data.Rows; start += MaxBatch)
        {
            int batch = Math.Min(MaxBatch, data.Rows - start);
            double mean = Evaluate(parameters, data.Features.AsSpan(start * d, batch * d), encodedTargets.AsSpan(start * TargetWidth, batch * TargetWidth), batch, Span<float>.Empty)
                - Model.PenaltyValue(parameters);
            sum += mean * batch;
        }

        return (sum / data.Rows) + Model.PenaltyValue(parameters);
    }

    /// <summary>Raw model outputs (logits or values) for every row, rows × outputs.</summary>
    public float[] Predict(ReadOnlySpan<float> parameters, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        float[] result = new float[data.Rows * Model.Outputs];
        int d = data.Columns;
        for (int start = 0; start < data.Rows; start += MaxBatch)
        {
            int batch = Math.Min(MaxBatch, data.Rows - start);
            Model.Forward(parameters, data.Features.AsSpan(start * d, batch * d), batch, result.AsSpan(start * Model.Outputs, batch * Model.Outputs), _workspace);
        }

        return result;
    }

    /// <summary>A closure over fixed batch buffers, for L-BFGS (which re-evaluates the objective).</summary>
    internal BatchObjective ForBatch(float[] inputs, float[] targets) => new(this, inputs, targets);

    /// <summary>The objective on the first <see cref="Rows"/> rows of fixed buffers.</summary>
    internal sealed class BatchObjective(TrainingObjective objective, float[] inputs, float[] targets)
    {
        public int Rows { get; set; }

        public float Invoke(ReadOnlySpan<float> parameters, Span<float> gradient)
            => (float)objective.Evaluate(parameters, inputs.AsSpan(0, Rows * objective.Model.Inputs), targets.AsSpan(0, Rows * objective.TargetWidth), Rows, gradient);
    }

    private static bool FromLogits(ILoss loss) => loss is OverlapLoss { FromLogits: true };

    private static void CheckSuits(string name, InputKind kind, TaskKind task)
    {
        if (!Suits(kind, task))
        {
            string taskName = task.ToString().ToLowerInvariant();
            string suitable = string.Join(", ", LossCatalog.All.Where(e => Suits(e.Input, task)).Select(e => e.Name));
            throw new ArgumentException($"loss '{name}' does not fit a {taskName} task with this model; use one of: {suitable}", "loss");
        }
    }

    private static bool Suits(InputKind kind, TaskKind task) => task switch
    {
        TaskKind.Regression => kind is InputKind.Regression or InputKind.NonNegative or InputKind.Counts or InputKind.Positive,
        TaskKind.Binary => kind is InputKind.Logits or InputKind.Probabilities or InputKind.SignedLabels,
        TaskKind.Multiclass => kind is InputKind.ClassLogits,
        TaskKind.Boxes => kind is InputKind.Boxes or InputKind.Regression,
        TaskKind.Segmentation => kind is InputKind.Mask or InputKind.Logits or InputKind.Probabilities,
        _ => false,
    };
}
