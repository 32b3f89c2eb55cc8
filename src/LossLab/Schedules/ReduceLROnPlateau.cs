using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: the hyper-parameters. Unlike every other schedule its value depends on the
/// metrics reported, so it is not a function of the step: <see cref="CreateState"/> gives the stateful
/// <see cref="PlateauState"/>, which is the <see cref="Schedule"/> an optimizer reads.
/// </summary>
/// <remarks>
/// After each report of a metric a: a is better when a &lt; best·(1 − threshold) (min, rel), a &lt; best − threshold
/// (min, abs), a &gt; best·(1 + threshold) (max, rel) or a &gt; best + threshold (max, abs); best starts at +∞ (min)
/// or −∞ (max). A better metric becomes best and clears num_bad_epochs, any other adds one; during cooldown the counter
/// counts down and num_bad_epochs is held at 0. When num_bad_epochs &gt; patience the lr becomes
/// max(lr·factor, min_lr) — only if that lowers it by more than eps — and cooldown starts (num_bad_epochs = 0).
/// So with patience p the lr first drops after p + 1 reports without improvement.
/// </remarks>
public sealed record ReduceLROnPlateau
{
    /// <summary>Creates the hyper-parameters.</summary>
    /// <param name="baseValue">The initial lr, finite and &gt;= 0.</param>
    /// <param name="mode"><c>min</c> (default: lower metrics are better, e.g. a loss) or <c>max</c> (e.g. accuracy).</param>
    /// <param name="factor">The reduction factor, in [0, 1) (default 0.1).</param>
    /// <param name="patience">The number of reports without improvement tolerated, &gt;= 0 (default 10).</param>
    /// <param name="threshold">The significance threshold, finite and &gt;= 0 (default 1e-4).</param>
    /// <param name="thresholdMode"><c>rel</c> (default) or <c>abs</c>.</param>
    /// <param name="cooldown">The reports to wait after a reduction before counting again, &gt;= 0 (default 0).</param>
    /// <param name="minLr">The floor of the lr, finite and &gt;= 0 (default 0).</param>
    /// <param name="eps">The smallest change applied, finite and &gt;= 0 (default 1e-8).</param>
    public ReduceLROnPlateau(
        double baseValue,
        string mode = "min",
        double factor = 0.1,
        int patience = 10,
        double threshold = 1e-4,
        string thresholdMode = "rel",
        int cooldown = 0,
        double minLr = 0,
        double eps = 1e-8)
    {
        BaseValue = baseValue;
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLr = minLr;
        Eps = eps;
    }

    /// <summary>The initial lr.</summary>
    public double BaseValue { get; init => field = ScheduleGuard.Base(value); }

    /// <summary><c>min</c> or <c>max</c> (<c>mode</c>).</summary>
    public string Mode { get; init => field = ScheduleGuard.OneOf(value, "mode", "min", "max"); }

    /// <summary>The reduction factor (<c>factor</c>), in [0, 1).</summary>
    public double Factor { get; init => field = ScheduleGuard.Unit(value, "factor", openHigh: true); }

    /// <summary>The number of reports without improvement tolerated (<c>patience</c>), &gt;= 0.</summary>
    public int Patience { get; init => field = ScheduleGuard.AtLeast(value, 0, "patience"); }

    /// <summary>The significance threshold (<c>threshold</c>), &gt;= 0.</summary>
    public double Threshold { get; init => field = Guard.NonNegative(value, "threshold"); }

    /// <summary><c>rel</c> or <c>abs</c> (<c>threshold_mode</c>).</summary>
    public string ThresholdMode { get; init => field = ScheduleGuard.OneOf(value, "threshold_mode", "rel", "abs"); }

    /// <summary>The reports to wait after a reduction (<c>cooldown</c>), &gt;= 0.</summary>
    public int Cooldown { get; init => field = ScheduleGuard.AtLeast(value, 0, "cooldown"); }

    /// <summary>The floor of the lr (<c>min_lr</c>), &gt;= 0.</summary>
    public double MinLr { get; init => field = Guard.NonNegative(value, "min_lr"); }

    /// <summary>The smallest change applied (<c>eps</c>), &gt;= 0.</summary>
    public double Eps { get; init => field = Guard.NonNegative(value, "eps"); }

    /// <summary>A fresh state: lr = base, best = ±∞, no bad epochs, no cooldown.</summary>
    public PlateauState CreateState() => new(this);

    /// <summary>Whether <paramref name="metric"/> improves significantly on <paramref name="best"/> (PyTorch's <c>is_better</c>).</summary>
    public bool IsBetter(double metric, double best)
        => (Mode, ThresholdMode) switch
        {
            ("min", "rel") => metric < best * (1.0 - Threshold),
            ("min", _) => metric < best - Threshold,
            (_, "rel") => metric > best * (Threshold + 1.0),
            _ => metric > best + Threshold,
        };
}
