using System.Collections.Concurrent;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Experiments;

/// <summary>One configuration of a sweep: a loss, an optimizer (with its learning rate) and the seed of the initialisation.</summary>
/// <param name="Loss">Loss spec.</param>
/// <param name="Optimizer">Optimizer spec, learning rate included.</param>
/// <param name="Seed">Seed of the model's initialisation.</param>
public sealed record SweepConfig(string Loss, string Optimizer, int Seed);

/// <summary>The outcome of one configuration.</summary>
/// <param name="FinalLoss">Training loss (the configuration's own loss) after the last epoch; NaN when it diverged.</param>
/// <param name="Diverged">Whether the run diverged.</param>
/// <param name="Parameters">The final parameters.</param>
public sealed record SweepOutcome(double FinalLoss, bool Diverged, float[] Parameters);

/// <summary>
/// Many small training runs (full batch, fixed epochs) spread over threads. Consecutive configurations with the same
/// loss train together, up to 8 at a time, as one <see cref="LinearBatch"/>: one forward pass, one loss pass
/// (<see cref="PointwiseLoss.TryEvaluateModels"/>) and one backward pass per step for all of them, and one optimizer
/// for each run of configurations with the same element-wise optimizer. A loss without a batched kernel trains each
/// configuration alone. The batches are fixed by the order of the configurations, each configuration's result goes to
/// a slot fixed before the start, and a run depends only on its own configuration, so the results are identical on any
/// number of threads. Each thread builds its models, buffers and rules once and then trains without allocating.
/// </summary>
public static class Sweep
{
    /// <summary>The grid losses × optimizers × learning rates × seeds, in that nesting order.</summary>
    public static IReadOnlyList<SweepConfig> Grid(IEnumerable<string> losses, IEnumerable<string> optimizers, IEnumerable<double> learningRates, int seeds)
    {
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(optimizers);
        ArgumentNullException.ThrowIfNull(learningRates);
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        double[] rates = [.. learningRates];
        string[] optimizerList = [.. optimizers];
        return [.. from loss in losses from optimizer in optimizerList from lr in rates from seed in Enumerable.Range(0, seeds) select new SweepConfig(loss, Demo.WithRate(optimizer, lr), seed)];
    }

    /// <summary>Trains a <c>linear</c> model on <paramref name="data"/> for every configuration, full batch.</summary>
    /// <param name="data">Regression data.</param>
    /// <param name="configs">The configurations.</param>
    /// <param name="epochs">Full-batch epochs (one step each).</param>
    /// <param name="threads">Runs at once (≥ 1).</param>
    /// <param name="cancellation">Stops between runs.</param>
    public static SweepOutcome[] Run(Dataset data, IReadOnlyList<SweepConfig> configs, int epochs, int threads, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var results = new SweepOutcome[configs.Count];
        List<(int Start, int Count)> batches = Batches(configs);

        // The rules are immutable: parsed once here and shared, so that no thread repeats the work.
        var rules = new Dictionary<string, GradientTransform>(StringComparer.Ordinal);
        foreach (SweepConfig config in configs)
        {
            if (!rules.ContainsKey(config.Optimizer))
            {
                rules[config.Optimizer] = OptimizerCatalog.Create(config.Optimizer).Transform
                    ?? throw new ArgumentException($"{config.Optimizer}: a sweep takes first-order optimizers only", nameof(configs));
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation };
        // One batch at a time per thread (no chunks), so that no thread is left with a run of costly batches at the end.
        var next = Partitioner.Create(batches, EnumerablePartitionerOptions.NoBuffering);
        Parallel.ForEach(next, options, () => new Worker(data, rules), (batch, _, worker) =>
        {
            var (start, count) = batch;
            worker.Train(configs, start, count, epochs, results.AsSpan(start, count));
            return worker;
        }, _ => { });
        return results;
    }

    /// <summary>The largest number of configurations trained together.</summary>
    public const int BatchSize = 8;

    /// <summary>Runs of consecutive configurations with the same loss, cut into batches of at most <see cref="BatchSize"/>.</summary>
    private static List<(int Start, int Count)> Batches(IReadOnlyList<SweepConfig> configs)
    {
        var batches = new List<(int, int)>();
        int start = 0;
        for (int i = 1; i <= configs.Count; i++)
        {
            if (i == configs.Count || i - start == BatchSize || configs[i].Loss != configs[start].Loss)
            {
                batches.Add((start, i - start));
                start = i;
            }
        }

        return batches;
    }

    /// <summary>A thread's model and buffers, reused from run to run.</summary>
    private sealed class Worker(Dataset data, Dictionary<string, GradientTransform> rules)
    {
        private readonly LinearModel _model = new(data.Columns, 1);
        private readonly float[] _theta = new float[data.Columns + 1];
        private readonly float[] _gradient = new float[data.Columns + 1];
        private readonly Dictionary<string, (TrainingObjective Objective, float[] Targets)> _objectives = new(StringComparer.Ordinal);

        private readonly Dictionary<int, BatchBuffers> _batches = [];
        private readonly Dictionary<int, float[]> _starts = [];

        /// <summary>Trains configurations start … start + count − 1 (one loss) into <paramref name="results"/>.</summary>
        public void Train(IReadOnlyList<SweepConfig> configs, int start, int count, int epochs, Span<SweepOutcome> results)
        {
            var (objective, targets) = Objective(configs[start].Loss);
            if (objective.Loss is PointwiseLoss pointwise && TrainBatch(pointwise, objective, targets, configs, start, count, epochs, results))
            {
                return;
            }

            for (int i = 0; i < count; i++)
            {
                results[i] = Train(configs[start + i], epochs);
            }
        }

        private (TrainingObjective Objective, float[] Targets) Objective(string loss)
        {
            if (!_objectives.TryGetValue(loss, out var prepared))
            {
                var created = new TrainingObjective(_model, LossCatalog.Create(loss), TaskKind.Regression, data.Rows);
                prepared = (created, created.EncodeTargets(data.Targets));
                _objectives[loss] = prepared;
            }

            return prepared;
        }

        /// <summary>The initial parameters of a seed (seeding a <see cref="Random"/> costs more than a short run's step).</summary>
        private float[] Start(int seed)
        {
            if (!_starts.TryGetValue(seed, out float[]? start))
            {
                start = new float[_theta.Length];
                _model.Initialize(start, Init.Default, new Random(seed));
                _starts[seed] = start;
            }

            return start;
        }

        /// <summary>A rule is an immutable chain; each run gets fresh state from it.</summary>
        private GradientTransform Rule(string optimizer) => rules[optimizer];

        /// <summary>
        /// The batch in lockstep: every model starts as it would alone (same initialisation from its seed); a model whose
        /// loss turns non-finite keeps the parameters it had then, as a run alone stops there. False when the loss has
        /// no batched kernel (nothing is trained).
        /// </summary>
        private bool TrainBatch(PointwiseLoss loss, TrainingObjective objective, float[] targets, IReadOnlyList<SweepConfig> configs, int start, int count, int epochs, Span<SweepOutcome> results)
        {
            if (!_batches.TryGetValue(count, out BatchBuffers? b))
            {
                b = new BatchBuffers(new LinearBatch(data.Columns, count), data.Rows);
                _batches[count] = b;
            }

            int p = _theta.Length;
            for (int k = 0; k < count; k++)
            {
                Start(configs[start + k].Seed).CopyTo(b.Theta.AsSpan(k * p, p));
                b.Diverged[k] = false;
            }

            // One optimizer per run of equal element-wise rules; a rule that couples entries gets one per model.
            var steps = new List<(int First, int Models, Optimizer Optimizer)>();
            for (int k = 0; k < count;)
            {
                GradientTransform rule = Rule(configs[start + k].Optimizer);
                int run = 1;
                while (rule.IsElementwise && k + run < count && configs[start + k + run].Optimizer == configs[start + k].Optimizer)
                {
                    run++;
                }

                steps.Add((k, run, new Optimizer(rule, run * p)));
                k += run;
            }

            int alive = count;
            for (int epoch = 0; epoch < epochs && alive > 0; epoch++)
            {
                b.Batch.Forward(b.Theta, data.Features, data.Rows, b.Outputs);
                if (!loss.TryEvaluateModels(b.Outputs, count, targets, b.OutputGradient, b.Values))
                {
                    return false;
                }

                for (int k = 0; k < count; k++)
                {
                    if (!b.Diverged[k] && !double.IsFinite(b.Values[k]))
                    {
                        b.Diverged[k] = true;
                        b.Theta.AsSpan(k * p, p).CopyTo(b.Kept.AsSpan(k * p, p));
                        alive--;
                    }
                }

                b.Batch.Backward(data.Features, data.Rows, b.OutputGradient, b.Gradient);
                foreach (var (first, models, optimizer) in steps)
                {
                    if (models > 1 || !b.Diverged[first])
                    {
                        optimizer.Step(b.Theta.AsSpan(first * p, models * p), b.Gradient.AsSpan(first * p, models * p));
                    }
                }
            }

            for (int k = 0; k < count; k++)
            {
                if (b.Diverged[k])
                {
                    results[k] = new SweepOutcome(double.NaN, true, b.Kept.AsSpan(k * p, p).ToArray());
                    continue;
                }

                float[] theta = b.Theta.AsSpan(k * p, p).ToArray();
                double final = objective.Evaluate(theta, data, targets);
                bool diverged = !double.IsFinite(final) || !Array.TrueForAll(theta, float.IsFinite);
                results[k] = new SweepOutcome(diverged ? double.NaN : final, diverged, theta);
            }

            return true;
        }

        public SweepOutcome Train(SweepConfig config, int epochs)
        {
            var (objective, targets) = Objective(config.Loss);
            var optimizer = new Optimizer(Rule(config.Optimizer), _theta.Length);
            Start(config.Seed).CopyTo(_theta.AsSpan());
            double loss = double.NaN;
            bool diverged = false;
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                loss = objective.Evaluate(_theta, data.Features, targets, data.Rows, _gradient);
                if (!double.IsFinite(loss))
                {
                    diverged = true;
                    break;
                }

                optimizer.Step(_theta, _gradient);
            }

            if (!diverged)
            {
                // The value alone, as the trainer reports its final loss.
                loss = objective.Evaluate(_theta, data, targets);
                diverged = !double.IsFinite(loss) || !Array.TrueForAll(_theta, float.IsFinite);
            }

            return new SweepOutcome(diverged ? double.NaN : loss, diverged, (float[])_theta.Clone());
        }
    }

    /// <summary>A worker's buffers for batches of one size.</summary>
    private sealed class BatchBuffers(LinearBatch batch, int rows)
    {
        public LinearBatch Batch { get; } = batch;

        public float[] Theta { get; } = new float[batch.Models * batch.ParametersPerModel];

        public float[] Kept { get; } = new float[batch.Models * batch.ParametersPerModel];

        public float[] Gradient { get; } = new float[batch.Models * batch.ParametersPerModel];

        public float[] Outputs { get; } = new float[rows * batch.Stride];

        public float[] OutputGradient { get; } = new float[rows * batch.Stride];

        public double[] Values { get; } = new double[batch.Models];

        public bool[] Diverged { get; } = new bool[batch.Models];
    }
}
