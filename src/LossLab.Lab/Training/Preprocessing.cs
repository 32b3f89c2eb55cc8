using LossLab.Lab.Data;

namespace LossLab.Lab.Training;

/// <summary>Feature standardisation z = (x − μ)/σ, fitted on the training rows only.</summary>
/// <param name="Mean">μ per feature.</param>
/// <param name="Scale">σ per feature (1 for a constant feature).</param>
public sealed record Standardizer(double[] Mean, double[] Scale)
{
    /// <summary>Fits μ and σ (population standard deviation) on <paramref name="train"/>.</summary>
    public static Standardizer Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        int d = train.Columns, n = train.Rows;
        double[] mean = new double[d], scale = new double[d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                mean[j] += train.Features[(i * d) + j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double c = train.Features[(i * d) + j] - mean[j];
                scale[j] += c * c;
            }
        }

        for (int j = 0; j < d; j++)
        {
            double sd = Math.Sqrt(scale[j] / n);
            scale[j] = sd > 1e-12 ? sd : 1;
        }

        return new Standardizer(mean, scale);
    }

    /// <summary>The identity (no standardisation).</summary>
    public static Standardizer Identity(int features) => new(new double[features], Enumerable.Repeat(1.0, features).ToArray());

    /// <summary>A standardised copy of <paramref name="data"/>.</summary>
    public Dataset Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int d = data.Columns;
        float[] x = new float[data.Features.Length];
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < d; j++)
            {
                x[(i * d) + j] = (float)((data.Features[(i * d) + j] - Mean[j]) / Scale[j]);
            }
        }

        return data.WithFeatures(x);
    }

    /// <summary>
    /// A linear model's parameters (W row-major outputs × inputs, then b) mapped back to the original feature units:
    /// W'ₒᵢ = Wₒᵢ/σᵢ, b'ₒ = bₒ − Σᵢ Wₒᵢμᵢ/σᵢ.
    /// </summary>
    public double[] ToOriginalUnits(ReadOnlySpan<float> parameters, int outputs)
    {
        int d = Mean.Length;
        double[] result = new double[parameters.Length];
        for (int o = 0; o < outputs; o++)
        {
            double shift = 0;
            for (int i = 0; i < d; i++)
            {
                double w = parameters[(o * d) + i] / Scale[i];
                result[(o * d) + i] = w;
                shift += w * Mean[i];
            }

            result[(outputs * d) + o] = parameters[(outputs * d) + o] - shift;
        }

        return result;
    }
}

/// <summary>Seeded splits of row indices.</summary>
public static class Splits
{
    /// <summary>A shuffled train/validation split; the validation part has round(fraction·n) rows (none when that is 0).</summary>
    public static (int[] Train, int[] Validation) TrainValidation(int rows, double fraction, int seed)
    {
        if (!(fraction >= 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the validation fraction must lie in [0, 1)");
        }

        int[] order = Enumerable.Range(0, rows).ToArray();
        int validation = (int)Math.Round(fraction * rows);
        if (validation == 0)
        {
            return (order, []);
        }

        new Random(seed).Shuffle(order);
        return (order[validation..], order[..validation]);
    }

    /// <summary>K shuffled folds: fold k's indices are the validation part of split k.</summary>
    public static int[][] KFold(int rows, int folds, int seed)
    {
        if (folds < 2 || folds > rows)
        {
            throw new ArgumentOutOfRangeException(nameof(folds), folds, $"folds must lie in [2, {rows}]");
        }

        int[] order = Enumerable.Range(0, rows).ToArray();
        new Random(seed).Shuffle(order);
        return Enumerable.Range(0, folds).Select(k => order.Where((_, i) => i % folds == k).ToArray()).ToArray();
    }
}
