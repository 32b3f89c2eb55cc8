using System.Globalization;
using LossLab.Lab.Data;
using LossLab.Losses;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O6 — RMSprop suits losses with abrupt gradient changes such as Huber's kink.
/// <para><b>Prediction:</b> RMSprop's gain over plain SGD is larger on Huber (δ = 1) than on a smooth loss (MSE): the
/// gain is log₁₀ of SGD's relative excess objective over RMSprop's, both at tuned rates with the same budget.</para>
/// <para><b>Experiment:</b> a linear model ŷ = wx + b on the guide's data (builtin:seed, n = 100, new data each
/// replication) in four scenarios: <c>guide_noise</c> (σ = 0.1, the guide's data: at the optimum almost every residual
/// is inside δ), <c>unit_noise</c> (σ = 1: residuals straddle the kink) and <c>outliers</c> (σ = 1, 10% of targets
/// shifted up by 10σ: the outliers sit on Huber's straight sides) and <c>offset_feature</c> (σ = 1, x ~ N(3, 1): w and b
/// coupled, an ill-conditioned problem where a per-coordinate step matters). For each loss (mse, huber, and log_cosh as a second
/// smooth loss) and optimizer (sgd, rmsprop), 100 full-batch steps (the guide's budget) from PyTorch's default
/// initialisation; the rate is the one of {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1} with the smallest excess from a
/// separate tuning start, then the run from the replication's start is scored. Relative excess = (mean loss over the last 10 steps − the exact minimum of the same loss on the
/// same sample) / (the same at the start), so losses of different scales compare (<see cref="LinearRuns.Optimum"/>: QR
/// for mse, IRLS with δ fixed for huber and log_cosh); 10⁻¹² is added to both before the log ratio, so runs converged
/// to float32 precision compare as equal.</para>
/// <para><b>Verdict:</b> per scenario, the share of replications with gain(huber) &gt; gain(mse);
/// <see cref="ClaimRunner"/>'s rule, so it can say does_not_hold.</para>
/// </summary>
public sealed class O6Claim : IClaim
{
    /// <summary>The learning-rate grid both optimizers are tuned on.</summary>
    public static IReadOnlyList<double> Rates { get; } = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0];

    /// <summary>Full-batch steps of every run.</summary>
    public const int Steps = 100;

    /// <summary>The excess is averaged over the last this many steps (a jittering run is not judged by the phase it stops in).</summary>
    public const int Tail = 10;

    /// <summary>Added to every relative excess before the log ratio: converged runs (float32 parameters) compare as equal.</summary>
    private const double Floor = 1e-12;

    private static readonly string[] Losses = ["mse", "huber", "log_cosh"];
    private static readonly string[] Optimizers = ["sgd", "rmsprop"];

    private static readonly (string Name, string Options, double Shift)[] Scenarios =
        [("guide_noise", "noise=0.1", 0), ("unit_noise", "noise=1", 0), ("outliers", "noise=1,outliers=0.1,outlier_scale=10", 0), ("offset_feature", "noise=1", 3)];

    /// <inheritdoc/>
    public string Id => "O6";

    /// <inheritdoc/>
    public string Statement => "RMSprop suits losses with abrupt gradient changes such as Huber's kink";

    /// <inheritdoc/>
    public string Prediction => "RMSprop's gain over plain SGD (log₁₀ of SGD's excess objective over RMSprop's, tuned rates, 100 full-batch steps) is larger on Huber than on MSE";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "gain_huber_minus_mse";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = BuildUnits();

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        var trials = new List<ClaimTrial>();
        float[] tuningStart = Experiment.DefaultInit(1, unchecked((seed * 7) + 1)), start = Experiment.DefaultInit(1, seed);
        foreach ((string name, string options, double shift) in Scenarios)
        {
            cancellation.ThrowIfCancellationRequested();
            Dataset data = Builtins.Load(string.Create(CultureInfo.InvariantCulture, $"builtin:seed:n=100,{options},seed={seed}"));
            if (shift != 0)
            {
                // x ~ N(3, 1): the same line, but w and b are now coupled (the MSE Hessian's condition number is ≈ 120).
                data = data.WithFeatures([.. data.Features.Select(v => (float)(v + shift))]);
            }

            var evidence = new Dictionary<string, double>();
            foreach (string lossSpec in Losses)
            {
                ILoss loss = LossCatalog.Create(lossSpec);
                (_, double optimum) = LinearRuns.Optimum(lossSpec, data);
                double initial = LinearRuns.Excess(loss, data, start, optimum);
                var excess = new Dictionary<string, double>();
                foreach (string optimizer in Optimizers)
                {
                    double best = Rates.MinBy(lr => LinearRuns.MeanExcess(loss, data, LinearRuns.Train(loss, Demo.WithRate(optimizer, lr), data, tuningStart, Steps, Tail), optimum));
                    excess[optimizer] = LinearRuns.MeanExcess(loss, data, LinearRuns.Train(loss, Demo.WithRate(optimizer, best), data, start, Steps, Tail), optimum) / initial;
                    evidence[$"{lossSpec}_{optimizer}_excess"] = excess[optimizer];
                    evidence[$"{lossSpec}_{optimizer}_tuned_lr"] = best;
                }

                evidence[$"{lossSpec}_rmsprop_gain"] = Math.Log10((excess["sgd"] + Floor) / (excess["rmsprop"] + Floor));
            }

            evidence["gain_huber_minus_mse"] = evidence["huber_rmsprop_gain"] - evidence["mse_rmsprop_gain"];
            evidence["gain_huber_minus_log_cosh"] = evidence["huber_rmsprop_gain"] - evidence["log_cosh_rmsprop_gain"];
            trials.Add(new ClaimTrial(name, evidence["gain_huber_minus_mse"] > 0, evidence));
        }

        return trials;
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string Part(ScenarioSummary s) => string.Create(
            CultureInfo.InvariantCulture,
            $"{s.Name}: RMSprop's gain larger on Huber than on MSE in {s.Held}/{s.Replications} (95% CI {s.Low:P0}–{s.High:P0}); mean gain (log₁₀ of SGD's excess over RMSprop's) Huber {s.Evidence["huber_rmsprop_gain"]:F2}, MSE {s.Evidence["mse_rmsprop_gain"]:F2}, log-cosh {s.Evidence["log_cosh_rmsprop_gain"]:F2}; mean relative excess Huber SGD {TextNumber.G(s.Evidence["huber_sgd_excess"], 2)} vs RMSprop {TextNumber.G(s.Evidence["huber_rmsprop_excess"], 2)}, MSE SGD {TextNumber.G(s.Evidence["mse_sgd_excess"], 2)} vs RMSprop {TextNumber.G(s.Evidence["mse_rmsprop_excess"], 2)}");
        return string.Join(". ", summary.Scenarios.Select(Part))
            + ". A gain below 0 means tuned SGD ends closer to the optimum than tuned RMSprop. Both optimizers get their best grid rate from a separate start, the same budget and the same data; the excess is measured from each loss's exact minimum on that sample.";
    }

    private static Dictionary<string, string> BuildUnits()
    {
        var units = new Dictionary<string, string>
        {
            ["gain_huber_minus_mse"] = "log₁₀ ×",
            ["gain_huber_minus_log_cosh"] = "log₁₀ ×",
        };
        foreach (string loss in Losses)
        {
            units[$"{loss}_rmsprop_gain"] = "log₁₀ ×";
            foreach (string optimizer in Optimizers)
            {
                units[$"{loss}_{optimizer}_excess"] = "share of the starting excess objective";
                units[$"{loss}_{optimizer}_tuned_lr"] = "learning rate";
            }
        }

        return units;
    }
}
