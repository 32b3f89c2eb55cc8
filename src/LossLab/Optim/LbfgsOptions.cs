using LossLab.Numerics;

namespace LossLab.Optim;

/// <summary>
/// The hyper-parameters of <see cref="Lbfgs"/>, with the defaults and names of PyTorch's <c>torch.optim.LBFGS</c>.
/// Immutable: <c>options with { HistorySize = 10 }</c> gives a variant. Every setter validates and throws
/// <see cref="ArgumentOutOfRangeException"/> naming the parameter as PyTorch spells it.
/// </summary>
public sealed record LbfgsOptions
{
    /// <summary>The only line search PyTorch has: <c>"strong_wolfe"</c>.</summary>
    public const string StrongWolfe = "strong_wolfe";

    /// <summary>The step length multiplier <c>lr</c> (&gt; 0; default 1): the trial step of every iteration but the first.</summary>
    public double Lr { get; init => field = Guard.Positive(value, "lr"); } = 1;

    /// <summary>The most inner iterations per <see cref="Lbfgs.Step"/> (<c>max_iter</c> ≥ 1; default 20).</summary>
    public int MaxIter
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException("max_iter", value, "max_iter must be >= 1");
    } = 20;

    /// <summary>
    /// The most function evaluations per <see cref="Lbfgs.Step"/> (<c>max_eval</c> ≥ 1), or null for PyTorch's default
    /// ⌊<see cref="MaxIter"/>·5/4⌋ (see <see cref="EffectiveMaxEval"/>). Checked only after a whole iteration, so a line
    /// search can overrun it.
    /// </summary>
    public int? MaxEval
    {
        get;
        init => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException("max_eval", value, "max_eval must be >= 1");
    }

    /// <summary>The evaluation budget in force: <see cref="MaxEval"/>, or ⌊<see cref="MaxIter"/>·5/4⌋ when unset.</summary>
    public int EffectiveMaxEval => MaxEval ?? (int)(MaxIter * 5L / 4);

    /// <summary>Stop when max|g| ≤ <c>tolerance_grad</c> (≥ 0; default 1e-7, compared in float32).</summary>
    public double ToleranceGrad { get; init => field = Guard.NonNegative(value, "tolerance_grad"); } = 1e-7;

    /// <summary>
    /// Stop when the slope g·d, the step max|t·d| or the change of the loss falls below <c>tolerance_change</c>
    /// (≥ 0; default 1e-9). As in PyTorch, the strong-Wolfe line search does not see it: it always uses 1e-9.
    /// </summary>
    public double ToleranceChange { get; init => field = Guard.NonNegative(value, "tolerance_change"); } = 1e-9;

    /// <summary>The number of curvature pairs kept (<c>history_size</c> ≥ 1; default 100).</summary>
    public int HistorySize
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException("history_size", value, "history_size must be >= 1");
    } = 100;

    /// <summary>
    /// <c>line_search_fn</c>: null (default) for fixed steps of length <see cref="Lr"/> (the first one
    /// min(1, 1/‖g‖₁)·lr), or <see cref="StrongWolfe"/> for the strong-Wolfe line search with cubic interpolation.
    /// </summary>
    public string? LineSearchFn
    {
        get;
        init => field = value is null or StrongWolfe
            ? value
            : throw new ArgumentOutOfRangeException("line_search_fn", value, "line_search_fn must be null or \"strong_wolfe\"");
    }
}
