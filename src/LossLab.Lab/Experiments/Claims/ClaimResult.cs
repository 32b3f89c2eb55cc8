namespace LossLab.Lab.Experiments;

/// <summary>What an experiment found about a claim.</summary>
public enum Verdict
{
    /// <summary>The claim holds as stated.</summary>
    Holds,

    /// <summary>It holds only in a narrower setting, which the explanation states with numbers.</summary>
    HoldsWithCaveat,

    /// <summary>The measurement contradicts it.</summary>
    DoesNotHold,
}

/// <summary>The outcome of one claim's experiment.</summary>
/// <param name="Id">The claim id in the guide (L3, O2, …).</param>
/// <param name="Claim">The claim, in the guide's words (digest).</param>
/// <param name="Verdict">The verdict, computed from the evidence.</param>
/// <param name="Evidence">The measured numbers.</param>
/// <param name="Explanation">What the numbers say, in plain language.</param>
public sealed record ClaimResult(string Id, string Claim, Verdict Verdict, IReadOnlyDictionary<string, double> Evidence, string Explanation)
{
    /// <summary>What the experiment predicted, stated before it ran.</summary>
    public string Prediction { get; init; } = string.Empty;

    /// <summary>Whether the claim is settled by an exact computation (one run) rather than by sampling.</summary>
    public bool Exact { get; init; }

    /// <summary>Replications run (new data and a new start each).</summary>
    public int Replications { get; init; } = 1;

    /// <summary>The share of trials in which the prediction held.</summary>
    public double SupportShare { get; init; } = double.NaN;

    /// <summary>Lower end of the share's 95% Wilson interval.</summary>
    public double SupportLow { get; init; } = double.NaN;

    /// <summary>Upper end.</summary>
    public double SupportHigh { get; init; } = double.NaN;

    /// <summary>Each scenario's support, when the answer depends on a condition.</summary>
    public IReadOnlyList<Claims.ScenarioSummary> Scenarios { get; init; } = [];

    /// <summary>The unit of each evidence quantity.</summary>
    public IReadOnlyDictionary<string, string> Units { get; init; } = new Dictionary<string, string>();

    /// <summary>Every trial (scenario, whether the prediction held, evidence), in replication order, for the distribution charts.</summary>
    public IReadOnlyList<Claims.ClaimTrial> Samples { get; init; } = [];

    /// <summary>The evidence quantity the report draws per replication, or null for the first one.</summary>
    public string? ChartKey { get; init; }
}
