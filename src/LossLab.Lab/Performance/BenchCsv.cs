using System.Diagnostics;
using System.Globalization;
using System.Text;
using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Performance;

/// <summary>
/// CSV loading rows of the suite: a generated numeric file (rows × 10 columns: x1 … x9 standard normal with six
/// decimals, y = 0.5 + Σ_j (j/10)·x_j + N(0, 0.1²), about 95 bytes a row, like the side-by-side's pandas file), written to a
/// temporary folder and deleted after. Measures the load (<see cref="DataSource.Load"/>: parse, roles, the Dataset), the
/// load plus <c>fit --solver closed_form --validation 0</c>, the streamed least squares, and the bytes the load allocates.
/// </summary>
internal static class BenchCsv
{
    /// <summary>The suite's rows; 1,000,000 rows (200,000 when quick).</summary>
    public static IEnumerable<BenchResult> Run(bool quick, int repetitions)
    {
        int rows = quick ? 200_000 : 1_000_000;
        string tag = quick ? "200k_x10" : "1m_x10";
        string folder = Directory.CreateTempSubdirectory("losslab-bench-csv").FullName;
        try
        {
            string path = Path.Combine(folder, "big.csv");
            long bytes = Write(path, rows, seed: 1);
            string size = $"{rows:N0} × 10 CSV, {bytes / 1e6:F0} MB";
            int reps = quick ? 3 : Math.Max(3, repetitions / 3);

            double load = Median(() => DataSource.Load(path, "y"), reps) / 1000;
            yield return new BenchResult($"csv_load_{tag}", load, "s", Note: $"DataSource.Load of a {size}: Sep parse into columns, roles, float32 + double Dataset (pandas.read_csv of the same file: bench/side_by_side.py)");

            (double two, double one) = Interleaved(() => CsvLoader.Read(path), () => CsvLoader.ReadSerial(path, CancellationToken.None), Math.Max(reps, 5));
            yield return new BenchResult($"csv_read_{tag}", two / 1000, "s", Note: $"CsvLoader.Read of the {size}: the file cut at a row boundary near its middle, the halves parsed on two threads");
            yield return new BenchResult($"csv_read_1_thread_{tag}", one / 1000, "s", Note: $"the same read on one thread (timed interleaved with csv_read_{tag}; ratio {one / two:F2}×)");

            var settings = new FitSettings { Solver = "closed_form", Validation = 0 };
            double fit = Median(() => Fitter.Fit(DataSource.Load(path, "y"), settings), reps) / 1000;
            yield return new BenchResult($"csv_fit_closed_form_{tag}", fit, "s", Note: $"load + fit --solver closed_form --validation 0 (QR in double, train metrics) of the {size}");

            double stream = Median(() => StreamingFit.LeastSquares(path, "y", null), reps) / 1000;
            yield return new BenchResult($"csv_stream_closed_form_{tag}", stream, "s", Note: $"fit --stream: least squares by a chunked QR ({StreamingFit.ChunkRows:N0} rows a chunk) over the {size}, bounded memory");

            GC.Collect();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            DataSource.Load(path, "y");
            double allocated = (GC.GetTotalAllocatedBytes(precise: true) - before) / 1e6;
            double dataset = rows * 10 * 12 / 1e6;
            yield return new BenchResult($"csv_load_{tag}_allocated", allocated, "MB", Note: $"bytes allocated by one load ({allocated / dataset:F2}× the Dataset itself, {dataset:F0} MB: float32 + double per cell)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes the generated file; returns its size in bytes.</summary>
    internal static long Write(string path, int rows, int seed)
    {
        var random = new Random(seed);
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16))
        {
            writer.Write("x1,x2,x3,x4,x5,x6,x7,x8,x9,y\n");
            Span<char> buffer = stackalloc char[32];
            for (int i = 0; i < rows; i++)
            {
                double y = 0.5;
                for (int j = 1; j <= 9; j++)
                {
                    double x = Math.Round(Normal(random), 6);
                    y += j / 10.0 * x;
                    x.TryFormat(buffer, out int n, "F6", CultureInfo.InvariantCulture);
                    writer.Write(buffer[..n]);
                    writer.Write(',');
                }

                y += 0.1 * Normal(random);
                y.TryFormat(buffer, out int m, "F6", CultureInfo.InvariantCulture);
                writer.Write(buffer[..m]);
                writer.Write('\n');
            }
        }

        return new FileInfo(path).Length;
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>The median wall times in milliseconds of two actions run alternately, <paramref name="repetitions"/> times each after one warm-up run each.</summary>
    private static (double First, double Second) Interleaved(Action first, Action second, int repetitions)
    {
        first();
        second();
        double[] a = new double[repetitions], b = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            first();
            a[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            second();
            b[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(a);
        Array.Sort(b);
        return (a[repetitions / 2], b[repetitions / 2]);
    }

    /// <summary>The median wall time in milliseconds of <paramref name="repetitions"/> runs after one warm-up run.</summary>
    private static double Median(Action action, int repetitions)
    {
        action();
        double[] times = new double[repetitions];
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[repetitions / 2];
    }
}
