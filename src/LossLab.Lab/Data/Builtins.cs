using System.Globalization;
using LossLab.Specs;

namespace LossLab.Lab.Data;

/// <summary>A built-in data set: its default target and task, and where it comes from.</summary>
/// <param name="Name">The name after <c>builtin:</c>.</param>
/// <param name="Target">The default target column.</param>
/// <param name="Task">The task it is meant for.</param>
/// <param name="Description">Provenance and what it is good for.</param>
public sealed record BuiltinInfo(string Name, string Target, TaskKind Task, string Description);

/// <summary>
/// <c>builtin:NAME</c> data: the guide's generated example (<c>builtin:seed</c>, with options) and the real data sets
/// embedded in the assembly (see Datasets/PROVENANCE.md). Nothing is read from disk or the network.
/// </summary>
public static class Builtins
{
    /// <summary>The prefix of a built-in data reference.</summary>
    public const string Prefix = "builtin:";

    private static readonly SpecParameter[] SeedParameters =
    [
        new("n", "100", "number of rows (>= 2)"),
        new("noise", "0.1", "scale σ of the noise (>= 0)"),
        new("outliers", "0", "share of targets shifted upwards, in [0, 1)"),
        new("outlier_scale", "20", "the shift, in units of σ"),
        new("noise_dist", "gaussian", "gaussian, laplace, student_t3 or cauchy (scaled by σ)"),
        new("seed", "7", "random seed"),
    ];

    /// <summary>Every built-in data set.</summary>
    public static IReadOnlyList<BuiltinInfo> All { get; } =
    [
        new("seed", "y", TaskKind.Regression, "the guide's example: x ~ N(0,1), y = 2x + 1 + σ·noise; options n, noise, outliers, outlier_scale, noise_dist, seed"),
        new("stackloss", "STACKLOSS", TaskKind.Regression, "Brownlee (1965), 21 × 4: the classic robust-regression benchmark"),
        new("engel", "foodexp", TaskKind.Regression, "Engel (1857), 235 × 2: food expenditure vs income, for quantile regression"),
        new("longley", "TOTEMP", TaskKind.Regression, "Longley (1967), 16 × 7: ill-conditioned least squares"),
        new("diabetes", "target", TaskKind.Regression, "Efron et al. (2004), 442 × 11"),
        new("iris", "species", TaskKind.Multiclass, "Fisher (1936), 150 × 5, 3 classes"),
        new("breast_cancer", "diagnosis", TaskKind.Binary, "Wisconsin Diagnostic Breast Cancer, 569 × 31, 212/357"),
        new("wine", "cultivar", TaskKind.Multiclass, "UCI wine recognition, 178 × 14, 3 classes"),
        new("digits", "digit", TaskKind.Multiclass, "UCI optical digits, 1797 × 65 (8×8 images), 10 classes"),
        new("boxes", "box", TaskKind.Boxes, "generated box regression: 8 features → a box (x1, y1, x2, y2); options n, noise, outliers, seed"),
        new("masks", "mask", TaskKind.Segmentation, "generated segmentation: 10 features → an 8×8 mask with a small foreground; options n, foreground, seed"),
    ];

    private static readonly SpecParameter[] BoxParameters =
    [
        new("n", "500", "number of rows (>= 2)"),
        new("noise", "0.05", "noise σ on the box centre and size"),
        new("outliers", "0", "share of boxes displaced far away, in [0, 1)"),
        new("seed", "7", "random seed"),
    ];

    private static readonly SpecParameter[] MaskParameters =
    [
        new("n", "400", "number of images (>= 2)"),
        new("foreground", "0.05", "expected share of foreground pixels, in (0, 0.5]"),
        new("seed", "7", "random seed"),
    ];

    /// <summary>Whether a data reference names a built-in set.</summary>
    public static bool IsBuiltin(string data) => data.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Loads <c>builtin:NAME[:options]</c>.</summary>
    /// <param name="data">The reference.</param>
    /// <param name="target">The target column; null for the set's default.</param>
    /// <param name="features">Feature columns; null for all others.</param>
    /// <param name="task">The task; null for the set's own.</param>
    /// <exception cref="DataException">Unknown name, bad option, or unknown column.</exception>
    public static Dataset Load(string data, string? target = null, IReadOnlyList<string>? features = null, TaskKind? task = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Spec spec;
        try
        {
            spec = Spec.Parse(data[Prefix.Length..]);
        }
        catch (SpecException ex)
        {
            throw new DataException($"--data {data}: {ex.Message}", ex);
        }

        BuiltinInfo info = All.FirstOrDefault(b => b.Name == spec.Name)
            ?? throw new DataException($"--data {data}: unknown built-in data set '{spec.Name}'; accepted: {string.Join(", ", All.Select(b => Prefix + b.Name))}");
        if (spec.Name is "seed" or "boxes" or "masks" && features is { Count: > 0 })
        {
            // Generated data have fixed columns: a feature list can only name them.
            string[] known = spec.Name == "seed" ? ["x"] : [];
            string? unknown = features!.FirstOrDefault(f => !known.Contains(f));
            if (unknown is not null)
            {
                throw new DataException($"--features {unknown}: no such column in {Prefix}{spec.Name}; its features are: {(known.Length > 0 ? string.Join(", ", known) : "generated, not selectable")}");
            }
        }

        if (spec.Name == "seed")
        {
            Dataset seed = Generate(spec, data);
            return target is null || target == "y"
                ? seed
                : throw new DataException($"--target {target}: builtin:seed has columns x and y; the target is y");
        }

        if (spec.Name is "boxes" or "masks")
        {
            return spec.Name == "boxes" ? GenerateBoxes(spec, data) : GenerateMasks(spec, data);
        }

        if (spec.Arguments.Count > 0)
        {
            throw new DataException($"--data {data}: builtin:{spec.Name} takes no options");
        }

        using Stream stream = typeof(Builtins).Assembly.GetManifestResourceStream($"LossLab.Lab.Datasets.{spec.Name}.csv")
            ?? throw new InvalidOperationException($"embedded data set {spec.Name} is missing from the assembly");
        using var reader = new StreamReader(stream);
        RawTable table = CsvLoader.Read(reader, Prefix + spec.Name);
        return TableConverter.ToDataset(table, target ?? info.Target, features, task ?? info.Task);
    }

    /// <summary>The guide's data: x ~ N(0, 1), y = 2x + 1 + σ·ε, with a share of targets shifted up by outlier_scale·σ.</summary>
    private static Dataset Generate(Spec spec, string data)
    {
        SpecArguments a;
        int n, seed;
        double noise, outliers, scale;
        string distribution;
        try
        {
            a = SpecBinding.Bind("builtin:seed", SeedParameters, spec);
            n = a.WholeNumber("n");
            noise = a.Number("noise");
            outliers = a.Number("outliers");
            scale = a.Number("outlier_scale");
            distribution = a.Text("noise_dist");
            seed = a.WholeNumber("seed");
        }
        catch (SpecException ex)
        {
            throw new DataException($"--data {data}: {ex.Message}", ex);
        }

        if (n < 2 || n > 100_000_000)
        {
            throw new DataException($"--data {data}: n={n} must be between 2 and 100000000");
        }

        if (!(noise >= 0) || !(outliers >= 0 && outliers < 1) || !double.IsFinite(scale))
        {
            throw new DataException($"--data {data}: need noise >= 0, outliers in [0, 1) and a finite outlier_scale");
        }

        var random = new Random(seed);
        Func<double> draw = distribution switch
        {
            "gaussian" => () => Normal(random),
            "laplace" => () => Laplace(random),
            "student_t3" => () => StudentT3(random),
            "cauchy" => () => Math.Tan(Math.PI * (random.NextDouble() - 0.5)),
            _ => throw new DataException($"--data {data}: noise_dist={distribution} is unknown; accepted: gaussian, laplace, student_t3, cauchy"),
        };
        // The values are drawn in double and kept (xd, yd) for the exact solvers; x and y are their float32 roundings.
        float[] x = new float[n];
        float[] y = new float[n];
        double[] xd = new double[n];
        double[] yd = new double[n];
        for (int i = 0; i < n; i++)
        {
            double xi = Normal(random);
            xd[i] = xi;
            yd[i] = (2 * xi) + 1 + (noise * draw());
            x[i] = (float)xi;
            y[i] = (float)yd[i];
        }

        // The outliers ("luxury houses"): the first k of a seeded permutation, shifted upwards.
        int k = (int)Math.Round(outliers * n);
        int[] order = Enumerable.Range(0, n).ToArray();
        random.Shuffle(order);
        for (int i = 0; i < k; i++)
        {
            y[order[i]] += (float)(scale * noise);
            yd[order[i]] += scale * noise;
        }

        return new Dataset(data, ["x"], "y", x, y, TaskKind.Regression) { FeaturesDouble = xd, TargetsDouble = yd };
    }

    /// <summary>
    /// Box regression: features f ~ N(0, 1)⁸; the box centre is (5 + f₁ + ½f₂, 5 + f₃ − ½f₄), its width and height
    /// 2·exp(0.3·f₅) and 2·exp(0.3·f₆) (f₇, f₈ are noise features), each with relative noise σ; a share of the boxes
    /// is displaced by 10 units (annotation errors) to show what robust box losses do.
    /// </summary>
    private static Dataset GenerateBoxes(Spec spec, string data)
    {
        (int n, double noise, double outliers, int seed) = Bound(data, () =>
        {
            SpecArguments a = SpecBinding.Bind("builtin:boxes", BoxParameters, spec);
            return (a.WholeNumber("n"), a.Number("noise"), a.Number("outliers"), a.WholeNumber("seed"));
        });
        CheckRows(n, data);
        var random = new Random(seed);
        const int d = 8;
        float[] x = new float[n * d], y = new float[n * 4];
        for (int i = 0; i < n; i++)
        {
            double[] f = Enumerable.Range(0, d).Select(_ => Normal(random)).ToArray();
            for (int j = 0; j < d; j++)
            {
                x[(i * d) + j] = (float)f[j];
            }

            double cx = 5 + f[0] + (0.5 * f[1]) + (noise * Normal(random));
            double cy = 5 + f[2] - (0.5 * f[3]) + (noise * Normal(random));
            double w = 2 * Math.Exp((0.3 * f[4]) + (noise * Normal(random)));
            double h = 2 * Math.Exp((0.3 * f[5]) + (noise * Normal(random)));
            if (random.NextDouble() < outliers)
            {
                cx += 10;
            }

            y[4 * i] = (float)(cx - (w / 2));
            y[(4 * i) + 1] = (float)(cy - (h / 2));
            y[(4 * i) + 2] = (float)(cx + (w / 2));
            y[(4 * i) + 3] = (float)(cy + (h / 2));
        }

        return new Dataset(data, Enumerable.Range(1, d).Select(j => $"f{j}").ToArray(), "box", x, y, TaskKind.Boxes, null, 4);
    }

    /// <summary>
    /// Segmentation: features f ~ N(0, 1)¹⁰ per image; pixel p of an 8×8 mask is foreground when a fixed linear score
    /// of the features plus logistic noise is above the threshold that makes <c>foreground</c> of all pixels pass — an
    /// imbalanced foreground that per-pixel BCE tends to under-predict.
    /// </summary>
    private static Dataset GenerateMasks(Spec spec, string data)
    {
        (int n, double foreground, int seed) = Bound(data, () =>
        {
            SpecArguments a = SpecBinding.Bind("builtin:masks", MaskParameters, spec);
            return (a.WholeNumber("n"), a.Number("foreground"), a.WholeNumber("seed"));
        });
        CheckRows(n, data);
        if (!(foreground > 0 && foreground <= 0.5))
        {
            throw new DataException($"--data {data}: foreground={foreground} must lie in (0, 0.5]");
        }

        const int d = 10, pixels = 64;
        var random = new Random(seed);
        double[,] weights = new double[pixels, d];
        for (int p = 0; p < pixels; p++)
        {
            for (int j = 0; j < d; j++)
            {
                weights[p, j] = Math.Cos((p * 0.37) + (j * 1.3)) * (1 + ((p / 8) % 3 * 0.2));
            }
        }

        float[] x = new float[n * d], y = new float[n * pixels];
        double[] value = new double[n * pixels];
        for (int i = 0; i < n; i++)
        {
            double[] f = Enumerable.Range(0, d).Select(_ => Normal(random)).ToArray();
            for (int j = 0; j < d; j++)
            {
                x[(i * d) + j] = (float)f[j];
            }

            for (int p = 0; p < pixels; p++)
            {
                double score = 0;
                for (int j = 0; j < d; j++)
                {
                    score += weights[p, j] * f[j];
                }

                double u = random.NextDouble();
                value[(i * pixels) + p] = score + (Math.Log(u / (1 - u)) * 0.5);
            }
        }

        // The threshold is the quantile that makes exactly the requested share of pixels foreground.
        double[] sorted = (double[])value.Clone();
        Array.Sort(sorted);
        double threshold = sorted[(int)Math.Floor((1 - foreground) * (sorted.Length - 1))];
        for (int k = 0; k < value.Length; k++)
        {
            y[k] = value[k] > threshold ? 1 : 0;
        }

        return new Dataset(data, Enumerable.Range(1, d).Select(j => $"f{j}").ToArray(), "mask", x, y, TaskKind.Segmentation, null, pixels);
    }

    private static T Bound<T>(string data, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SpecException ex)
        {
            throw new DataException($"--data {data}: {ex.Message}", ex);
        }
    }

    private static void CheckRows(int n, string data)
    {
        if (n < 2 || n > 10_000_000)
        {
            throw new DataException($"--data {data}: n={n} must be between 2 and 10000000");
        }
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    internal static double Normal(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static double Laplace(Random random)
    {
        double u = random.NextDouble() - 0.5;
        return -Math.Sign(u) * Math.Log(1 - (2 * Math.Abs(u))) / Math.Sqrt(2);
    }

    private static double StudentT3(Random random)
    {
        double z = Normal(random);
        double chi = 0;
        for (int i = 0; i < 3; i++)
        {
            double g = Normal(random);
            chi += g * g;
        }

        return z / Math.Sqrt(chi / 3);
    }

    /// <summary>The default target of a built-in reference, for messages and defaults.</summary>
    public static string DefaultTarget(string data)
    {
        string name = data[Prefix.Length..].Split(':')[0];
        return All.FirstOrDefault(b => b.Name == name)?.Target ?? "y";
    }

    /// <summary>Formats a number for a spec string.</summary>
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Loads <c>--data</c>: a CSV path or a <c>builtin:</c> reference.</summary>
public static class DataSource
{
    /// <summary>
    /// Loads the data set. A CSV file (or a pipe, or <c>-</c> for standard input) is read on a worker thread, so that
    /// <paramref name="cancellation"/> ends the wait at once even while opening a pipe that has no writer yet or
    /// waiting for its next bytes (the worker is then abandoned; it checks the token itself every few thousand rows).
    /// </summary>
    /// <exception cref="DataException">Any problem with the data, naming the file, line and column, or the option.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static Dataset Load(string data, string? target, IReadOnlyList<string>? features = null, TaskKind? task = null, bool dropMissing = false, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Builtins.IsBuiltin(data))
        {
            return Builtins.Load(data, target, features, task);
        }

        if (target is null)
        {
            throw new DataException($"--target is required with a CSV file ({data})");
        }

        Task<Dataset> load = Task.Run(() => TableConverter.ToDataset(CsvLoader.Read(data, cancellation), target, features, task, dropMissing), CancellationToken.None);
        try
        {
            load.Wait(cancellation);
        }
        catch (AggregateException)
        {
            // Rethrown below as the original exception.
        }

        Dataset dataset = load.GetAwaiter().GetResult();
        ColumnScale.Check(dataset);
        return dataset;
    }
}
