namespace LossLab.Lab.Experiments;

/// <summary>
/// Where "the guide" — the conversation about losses and optimizers whose claims (L1–L13, O1–O11) LossLab implements
/// and tests — is explained: one line that the demo, claims and advise outputs and their reports print.
/// </summary>
public static class Guide
{
    /// <summary>The page that explains the guide, claim by claim, relative to the repository root.</summary>
    public const string Page = "docs/GUIDE.md";

    /// <summary>The one line the outputs print.</summary>
    public const string Line = "the guide: " + Page + " (what it says, claim by claim with its id, and what LossLab found)";

    /// <summary>The report fact's value.</summary>
    public const string Fact = Page + " (what it says, claim by claim with its id, and what LossLab found)";
}
