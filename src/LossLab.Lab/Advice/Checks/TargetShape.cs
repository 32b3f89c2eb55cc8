using System.Text.RegularExpressions;

namespace LossLab.Lab.Advice.Checks;

/// <summary>What kind of number a regression target is.</summary>
public enum TargetKind
{
    /// <summary>A continuous measurement (may be negative).</summary>
    Continuous,

    /// <summary>Event counts: non-negative whole numbers, with or without zeros.</summary>
    Counts,

    /// <summary>An ordered scale of a few whole numbers (a rating 1–5, a 0–6 scale): regression with MSE/Huber, not counts.</summary>
    Ordinal,

    /// <summary>Non-negative, continuous where positive, with a large share of exact zeros (claims, rainfall, spend).</summary>
    ZeroHeavy,

    /// <summary>Strictly positive and right-skewed (incomes, prices, durations: log-normal or gamma-like).</summary>
    PositiveSkewed,
}

/// <summary>The measured shape of a regression target.</summary>
/// <param name="Kind">The kind, by the rules of <see cref="TargetShape.Analyze"/>.</param>
/// <param name="Reason">Why, with the numbers.</param>
/// <param name="ZeroShare">The share of targets equal to 0.</param>
/// <param name="Skewness">The target's moment skewness g₁.</param>
/// <param name="Mean">The mean.</param>
/// <param name="Variance">The population variance.</param>
/// <param name="Dispersion">Variance over mean (the dispersion index; 1 for Poisson counts), or null when the mean is not positive.</param>
/// <param name="Distinct">The number of distinct values.</param>
/// <param name="WholeNumbers">Whether every value is a whole number.</param>
/// <param name="NonNegative">Whether every value is ≥ 0.</param>
public sealed record TargetShapeResult(TargetKind Kind, string Reason, double ZeroShare, double Skewness, double Mean, double Variance, double? Dispersion, int Distinct, bool WholeNumbers, bool NonNegative);

/// <summary>
/// Recognises the kind of a regression target from its values and its name, in this order:
/// <list type="number">
/// <item><b>Ordinal</b>: whole numbers with at most 10 distinct values spanning at most 11 (a bounded scale), unless the
/// name says counts (<c>count</c>, <c>num</c>, <c>number</c>, <c>visits</c>, <c>claims</c>, <c>events</c>, …) or the
/// values look like counts — starting at 0 or 1, right-skewed (g₁ &gt; 0.3) with the mean in the lowest third of the
/// range — and the name does not say scale (<c>rate</c>, <c>rating</c>, <c>score</c>, <c>grade</c>, <c>level</c>, <c>quality</c>, …).</item>
/// <item><b>Counts</b>: non-negative whole numbers with zeros (and at most 1,000: amounts in whole currency units with
/// zeros are zero-heavy amounts, not counts), or with a count-like name, or small enough to be counted (median ≤ 10 and
/// maximum ≤ 100); larger whole numbers without zeros (stack loss in tenths of a percent, employment
/// totals, prices in cents) are measurements unless the name says counts (<c>--target-kind counts</c> otherwise).</item>
/// <item><b>ZeroHeavy</b>: non-negative with at least 15% exact zeros (continuous where positive).</item>
/// <item><b>PositiveSkewed</b>: every value &gt; 0, skewness g₁ &gt; 1 and Bowley's quartile skewness &gt; 0.1 (the
/// bulk is skewed, not only a few large values — an outlier alone does not make a target skewed).</item>
/// <item>Otherwise <b>Continuous</b>.</item>
/// </list>
/// </summary>
public static partial class TargetShape
{
    /// <summary>The share of exact zeros from which a continuous non-negative target is zero-heavy.</summary>
    public const double ZeroHeavyShare = 0.15;

    /// <summary>The most distinct values of an ordinal scale.</summary>
    public const int OrdinalLevels = 10;

    /// <summary>Measures the target.</summary>
    /// <param name="y">The targets.</param>
    /// <param name="name">The target column's name (hints: counts or a scale).</param>
    /// <param name="forced">A kind the user gave (<c>--target-kind</c>), or null to recognise it.</param>
    /// <returns>The shape.</returns>
    public static TargetShapeResult Analyze(ReadOnlySpan<double> y, string name, TargetKind? forced = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        int n = y.Length;
        double mean = 0;
        int zeros = 0;
        bool whole = true, nonNegative = true, positive = true;
        foreach (double v in y)
        {
            mean += v;
            zeros += v == 0 ? 1 : 0;
            whole &= v == Math.Floor(v);
            nonNegative &= v >= 0;
            positive &= v > 0;
        }

        mean /= n;
        (double skew, _, double variance) = AdviceMath.Moments(y);
        double[] sorted = y.ToArray();
        Array.Sort(sorted);
        int distinct = 1;
        for (int i = 1; i < n; i++)
        {
            distinct += sorted[i] != sorted[i - 1] ? 1 : 0;
        }

        double median = AdviceMath.Median(y);
        double min = sorted[0], max = sorted[^1];
        double? dispersion = mean > 0 ? variance / mean : null;
        double zeroShare = (double)zeros / n;
        string numbers = $"{distinct} distinct values from {AdviceMath.Number(min)} to {AdviceMath.Number(max)}, {AdviceMath.Percent(zeroShare)} zeros, skewness {AdviceMath.Number(skew)}" + (dispersion is double dd ? $", variance/mean {AdviceMath.Number(dd)}" : string.Empty);
        TargetShapeResult Make(TargetKind kind, string why) => new(kind, $"{why} ({numbers})", zeroShare, skew, mean, variance, dispersion, distinct, whole, nonNegative);

        if (forced is TargetKind given)
        {
            return Make(given, $"--target-kind {Code(given)}");
        }

        bool countName = CountName().IsMatch(name) && !AmountName().IsMatch(name), scaleName = ScaleName().IsMatch(name);
        if (whole && distinct <= OrdinalLevels && max - min <= OrdinalLevels && !countName)
        {
            bool countShaped = nonNegative && min <= 1 && skew > 0.3 && (mean - min) < (max - min) / 3;
            if (scaleName || !countShaped)
            {
                return Make(TargetKind.Ordinal, $"whole numbers on a short bounded scale{(scaleName ? $" (the name '{name}' says a rating or scale)" : string.Empty)}: an ordinal scale, not counts");
            }
        }

        if (whole && nonNegative && (countName || (zeros > 0 && max <= 1000) || (median <= 10 && max <= 100)))
        {
            string why = zeros > 0 ? "non-negative whole numbers with zeros" : countName ? $"non-negative whole numbers named '{name}'" : "small non-negative whole numbers without zeros";
            return Make(TargetKind.Counts, why + ": counts");
        }

        if (nonNegative && zeroShare >= ZeroHeavyShare)
        {
            return Make(TargetKind.ZeroHeavy, $"non-negative with {AdviceMath.Percent(zeroShare)} exact zeros (the threshold is {AdviceMath.Percent(ZeroHeavyShare)}) and a continuous positive part");
        }

        double bowley = QuartileSkewness(sorted);
        if (positive && skew > 1 && bowley > 0.1)
        {
            return Make(TargetKind.PositiveSkewed, $"strictly positive and right-skewed in the bulk too (quartile skewness {AdviceMath.Number(bowley)}), not only through a few large values");
        }

        return Make(TargetKind.Continuous, "a continuous measurement");
    }

    /// <summary>The snake_case name of a kind (<c>zero_heavy</c>), as in JSON and finding codes.</summary>
    public static string Code(TargetKind kind) => kind switch
    {
        TargetKind.ZeroHeavy => "zero_heavy",
        TargetKind.PositiveSkewed => "positive_skewed",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>Bowley's quartile skewness (Q₃ + Q₁ − 2Q₂)/(Q₃ − Q₁) of sorted values: a skewness a few outliers cannot make.</summary>
    private static double QuartileSkewness(double[] sorted)
    {
        double Q(double p)
        {
            double h = (sorted.Length - 1) * p;
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, sorted.Length - 1);
            return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
        }

        double q1 = Q(0.25), q2 = Q(0.5), q3 = Q(0.75);
        return q3 > q1 ? (q3 + q1 - (2 * q2)) / (q3 - q1) : 0;
    }

    [GeneratedRegex(@"count|(^|[^a-z])(num|number|n|visits?|claims?|events?|calls?|accidents?|arrivals?|defects?|breaks?|deaths?|births?|cases?|affairs?|trips?|days?)([^a-z]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CountName();

    [GeneratedRegex(@"amount|cost|price|value|spend|sales|revenue|income|pay|sum|total|size|weight|dollar|euro|usd|eur", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AmountName();

    [GeneratedRegex(@"rate|rating|score|scale|grade|level|quality|rank|satisf|likert|stars|opinion|attitude|pid", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ScaleName();
}
