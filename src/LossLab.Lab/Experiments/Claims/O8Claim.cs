using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// O8 — L1 + SGD jitters more with small batches; a lower learning rate helps.
/// <para>Prediction, two scenarios: <c>batch_size</c> — at one learning rate, the jitter of the last 20 epochs is larger
/// with batches of 4 than of 16, and larger with 16 than full batch; <c>lower_rate</c> — with batches of 4, a rate ten
/// times lower jitters less.</para>
/// <para>Experiment: every replication draws the guide's sample (n = 100), a start and the batch shuffling; L1 + plain SGD
/// on a linear model. The rate is tuned on the training rows only with batches of 16 (the middle size, 60 epochs from the
/// default start) over the same grid as the other claims (<see cref="Descent.TuneRate"/>) and then used for every batch
/// size. The jitter runs measure the stationary wandering around the optimum, so that a run still on its way (a full
/// batch takes one update per epoch, a ten times lower rate ten times longer) is not mistaken for jitter: each starts at
/// the exact L1 optimum of the sample (IRLS) and takes 200 updates; jitter is the largest range of w or b over the last
/// 100 updates, and their mean distance from the optimum is reported too.</para>
/// <para>Verdict: <see cref="ClaimRunner"/>'s rule per scenario.</para>
/// </summary>
public sealed class O8Claim : IClaim
{
    private const int Epochs = 60;

    private const int Updates = 200;

    private const int Window = 100;

    /// <inheritdoc/>
    public string Id => "O8";

    /// <inheritdoc/>
    public string Statement => "L1 + SGD jitters more with small batches; a lower learning rate helps";

    /// <inheritdoc/>
    public string Prediction => "started at the exact optimum, at the rate tuned with batches of 16, the last 100 of 200 updates jitter more with batches of 4 than of 16, and more with 16 than full batch; at batch 4 a ten times lower rate jitters less";

    /// <inheritdoc/>
    public bool Exact => false;

    /// <inheritdoc/>
    public string? ChartKey => "jitter_batch4";

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>
    {
        ["jitter_batch4"] = "parameter range over the last 100 updates",
        ["jitter_batch16"] = "parameter range over the last 100 updates",
        ["jitter_full_batch"] = "parameter range over the last 100 updates",
        ["jitter_batch4_lr_div10"] = "parameter range over the last 100 updates",
        ["distance_batch4"] = "parameter distance from the exact L1 optimum (mean of the last 100 updates)",
        ["distance_batch16"] = "parameter distance from the exact L1 optimum (mean of the last 100 updates)",
        ["distance_full_batch"] = "parameter distance from the exact L1 optimum (mean of the last 100 updates)",
        ["distance_batch4_lr_div10"] = "parameter distance from the exact L1 optimum (mean of the last 100 updates)",
        ["lr"] = "learning rate (tuned with batches of 16)",
    };

    /// <inheritdoc/>
    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        Dataset train = Descent.Sample(seed);
        float[] initial = Experiment.DefaultInit(1, seed);
        double[] optimum = Descent.Exact(train, "l1");
        double lr = Descent.TuneRate(train, "l1", "sgd", "", initial, Epochs, batch: 16, seed: seed);
        float[] atOptimum = [.. optimum.Select(v => (float)v)];
        TrainingRun Run(int batch, double rate)
        {
            int perEpoch = batch == 0 ? 1 : (train.Rows + batch - 1) / batch;
            return Descent.Train(train, "l1", Descent.Spec("sgd", rate), atOptimum, (Updates + perEpoch - 1) / perEpoch, batch, seed);
        }

        TrainingRun b4 = Run(4, lr), b16 = Run(16, lr), full = Run(0, lr), b4Low = Run(4, lr / 10);
        double j4 = Descent.StepJitter(b4, Window), j16 = Descent.StepJitter(b16, Window), jFull = Descent.StepJitter(full, Window), j4Low = Descent.StepJitter(b4Low, Window);
        var evidence = new Dictionary<string, double>
        {
            ["jitter_batch4"] = j4,
            ["jitter_batch16"] = j16,
            ["jitter_full_batch"] = jFull,
            ["jitter_batch4_lr_div10"] = j4Low,
            ["distance_batch4"] = Descent.StepDistance(b4, optimum, Window),
            ["distance_batch16"] = Descent.StepDistance(b16, optimum, Window),
            ["distance_full_batch"] = Descent.StepDistance(full, optimum, Window),
            ["distance_batch4_lr_div10"] = Descent.StepDistance(b4Low, optimum, Window),
            ["lr"] = lr,
        };
        return [new ClaimTrial("batch_size", j4 > j16 && j16 > jFull, evidence), new ClaimTrial("lower_rate", j4Low < j4, evidence)];
    }

    /// <inheritdoc/>
    public string Explain(ClaimSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ScenarioSummary size = summary["batch_size"], rate = summary["lower_rate"];
        double M(string key) => size.Evidence.TryGetValue(key, out double v) ? v : double.NaN;
        return $"Jitter fell with every larger batch (4 > 16 > full) in {size.Held} of {size.Replications} replications (95% interval {size.Low:P0}–{size.High:P0}); "
            + $"mean jitter over the last 100 updates (started at the exact optimum) at the tuned rate ({TextNumber.G(M("lr"), 3)} on average): batch 4 {TextNumber.G(M("jitter_batch4"), 3)}, batch 16 {TextNumber.G(M("jitter_batch16"), 3)}, full batch {TextNumber.G(M("jitter_full_batch"), 3)}. "
            + $"A ten times lower rate at batch 4 jittered less in {rate.Held} of {rate.Replications} (95% interval {rate.Low:P0}–{rate.High:P0}): mean {TextNumber.G(M("jitter_batch4_lr_div10"), 3)}. "
            + $"Mean distance from the exact L1 optimum: batch 4 {TextNumber.G(M("distance_batch4"), 3)}, batch 16 {TextNumber.G(M("distance_batch16"), 3)}, full {TextNumber.G(M("distance_full_batch"), 3)}, batch 4 at the lower rate {TextNumber.G(M("distance_batch4_lr_div10"), 3)}.";
    }
}
