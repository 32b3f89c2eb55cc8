namespace LossLab.Lab.Advice.Checks;

/// <summary>
/// One thing a diagnostic check found, with its evidence: the advisor's decision reads findings, and a reader who asks
/// "why did it say tweedie?" follows the finding with that code.
/// </summary>
/// <param name="Check">The check that found it (<c>target_shape</c>, <c>leverage</c>, <c>variance</c>, <c>outliers</c>, <c>time_order</c>, <c>size</c>, <c>columns</c>, <c>class_balance</c>).</param>
/// <param name="Code">A stable code for what was found (for example <c>counts</c>, <c>bad_leverage</c>, <c>heteroscedastic</c>).</param>
/// <param name="Text">One sentence for people, with the numbers.</param>
/// <param name="Warning">Whether it is a warning the user should act on (also listed under <c>warnings</c>).</param>
public sealed record Finding(string Check, string Code, string Text, bool Warning = false);
