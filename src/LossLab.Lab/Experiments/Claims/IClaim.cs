namespace LossLab.Lab.Experiments.Claims;

/// <summary>One replication of a claim's experiment in one scenario.</summary>
/// <param name="Scenario">The condition it ran under (<c>all</c> when the claim has one).</param>
/// <param name="Held">Whether the prediction held in this replication.</param>
/// <param name="Evidence">The quantities measured (their units are in <see cref="IClaim.Units"/>).</param>
public sealed record ClaimTrial(string Scenario, bool Held, IReadOnlyDictionary<string, double> Evidence);

/// <summary>
/// A testable claim of the guide as an experiment: its statement, the prediction stated before it runs, and one
/// replication of the experiment per seed (new data, new start). <see cref="ClaimRunner"/> replicates it and turns the
/// share of replications in which the prediction held into a verdict. One claim, one type; <see cref="ClaimCatalog"/>
/// lists them.
/// </summary>
public interface IClaim
{
    /// <summary>The claim's id in the guide (L3, O2, …).</summary>
    string Id { get; }

    /// <summary>The claim in the guide's words (digest).</summary>
    string Statement { get; }

    /// <summary>What the experiment predicts, if the claim is right, stated before it runs.</summary>
    string Prediction { get; }

    /// <summary>Whether the claim is settled by an exact computation (a gradient's value, a definition) rather than by sampling: it runs once.</summary>
    bool Exact { get; }

    /// <summary>The unit of each evidence quantity (for example <c>×</c>, <c>epochs</c>, <c>parameter distance</c>).</summary>
    IReadOnlyDictionary<string, string> Units { get; }

    /// <summary>One replication: the trials of every scenario for this seed.</summary>
    /// <param name="seed">The replication's seed (data, start, shuffles).</param>
    /// <param name="cancellation">Stops early.</param>
    IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation);

    /// <summary>What the replicated numbers say, in plain language.</summary>
    string Explain(ClaimSummary summary);

    /// <summary>The evidence quantity the report draws per replication (the one the prediction reads); null for the first.</summary>
    string? ChartKey => null;
}

/// <summary>A scenario over all replications.</summary>
/// <param name="Name">The scenario.</param>
/// <param name="Replications">Replications run.</param>
/// <param name="Held">Replications in which the prediction held.</param>
/// <param name="Share">Held / replications.</param>
/// <param name="Low">Lower end of the 95% Wilson interval of the share.</param>
/// <param name="High">Upper end.</param>
/// <param name="Evidence">The mean of every evidence quantity over the replications.</param>
public sealed record ScenarioSummary(string Name, int Replications, int Held, double Share, double Low, double High, IReadOnlyDictionary<string, double> Evidence);

/// <summary>A claim over all replications.</summary>
/// <param name="Replications">Replications run (1 for an exact claim).</param>
/// <param name="Scenarios">Each scenario's support.</param>
/// <param name="Share">The share of all trials in which the prediction held (descriptive: the scenarios of one replication share its seed, and some its data, so the pooled trials are not independent; the verdict reads each scenario's own interval).</param>
/// <param name="Low">Lower end of its 95% Wilson interval (as if the trials were independent).</param>
/// <param name="High">Upper end.</param>
/// <param name="Evidence">The mean of every evidence quantity over all trials (a scenario's quantities are named after it).</param>
public sealed record ClaimSummary(int Replications, IReadOnlyList<ScenarioSummary> Scenarios, double Share, double Low, double High, IReadOnlyDictionary<string, double> Evidence)
{
    /// <summary>One scenario by name.</summary>
    public ScenarioSummary this[string scenario] => Scenarios.First(s => s.Name == scenario);
}
