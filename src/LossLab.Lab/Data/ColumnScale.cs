using System.Globalization;

namespace LossLab.Lab.Data;

/// <summary>
/// Checks that every numeric column sits where float32 arithmetic keeps its digits. Training runs in float32, whose
/// normal range is about 1.2e-38 … 3.4e38 with 7 significant digits; below 1.2e-38 numbers are subnormal and lose
/// digits one by one (1e-40 keeps about 5, 1e-44 one), so a column that lies entirely down there cannot be fitted:
/// its squares and products are 0 and R² comes out as −1e75. Such a column is refused with the factor that rescales it.
/// </summary>
public static class ColumnScale
{
    /// <summary>The smallest positive normal float32, 2⁻¹²⁶ ≈ 1.1755e-38.</summary>
    public const float SmallestNormal = 1.17549435e-38f;

    /// <summary>
    /// Throws when a feature column or the regression target has a largest magnitude m with 0 &lt; m &lt; 2⁻¹²⁶
    /// (every nonzero value subnormal in float32). Isolated tiny values in a column of ordinary scale are harmless and pass.
    /// </summary>
    /// <exception cref="DataException">A column lies entirely in float32's subnormal range.</exception>
    public static void Check(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int columns = data.Columns;
        if (columns > 0)
        {
            var largest = new float[columns];
            ReadOnlySpan<float> x = data.Features;
            for (int i = 0; i < x.Length; i++)
            {
                int c = i % columns;
                largest[c] = Math.Max(largest[c], Math.Abs(x[i]));
            }

            for (int c = 0; c < columns; c++)
            {
                Refuse(data, $"feature column '{data.FeatureNames[c]}'", largest[c]);
            }
        }

        if (data.Task == TaskKind.Regression)
        {
            float m = 0f;
            foreach (float v in data.Targets)
            {
                m = Math.Max(m, Math.Abs(v));
            }

            Refuse(data, $"target '{data.TargetName}'", m);
        }
    }

    private static void Refuse(Dataset data, string what, float largest)
    {
        if (largest > 0f && largest < SmallestNormal)
        {
            double factor = Math.Pow(10, Math.Ceiling(-Math.Log10(largest)));
            throw new DataException(string.Create(
                CultureInfo.InvariantCulture,
                $"{data.Name}: {what}: every value is below {SmallestNormal:0.##e+0} in magnitude (largest {largest:0.##e+0}), float32's subnormal range, where numbers lose their digits and squares vanish; multiply the column by {factor:0e+0} (and divide the results back) before loading"));
        }
    }
}
