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
/// Many small training runs (full batch, fixed epochs) spread over threads. Each configuration's result goes to a slot
/// fixed before the start and each run depends only on its own configuration, so the results are identical on any
/// number of threads. Each thread builds a run's model, loss and optimizer once and then trains without allocating.
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
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellation };
        Parallel.For(0, configs.Count, options, () => new Worker(data), (i, _, worker) =>
        {
            results[i] = worker.Train(configs[i], epochs);
            return worker;
        }, _ => { });
        return results;
    }

    /// <summary>A thread's model and buffers, reused from run to run.</summary>
    private sealed class Worker(Dataset data)
    {
        private readonly LinearModel _model = new(data.Columns, 1);
        private readonly float[] _theta = new float[data.Columns + 1];
        private readonly float[] _gradient = new float[data.Columns + 1];
        private readonly Dictionary<string, (TrainingObjective Objective, float[] Targets)> _objectives = new(StringComparer.Ordinal);
        private readonly Dictionary<string, GradientTransform> _rules = new(StringComparer.Ordinal);

        public SweepOutcome Train(SweepConfig config, int epochs)
        {
            if (!_objectives.TryGetValue(config.Loss, out var prepared))
            {
                var created = new TrainingObjective(_model, LossCatalog.Create(config.Loss), TaskKind.Regression, data.Rows);
                prepared = (created, created.EncodeTargets(data.Targets));
                _objectives[config.Loss] = prepared;
            }

            var (objective, targets) = prepared;

            if (!_rules.TryGetValue(config.Optimizer, out GradientTransform? transform))
            {
                // A rule is an immutable chain; each run gets fresh state from it below.
                transform = OptimizerCatalog.Create(config.Optimizer).Transform
                    ?? throw new ArgumentException($"{config.Optimizer}: a sweep takes first-order optimizers only", nameof(config));
                _rules[config.Optimizer] = transform;
            }

            var optimizer = new Optimizer(transform, _theta.Length);
            _model.Initialize(_theta, Init.Default, new Random(config.Seed));
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
}
