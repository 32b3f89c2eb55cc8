using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Experiments;

/// <summary>One data scenario of the demo and its runs.</summary>
/// <param name="Name">Scenario name.</param>
/// <param name="Data">The data reference.</param>
/// <param name="Description">What it shows.</param>
/// <param name="TrueParameters">The (w, b) the data were generated with.</param>
/// <param name="Epochs">Full-batch epochs per run.</param>
/// <param name="InitialParameters">The (w, b) every run of the scenario starts from.</param>
/// <param name="Runs">One run per loss × optimizer.</param>
/// <param name="Notes">What the numbers say, computed from them.</param>
/// <param name="Train">The training part (for plots).</param>
public sealed record DemoScenario(string Name, string Data, string Description, double[] TrueParameters, int Epochs, float[] InitialParameters, IReadOnlyList<RunSummary> Runs, IReadOnlyList<string> Notes, Dataset Train);

/// <summary>
/// The guide's worked experiment (claim O10), done fairly: x ~ N(0, 1), y = 2x + 1 + 0.1·N(0, 1), n = 100, a linear
/// model ŷ = wx + b, losses {mse, l1, huber} × optimizers {sgd, sgd + momentum, adam, rmsprop, adagrad}. Unlike the
/// guide's code, which reuses one model so that each run starts where the last one ended, every configuration gets a
/// fresh model with the same initialisation and the same train/validation split; every optimizer gets the same
/// learning-rate search (the rate with the lowest validation loss of its own loss), so none is favoured by a rate
/// chosen for another. A second scenario shifts 5% of the targets by 20σ ("luxury houses"); a third replays the
/// guide's own settings (lr 0.01, 100 epochs) to show what they reach.
/// </summary>
public static class Demo
{
    /// <summary>The losses compared.</summary>
    public static IReadOnlyList<string> Losses { get; } = ["mse", "l1", "huber"];

    /// <summary>The optimizers compared (spec without the learning rate).</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["sgd", "sgd:momentum=0.9", "adam", "rmsprop", "adagrad"];

    /// <summary>The learning rates each loss × optimizer may pick from.</summary>
    public static IReadOnlyList<double> LearningRates { get; } = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0];

    private static readonly double[] Truth = [2, 1];

    /// <summary>Runs every scenario (deterministic).</summary>
    public static IReadOnlyList<DemoScenario> Run(int seed = 7, CancellationToken cancellation = default)
    {
        return
        [
            Scenario("clean", $"builtin:seed:seed={seed}", "clean data, each loss × optimizer with its best learning rate, 300 epochs", 300, tuned: true, seed, cancellation),
            Scenario("outliers", $"builtin:seed:outliers=0.05,outlier_scale=20,seed={seed}", "5% of targets shifted up by 20σ (the guide's luxury houses), tuned learning rates, 300 epochs", 300, tuned: true, seed, cancellation),
            Scenario("guide_settings", $"builtin:seed:seed={seed}", "the guide's own settings: lr 0.01 for every optimizer, 100 epochs, full batch", 100, tuned: false, seed, cancellation),
        ];
    }

    private static DemoScenario Scenario(string name, string data, string description, int epochs, bool tuned, int seed, CancellationToken cancellation)
    {
        Dataset all = Builtins.Load(data);
        (int[] trainRows, int[] validationRows) = Splits.TrainValidation(all.Rows, 0.2, seed);
        Dataset train = all.Subset(trainRows), validation = all.Subset(validationRows);
        float[] initial = Experiment.DefaultInit(1, seed);
        var runs = new List<RunSummary>();
        foreach (string loss in Losses)
        {
            foreach (string optimizer in Optimizers)
            {
                cancellation.ThrowIfCancellationRequested();
                IEnumerable<double> rates = tuned ? LearningRates : [0.01];
                RunSummary? best = null;
                foreach (double lr in rates)
                {
                    RunSummary r = Experiment.Run(train, validation, loss, WithRate(optimizer, lr), initial, epochs, Truth);
                    if (best is null || (!r.Diverged && (best.Diverged || r.FinalValidationLoss < best.FinalValidationLoss)))
                    {
                        best = r;
                    }
                }

                runs.Add(best!);
            }
        }

        return new DemoScenario(name, data, description, Truth, epochs, initial, runs, Notes(name, runs), train);
    }

    /// <summary>Adds <c>lr=…</c> to an optimizer spec.</summary>
    public static string WithRate(string optimizer, double lr)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        string rate = "lr=" + lr.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return optimizer.Contains(':', StringComparison.Ordinal) ? $"{optimizer},{rate}" : $"{optimizer}:{rate}";
    }

    private static List<string> Notes(string scenario, List<RunSummary> runs)
    {
        var notes = new List<string>();
        double Mean(string loss) => runs.Where(r => r.Loss == loss && !r.Diverged).Select(r => r.ParameterError).DefaultIfEmpty(double.NaN).Average();
        var far = runs.Where(r => !r.Diverged && r.ParameterError > 0.05).ToList();
        switch (scenario)
        {
            case "clean":
                notes.Add(far.Count == 0
                    ? "Every run ends within 0.05 of (2, 1): on clean data all three losses and all five optimizers find the line."
                    : $"{far.Count} run(s) end more than 0.05 from (2, 1): " + string.Join("; ", far.Select(r => $"{r.Loss} + {r.Optimizer} ({TextNumber.G(r.ParameterError, 3)})")));
                break;
            case "outliers":
                notes.Add($"Mean distance from (2, 1): mse {TextNumber.G(Mean("mse"), 3)}, l1 {TextNumber.G(Mean("l1"), 3)}, huber {TextNumber.G(Mean("huber"), 3)}. "
                    + (Mean("l1") < Mean("mse") && Mean("huber") < Mean("mse")
                        ? "The outliers pull the mse line up (its intercept absorbs 5% × 2.0 ≈ 0.1); l1 and huber cap each point's pull and stay close."
                        : "Here the robust losses did not beat mse."));
                break;
            default:
                notes.Add(far.Count == 0
                    ? "With the guide's settings every run reaches (2, 1)."
                    : $"With lr 0.01 and 100 epochs, {far.Count} of {runs.Count} runs stop short of (2, 1): adaptive methods move about lr per step (≤ 1 in 100 steps) and SGD shrinks the error by only (1 − 2·lr)ⁿ. The guide's comparison of final losses mostly measures speed, not the loss; with a learning-rate search (scenario clean) they all converge.");
                break;
        }

        return notes;
    }
}
