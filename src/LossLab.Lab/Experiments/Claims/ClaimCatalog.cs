namespace LossLab.Lab.Experiments.Claims;

/// <summary>
/// Every claim LossLab tests, in the guide's order: L3–L13 and O2–O9, O11 (L1 and L2 are definitions checked by the
/// PyTorch parity tests, O1 is descriptive, O10 is <c>losslab demo</c>). Each claim is one type in this folder; a new
/// claim is one new file and one entry here.
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
        return [.. claims.OrderBy(c => c.Id[0]).ThenBy(c => int.Parse(c.Id[1..], System.Globalization.CultureInfo.InvariantCulture))];
    }
}
