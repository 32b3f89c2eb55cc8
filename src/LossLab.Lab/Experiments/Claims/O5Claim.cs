using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O5 — Adam adapts the step per parameter, so it copes with both L1's constant and L2's vanishing gradients.
/// <para>Prediction (the guide says Adam "copes with" both, not that it is among the best): after a fixed budget at its
/// tuned rate, Adam's relative excess objective is at most <see cref="Tolerance"/> = 10⁻³ on L1 and on L2. Relative
/// excess = (mean loss at the end − mean loss of the exact optimum) / (the same at the start): the share of the starting
/// gap left. The tolerance was fixed before the runs as "three decades of the gap closed", not fitted to the results.</para>
/// <para>Ties: a relative excess below <see cref="Floor"/> = 10⁻⁶ is float32 round-off (the parameters are float32), so
/// it counts as 0; the ranks and the comparison with plain SGD reported beside the verdict use this floor.</para>
/// <para>Experiment: every replication draws the guide's sample (n = 100) and a start; two scenarios, <c>l1</c> and
/// <c>l2</c>, full batch, 50 steps. Every optimizer's learning rate is tuned over the same grid on the training rows
/// only (<see cref="Descent.TuneRate"/>). Excess objective = mean loss at the end − mean loss of the exact optimum
/// (least absolute deviations by IRLS for L1, least squares by QR for L2). Rank 1 is the smallest excess (ties share the
/// better rank; excesses below the floor tie at 0). Also reported, not judged: Adam's relative excess over plain SGD's
/// (both floored), and whether it is within a factor 10 of it.</para>
/// <para>Sensitivity: the ranking after 150 steps (every rate re-tuned for that budget) is reported beside it, not judged.</para>
/// <para>Verdict: <see cref="ClaimRunner"/>'s rule per scenario; a split names the loss where Adam does not get within the tolerance.</para>
/// </summary>
public sealed class O5Claim : IClaim
{
    private const int Steps = 50;

    private const int LongSteps = 150;

    /// <summary>The relative excess Adam must reach (three decades of the starting gap closed), stated before the runs.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>Relative excesses below this are float32 round-off: they count as 0 (ties).</summary>
    public const double Floor = 1e-6;

    private static readonly (string Name, string Optimizer, string Extra)[] Optimizers =
    [
        ("sgd", "sgd", ""),
        ("momentum", "sgd", "momentum=0.9"),
        ("adam", "adam", ""),
        ("rmsprop", "rmsprop", ""),
        ("adagrad", "adagrad", ""),
    ];

    /// <inheritdoc/>
    public string Id => "O5";

    /// <inheritdoc/>
    public string Statement => "Adam copes with both L1's constant and L2's vanishing gradients";

    /// <inheritdoc/>
    public string Prediction => "after 50 full-batch steps at its tuned rate, Adam closes all but at most 10⁻³ of the starting gap to the exact optimum's objective, on L1 and on L2";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "adam_relative_excess";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = BuildUnits();

    private static Dictionary<string, string> BuildUnits()
    {
        var units = new Dictionary<string, string>();
        foreach (var (name, _, _) in Optimizers)
        {
            units[$"{name}_excess_objective"] = "mean loss above the exact optimum's (L1: |residual|, L2: residual²)";
            units[$"{name}_relative_excess"] = "share of the starting excess left (below 10⁻⁶ counted as 0)";
            units[$"{name}_rank"] = "rank among 5 (1 = smallest relative excess; below 10⁻⁶ ties at 0)";
            units[$"{name}_lr"] = "learning rate";
        }

        units["adam_beats_sgd"] = "1 if Adam's relative excess is below plain SGD's (both floored), else 0";
        units["adam_within_10x_of_sgd"] = "1 if Adam's relative excess is at most 10× plain SGD's (both floored; a tie at 0 counts), else 0";
        units["adam_relative_excess_150_steps"] = "share of the starting excess left after 150 steps (rate re-tuned for that budget)";
        units["adam_within_tolerance_150_steps"] = "1 if Adam's relative excess after 150 steps is at most 10⁻³, else 0";
        return units;
    }

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        Dataset train = Descent.Sample(seed);
        float[] initial = Experiment.DefaultInit(1, seed);
        return [Trial("l1", "l1", train, initial), Trial("l2", "mse", train, initial)];
    }

    private static ClaimTrial Trial(string scenario, string loss, Dataset train, float[] initial)
    {
        double best = Descent.Objective(train, loss, Descent.Exact(train, loss));
        double start = Math.Max(0, Descent.Objective(train, loss, [.. initial.Select(v => (double)v)]) - best);
        var evidence = new Dictionary<string, double>();
        Dictionary<string, double> excess = Excess(train, loss, initial, best, Steps, evidence);
        Dictionary<string, double> relative = excess.ToDictionary(p => p.Key, p => Relative(p.Value, start)), ranks = Ranks(relative);
        foreach (var (name, _, _) in Optimizers)
        {
            evidence[$"{name}_excess_objective"] = excess[name];
            evidence[$"{name}_relative_excess"] = relative[name];
            evidence[$"{name}_rank"] = ranks[name];
        }

        evidence["adam_beats_sgd"] = relative["adam"] < relative["sgd"] ? 1 : 0;
        evidence["adam_within_10x_of_sgd"] = relative["adam"] <= 10 * relative["sgd"] ? 1 : 0;
        double longRelative = Relative(Excess(train, loss, initial, best, LongSteps, null)["adam"], start);
        evidence["adam_relative_excess_150_steps"] = longRelative;
        evidence["adam_within_tolerance_150_steps"] = longRelative <= Tolerance ? 1 : 0;
        return new ClaimTrial(scenario, relative["adam"] <= Tolerance, evidence);
    }

    /// <summary>Each optimizer's excess objective after <paramref name="steps"/> full-batch steps at its rate tuned for that budget.</summary>
    private static Dictionary<string, double> Excess(Dataset train, string loss, float[] initial, double best, int steps, Dictionary<string, double>? rates)
    {
        var excess = new Dictionary<string, double>();
        foreach (var (name, optimizer, extra) in Optimizers)
        {
            double lr = Descent.TuneRate(train, loss, optimizer, extra, initial, steps);
            double e = double.PositiveInfinity;
            if (double.IsFinite(lr))
            {
                TrainingRun run = Descent.Train(train, loss, Descent.Spec(optimizer, lr, extra), initial, steps);
                e = run.Diverged ? double.PositiveInfinity : Math.Max(0, Descent.Objective(train, loss, Descent.At(run, run.Steps)) - best);
            }

            excess[name] = e;
            if (rates is not null)
            {
                rates[$"{name}_lr"] = lr;
            }
        }

        return excess;
    }

    /// <summary>The share of the starting excess left; below <see cref="Floor"/> it is round-off and counts as 0.</summary>
    private static double Relative(double excess, double start)
    {
        double r = start > 0 ? excess / start : 0;
        return r < Floor ? 0 : r;
    }

    /// <summary>Rank 1 = smallest excess; ties share the better rank.</summary>
    private static Dictionary<string, double> Ranks(Dictionary<string, double> excess)
        => excess.ToDictionary(p => p.Key, p => 1.0 + excess.Values.Count(v => v < p.Value));

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string Part(ScenarioSummary s)
        {
            double M(string key) => s.Evidence.TryGetValue(key, out double v) ? v : double.NaN;
            string ranks = string.Join(", ", Optimizers.Select(o => (o.Name, Rank: M($"{o.Name}_rank"))).OrderBy(o => o.Rank).Select(o => $"{o.Name} {TextNumber.G(o.Rank, 3)} (relative excess {TextNumber.G(M($"{o.Name}_relative_excess"), 3)})"));
            return $"{s.Name}: Adam left at most {TextNumber.G(Tolerance, 1)} of the starting gap in {s.Held} of {s.Replications} replications (95% interval {s.Low:P0}–{s.High:P0}; mean relative excess {TextNumber.G(M("adam_relative_excess"), 3)}), "
                + $"below plain SGD in {M("adam_beats_sgd"):P0}, within 10× of it in {M("adam_within_10x_of_sgd"):P0}; mean rank (below {TextNumber.G(Floor, 1)} ties at 0): {ranks}. With {LongSteps} steps (rate re-tuned) Adam's mean relative excess is {TextNumber.G(M("adam_relative_excess_150_steps"), 3)}, within the tolerance in {M("adam_within_tolerance_150_steps"):P0}";
        }

        string[] failing = [.. summary.Scenarios.Where(s => !(s.Low > 0.5)).Select(s => s.Name)];
        return string.Join(". ", summary.Scenarios.Select(Part)) + $". Budget {Steps} full-batch steps, every rate tuned on the training rows; tolerance {TextNumber.G(Tolerance, 1)} of the starting gap, fixed before the runs. "
            + (failing.Length == 0 ? $"Adam gets within the tolerance on both losses." : $"Adam does not reliably get within the tolerance on: {string.Join(", ", failing)}.");
    }
}
