using LossLab.Numerics;

namespace LossLab.Schedules;

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (Smith's 1cycle, fastai's two-phase form by default).
/// With initial = max_lr/div_factor and min = initial/final_div_factor, the lr anneals (cosine or linearly)
/// from initial up to max_lr, reached at step pct_start·total_steps − 1, then down to min at step total_steps − 1.
/// With three_phase the second phase goes back down to initial at step 2·pct_start·total_steps − 2, and a third
/// phase anneals to min at total_steps − 1.
/// The momentum (SGD's momentum or Adam's β₁, <see cref="Momentum"/>) is cycled inversely: max_momentum → base_momentum
/// → max_momentum (three phases: max → base → max → max).
/// </summary>
/// <remarks>
/// <para>Each phase p from step s to step t anneals from a to b with pct = (e − s)/(t − s):
/// cos: b + (a − b)/2·(1 + cos(π·pct)); linear: a + (b − a)·pct.</para>
/// <para>Steps at or beyond total_steps hold the last value, At(total_steps − 1) (min_lr and max_momentum).
/// PyTorch extrapolates the last phase for step total_steps (the value its scheduler computes after the last update,
/// which no update uses; negative for linear annealing) and raises an error after it.</para>
/// <para>A phase of zero length (pct_start·total_steps = 1) would divide 0 by 0, and PyTorch fails; here the step
/// in it takes the phase's end value.</para>
/// <para>The base value of the optimizer is not used: the schedule starts at max_lr/div_factor.</para>
/// </remarks>
public sealed record OneCycleLR : Schedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="maxLr">The peak learning rate, &gt; 0.</param>
    /// <param name="totalSteps">The length of the cycle in steps, &gt;= 1.</param>
    /// <param name="pctStart">The share of the cycle spent warming up, in [0, 1] (default 0.3).</param>
    /// <param name="annealStrategy"><c>cos</c> (default) or <c>linear</c>.</param>
    /// <param name="divFactor">initial = max_lr/div_factor, &gt; 0 (default 25).</param>
    /// <param name="finalDivFactor">min = initial/final_div_factor, &gt; 0 (default 1e4).</param>
    /// <param name="threePhase">Use the symmetric three-phase form of the paper (default false).</param>
    /// <param name="cycleMomentum">Cycle the momentum inversely to the lr (default true).</param>
    /// <param name="baseMomentum">The momentum at the peak lr, finite and &gt;= 0 (default 0.85).</param>
    /// <param name="maxMomentum">The momentum at the start and the end, finite and &gt;= 0 (default 0.95).</param>
    public OneCycleLR(
        double maxLr,
        int totalSteps,
        double pctStart = 0.3,
        string annealStrategy = "cos",
        double divFactor = 25,
        double finalDivFactor = 1e4,
        bool threePhase = false,
        bool cycleMomentum = true,
        double baseMomentum = 0.85,
        double maxMomentum = 0.95)
    {
        MaxLr = maxLr;
        TotalSteps = totalSteps;
        PctStart = pctStart;
        AnnealStrategy = annealStrategy;
        DivFactor = divFactor;
        FinalDivFactor = finalDivFactor;
        ThreePhase = threePhase;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
    }

    /// <summary>The peak learning rate (<c>max_lr</c>), &gt; 0.</summary>
    public double MaxLr { get; init => field = Guard.Positive(value, "max_lr"); }

    /// <summary>The length of the cycle (<c>total_steps</c>), &gt;= 1; also the length used when chaining.</summary>
    public int TotalSteps { get; init => field = ScheduleGuard.AtLeast(value, 1, "total_steps"); }

    /// <summary>The share of the cycle spent warming up (<c>pct_start</c>), in [0, 1].</summary>
    public double PctStart { get; init => field = ScheduleGuard.Unit(value, "pct_start"); }

    /// <summary><c>cos</c> or <c>linear</c> (<c>anneal_strategy</c>).</summary>
    public string AnnealStrategy { get; init => field = ScheduleGuard.OneOf(value, "anneal_strategy", "cos", "linear"); }

    /// <summary>initial = max_lr/div_factor (<c>div_factor</c>), &gt; 0.</summary>
    public double DivFactor { get; init => field = Guard.Positive(value, "div_factor"); }

    /// <summary>min = initial/final_div_factor (<c>final_div_factor</c>), &gt; 0.</summary>
    public double FinalDivFactor { get; init => field = Guard.Positive(value, "final_div_factor"); }

    /// <summary>The symmetric three-phase form (<c>three_phase</c>).</summary>
    public bool ThreePhase { get; init; }

    /// <summary>
    /// Whether the momentum is cycled (<c>cycle_momentum</c>); when false <see cref="Momentum"/> is null. The optimizer
    /// catalog refuses it, as PyTorch does, for optimizers with neither momentum nor betas (adagrad, adadelta, rprop, lbfgs).
    /// </summary>
    public bool CycleMomentum { get; init; }

    /// <summary>The momentum at the peak lr (<c>base_momentum</c>).</summary>
    public double BaseMomentum { get; init => field = Guard.NonNegative(value, "base_momentum"); }

    /// <summary>The momentum at the start and the end of the cycle (<c>max_momentum</c>).</summary>
    public double MaxMomentum { get; init => field = Guard.NonNegative(value, "max_momentum"); }

    /// <summary>The starting learning rate, max_lr/div_factor.</summary>
    public double InitialLr => MaxLr / DivFactor;

    /// <summary>The final learning rate, initial/final_div_factor.</summary>
    public double MinLr => InitialLr / FinalDivFactor;

    /// <summary>
    /// The cycled momentum (SGD's momentum or Adam's β₁) per step, to pass as the optimizer's momentum schedule;
    /// null when <see cref="CycleMomentum"/> is false.
    /// </summary>
    public Schedule? Momentum => CycleMomentum ? new OneCycleMomentum(this) : null;

    /// <inheritdoc/>
    public override double At(long step)
    {
        double initial = InitialLr;
        double min = initial / FinalDivFactor;
        return ThreePhase
            ? Value(step, initial, MaxLr, initial, min)
            : Value(step, initial, MaxLr, min, min);
    }

    /// <summary>The momentum at a step (see <see cref="Momentum"/>).</summary>
    internal double MomentumAt(long step)
        => Value(step, MaxMomentum, BaseMomentum, MaxMomentum, MaxMomentum);

    /// <summary>
    /// Walks PyTorch's phases. Two phases: a → b, then b → c. Three phases: a → b, b → c, c → d.
    /// </summary>
    private double Value(long step, double a, double b, double c, double d)
    {
        long e = Math.Min(ScheduleGuard.Step(step), TotalSteps - 1L);
        double end1 = (PctStart * TotalSteps) - 1;
        if (e <= end1)
        {
            return Anneal(a, b, e, 0, end1);
        }

        if (!ThreePhase)
        {
            return Anneal(b, c, e, end1, TotalSteps - 1);
        }

        double end2 = (2 * PctStart * TotalSteps) - 2;
        return e <= end2
            ? Anneal(b, c, e, end1, end2)
            : Anneal(c, d, e, end2, TotalSteps - 1);
    }

    private double Anneal(double start, double end, long step, double startStep, double endStep)
    {
        double pct = endStep == startStep ? 1.0 : (step - startStep) / (endStep - startStep);
        return AnnealStrategy == "linear"
            ? ((end - start) * pct) + start
            : end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1));
    }
}
