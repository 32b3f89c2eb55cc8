using System.Globalization;
using LossLab.Numerics;

namespace LossLab.Solvers;

/// <summary>
/// A robust criterion ρ for regression, as a function of the standardised residual z = r/s (statsmodels'
/// <c>statsmodels.robust.norms</c>): the objective is Σᵢ ρ(rᵢ/s), ψ = ρ′ its influence function and
/// w(z) = ψ(z)/z the IRLS weight. Create one with <see cref="Huber"/>, <see cref="Tukey"/>, <see cref="L1"/> or
/// <see cref="Quantile"/>.
/// </summary>
/// <remarks>
/// Huber and Tukey are M-estimators fitted by IRLS with the normalised-MAD scale (<see cref="Irls"/>); their tuning
/// constants are in units of that scale. L1 and the quantile (check) loss are piecewise linear and scale-free
/// (ρ(r/s) = ρ(r)/s), and <see cref="Irls.Fit(double[,], double[], bool, RobustNorm, IrlsOptions?)"/> solves them
/// exactly instead of by IRLS.
/// </remarks>
public abstract class RobustNorm
{
    private protected RobustNorm()
    {
    }

    /// <summary>The spec name: <c>huber</c>, <c>tukey</c>, <c>l1</c> or <c>quantile</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Whether ρ is piecewise linear (L1, quantile): solved exactly, not by IRLS.</summary>
    public abstract bool IsPiecewiseLinear { get; }

    /// <summary>The criterion ρ(z).</summary>
    /// <param name="z">A standardised residual r/s.</param>
    /// <returns>ρ(z) ≥ 0 with ρ(0) = 0.</returns>
    public abstract double Rho(double z);

    /// <summary>The influence function ψ(z) = ρ′(z) (a subgradient where ρ has a kink).</summary>
    /// <param name="z">A standardised residual r/s.</param>
    /// <returns>ψ(z).</returns>
    public abstract double Psi(double z);

    /// <summary>The IRLS weight w(z) = ψ(z)/z (its limit at z = 0 where that exists).</summary>
    /// <param name="z">A standardised residual r/s.</param>
    /// <returns>w(z) ≥ 0.</returns>
    public abstract double Weight(double z);

    /// <summary>Huber's norm (statsmodels <c>HuberT</c>, MASS <c>psi.huber</c>) with threshold t in units of the scale.</summary>
    /// <param name="t">The threshold t &gt; 0 (default 1.345: 95% efficiency at the normal).</param>
    /// <returns>ρ(z) = z²/2 for |z| ≤ t, t|z| − t²/2 beyond; ψ(z) = clamp(z, −t, t); w(z) = min(1, t/|z|).</returns>
    public static HuberNorm Huber(double t = HuberNorm.DefaultT) => new(t);

    /// <summary>Tukey's biweight (statsmodels <c>TukeyBiweight</c>, MASS <c>psi.bisquare</c>) with cut-off c in units of the scale.</summary>
    /// <param name="c">The cut-off c &gt; 0 (default 4.685: 95% efficiency at the normal).</param>
    /// <returns>
    /// ρ(z) = (c²/6)(1 − (1 − (z/c)²)³) for |z| ≤ c, c²/6 beyond; ψ(z) = z(1 − (z/c)²)² inside, 0 beyond;
    /// w(z) = (1 − (z/c)²)² inside, 0 beyond.
    /// </returns>
    public static TukeyNorm Tukey(double c = TukeyNorm.DefaultC) => new(c);

    /// <summary>Least absolute deviations.</summary>
    /// <returns>ρ(z) = |z|; ψ(z) = sign z (0 at 0); w(z) = 1/max(|z|, 10⁻⁶).</returns>
    public static L1Norm L1() => new();

    /// <summary>Quantile regression's check (pinball) loss at level τ.</summary>
    /// <param name="tau">τ ∈ (0, 1); 0.5 is half the L1 loss.</param>
    /// <returns>ρ_τ(z) = z(τ − 𝟙[z &lt; 0]); ψ_τ(z) = τ for z ≥ 0, τ − 1 for z &lt; 0.</returns>
    public static QuantileNorm Quantile(double tau) => new(tau);

    /// <summary>The norm as a spec string, e.g. <c>huber:delta=1.345</c> or <c>quantile:tau=0.9</c>.</summary>
    /// <returns>The spec.</returns>
    public abstract override string ToString();

    private protected static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Huber's M-norm: ρ(z) = z²/2 if |z| ≤ t, else t|z| − t²/2; ψ(z) = z or t·sign z; w(z) = 1 or t/|z|
/// (statsmodels <c>HuberT</c>, <c>losslab</c> spec <c>huber:delta=t</c>).
/// </summary>
public sealed class HuberNorm : RobustNorm
{
    /// <summary>statsmodels' and MASS's default threshold, 1.345.</summary>
    public const double DefaultT = 1.345;

    internal HuberNorm(double t) => T = Guard.Positive(t, "delta");

    /// <summary>The threshold t (&gt; 0) in units of the scale s.</summary>
    public double T { get; }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    public override bool IsPiecewiseLinear => false;

    /// <inheritdoc/>
    public override double Rho(double z)
    {
        double a = Math.Abs(z);
        return a <= T ? 0.5 * z * z : (T * a) - (0.5 * T * T);
    }

    /// <inheritdoc/>
    public override double Psi(double z) => Math.Abs(z) <= T ? z : Math.CopySign(T, z);

    /// <inheritdoc/>
    public override double Weight(double z)
    {
        double a = Math.Abs(z);
        return a <= T ? 1.0 : T / a;
    }

    /// <inheritdoc/>
    public override string ToString() => "huber:delta=" + Format(T);
}

/// <summary>
/// Tukey's biweight (bisquare): with u = z/c, ρ(z) = (c²/6)(1 − (1 − u²)³) for |z| ≤ c and c²/6 beyond;
/// ψ(z) = z(1 − u²)² inside, 0 beyond; w(z) = (1 − u²)² inside, 0 beyond (statsmodels <c>TukeyBiweight</c>;
/// statsmodels 0.13's ρ is this minus the constant c²/6, which changes no fit).
/// </summary>
public sealed class TukeyNorm : RobustNorm
{
    /// <summary>statsmodels' and MASS's default cut-off, 4.685.</summary>
    public const double DefaultC = 4.685;

    internal TukeyNorm(double c) => C = Guard.Positive(c, "c");

    /// <summary>The cut-off c (&gt; 0) in units of the scale s.</summary>
    public double C { get; }

    /// <inheritdoc/>
    public override string Name => "tukey";

    /// <inheritdoc/>
    public override bool IsPiecewiseLinear => false;

    /// <inheritdoc/>
    public override double Rho(double z)
    {
        double k = C * C / 6.0;
        if (Math.Abs(z) > C)
        {
            return k;
        }

        double u = z / C;
        double v = 1 - (u * u);
        return k * (1 - (v * v * v));
    }

    /// <inheritdoc/>
    public override double Psi(double z)
    {
        if (Math.Abs(z) > C)
        {
            return 0;
        }

        double u = z / C;
        double v = 1 - (u * u);
        return z * v * v;
    }

    /// <inheritdoc/>
    public override double Weight(double z)
    {
        if (Math.Abs(z) > C)
        {
            return 0;
        }

        double u = z / C;
        double v = 1 - (u * u);
        return v * v;
    }

    /// <inheritdoc/>
    public override string ToString() => "tukey:c=" + Format(C);
}

/// <summary>
/// Least absolute deviations: ρ(z) = |z|, ψ(z) = sign z (0 at 0, PyTorch's convention), w(z) = 1/max(|z|, 10⁻⁶).
/// Fitted exactly (the LAD solution interpolates p observations), see <see cref="Irls"/>.
/// </summary>
public sealed class L1Norm : RobustNorm
{
    internal L1Norm()
    {
    }

    /// <inheritdoc/>
    public override string Name => "l1";

    /// <inheritdoc/>
    public override bool IsPiecewiseLinear => true;

    /// <inheritdoc/>
    public override double Rho(double z) => Math.Abs(z);

    /// <inheritdoc/>
    public override double Psi(double z) => Math.Sign(z);

    /// <inheritdoc/>
    public override double Weight(double z) => 1.0 / Math.Max(Math.Abs(z), QuantileNorm.WeightFloor);

    /// <inheritdoc/>
    public override string ToString() => "l1";
}

/// <summary>
/// The check (pinball) loss of quantile regression at level τ: ρ_τ(z) = τz for z ≥ 0 and (τ − 1)z for z &lt; 0;
/// ψ_τ(z) = τ for z ≥ 0 (ties on the τ side, scikit-learn's convention), τ − 1 below; IRLS weight
/// w(z) = ψ_τ(z)/z with |z| floored at 10⁻⁶ (statsmodels <c>QuantReg</c>'s floor). Fitted exactly, see <see cref="Irls"/>.
/// </summary>
public sealed class QuantileNorm : RobustNorm
{
    /// <summary>The floor on |z| in <see cref="Weight"/>: 10⁻⁶.</summary>
    public const double WeightFloor = 1e-6;

    internal QuantileNorm(double tau) => Tau = Guard.OpenUnit(tau, "tau");

    /// <summary>The quantile level τ ∈ (0, 1).</summary>
    public double Tau { get; }

    /// <inheritdoc/>
    public override string Name => "quantile";

    /// <inheritdoc/>
    public override bool IsPiecewiseLinear => true;

    /// <inheritdoc/>
    public override double Rho(double z) => z >= 0 ? Tau * z : (Tau - 1) * z;

    /// <inheritdoc/>
    public override double Psi(double z) => z >= 0 ? Tau : Tau - 1;

    /// <inheritdoc/>
    public override double Weight(double z) => z >= 0 ? Tau / Math.Max(z, WeightFloor) : (1 - Tau) / Math.Max(-z, WeightFloor);

    /// <inheritdoc/>
    public override string ToString() => "quantile:tau=" + Format(Tau);
}
