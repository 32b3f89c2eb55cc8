using System.Globalization;
using LossLab.Lab.Data;
using Microsoft.AspNetCore.Http;

namespace LossLab.Cli.Playground;

/// <summary>
/// <c>/api/data</c>: the guide's points y = 2x + 1 + noise from the same generator as <c>builtin:seed</c>
/// (<c>builtin:seed:n=N,outliers=SHARE,seed=S</c>), with a flag per point saying whether it was shifted as an outlier.
/// </summary>
internal static class PointsData
{
    /// <summary>The most points a fit takes (the page's data, the fit socket and the trace endpoint).</summary>
    public const int MaxPoints = 10_000;

    /// <summary>The most outliers, in percent.</summary>
    public const double MaxOutlierPercent = 20;

    /// <summary>The data set for n points, a percentage of outliers and a seed.</summary>
    public static (float[] X, float[] Y, bool[] Outlier) Generate(int n, double outlierPercent, int seed)
    {
        string Spec(double share) => string.Create(CultureInfo.InvariantCulture, $"builtin:seed:n={n},outliers={share:R},seed={seed}");
        Dataset data = Builtins.Load(Spec(outlierPercent / 100));

        // The same draws without the shift tell which targets were shifted (the shift is drawn after the points).
        Dataset clean = Builtins.Load(Spec(0));
        bool[] outlier = [.. data.Targets.Select((y, i) => y != clean.Targets[i])];
        return (data.Features, data.Targets, outlier);
    }

    /// <summary>The <c>/api/data</c> document for the query <c>n</c> (default 100), <c>outliers</c> (percent, default 0) and <c>seed</c> (default 7, builtin:seed's).</summary>
    public static string Json(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        int n = Whole(query, "n", 100);
        if (n < 2 || n > MaxPoints)
        {
            throw new PlaygroundException($"n={n}: the number of points must be between 2 and {MaxPoints:N0}");
        }

        double outliers = Real(query, "outliers", 0);
        if (!(outliers >= 0 && outliers <= MaxOutlierPercent))
        {
            throw new PlaygroundException($"outliers={outliers.ToString(CultureInfo.InvariantCulture)}: give a percentage between 0 and {MaxOutlierPercent}");
        }

        int seed = Whole(query, "seed", 7);
        (float[] x, float[] y, bool[] flags) = Generate(n, outliers, seed);
        return JsonText.Text(w =>
        {
            w.WriteStartObject();
            w.Numbers("x", x.Select(v => (double)v));
            w.Numbers("y", y.Select(v => (double)v));
            w.WriteStartArray("outlier");
            foreach (bool f in flags)
            {
                w.WriteBooleanValue(f);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static int Whole(IQueryCollection query, string name, int fallback)
    {
        string? text = query[name];
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new PlaygroundException($"{name}={Short(text)}: not a whole number");
    }

    private static double Real(IQueryCollection query, string name, double fallback)
    {
        string? text = query[name];
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw new PlaygroundException($"{name}={Short(text)}: not a finite number");
    }

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
