namespace LossLab.Lab.Experiments.ClaimKit;

/// <summary>
/// Every claim LossLab tests, in the guide's order. A claim of its own type (one file in this folder) is listed by its
/// instance; the claims not yet rewritten run their single-seed experiment of <see cref="Claims"/> once per replication
/// (<see cref="SeededClaim"/>).
/// </summary>
public static class ClaimCatalog
{
    /// <summary>The claims.</summary>
    public static IReadOnlyList<IClaim> All { get; } = Build();

    /// <summary>The claim with this id, or null.</summary>
    public static IClaim? Find(string id) => All.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.OrdinalIgnoreCase));

    private static List<IClaim> Build()
    {
        IClaim[] own =
        [
            new L3Claim(), new L4Claim(), new L5Claim(), new L6Claim(), new L7Claim(), new L8Claim(), new L9Claim(), new L10Claim(), new L11Claim(), new L12Claim(), new L13Claim(),
            new O2Claim(), new O3Claim(), new O4Claim(), new O5Claim(), new O6Claim(), new O7Claim(), new O8Claim(), new O9Claim(), new O11Claim(),
        ];
        var claims = new List<IClaim>(own);
        foreach (var (id, statement, run) in Claims.All)
        {
            if (!claims.Any(c => c.Id == id))
            {
                claims.Add(new SeededClaim(id, statement, run));
            }
        }

        return [.. claims.OrderBy(c => c.Id[0]).ThenBy(c => int.Parse(c.Id[1..], System.Globalization.CultureInfo.InvariantCulture))];
    }
}

/// <summary>
/// A claim whose experiment is one seeded run of <see cref="Claims"/>: each replication runs it with a new seed, and the
/// prediction held when that run's verdict was <see cref="Verdict.Holds"/> (a caveat counts as not held, so a caveat
/// that recurs shows in the share).
/// </summary>
internal sealed class SeededClaim(string id, string statement, Func<int, ClaimResult> run) : IClaim
{
    private readonly Dictionary<int, string> _explanations = [];

    public string Id => id;

    public string Statement => statement;

    public string Prediction => "the experiment's numbers satisfy the claim as stated (its verdict on one seed is holds)";

    public bool Exact => false;

    public IReadOnlyDictionary<string, string> Units { get; } = new Dictionary<string, string>();

    public IReadOnlyList<ClaimTrial> Run(int seed, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        ClaimResult r = run(seed);
        lock (_explanations)
        {
            _explanations[seed] = r.Explanation;
        }

        return [new ClaimTrial("all", r.Verdict == Verdict.Holds, r.Evidence)];
    }

    public string Explain(ClaimSummary summary)
    {
        string first;
        lock (_explanations)
        {
            first = _explanations.Count > 0 ? _explanations[_explanations.Keys.Min()] : string.Empty;
        }

        return $"Held as stated in {summary.Scenarios[0].Held} of {summary.Replications} replications. First replication: {first}";
    }
}
