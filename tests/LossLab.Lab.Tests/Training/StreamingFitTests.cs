using System.Globalization;
using System.Text;
using LossLab.Lab.Data;
using LossLab.Lab.Training;

namespace LossLab.Lab.Tests.Training;

/// <summary><c>fit --stream</c>: least squares by a chunked QR equals the in-memory QR, in bounded memory.</summary>
public sealed class StreamingFitTests
{
    private static readonly FitSettings ClosedForm = new() { Solver = "closed_form", Validation = 0, Standardize = false };

    private static string Generated(int rows, int seed, bool missing = false)
    {
        var random = new Random(seed);
        var text = new StringBuilder("a,b,c,y\n");
        for (int i = 0; i < rows; i++)
        {
            double a = 1000 + random.NextDouble(), b = random.NextDouble() * 1e-3, c = Math.Round(random.NextDouble() * 50);
            double y = 3 - (2 * a) + (5000 * b) + (0.25 * c) + (0.1 * (random.NextDouble() - 0.5));
            string bText = missing && i % 37 == 5 ? "NA" : b.ToString("R", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"{a:R},{bText},{c:R},{y:R}\n");
        }

        return text.ToString();
    }

    private static StreamedLeastSquares Stream(string csv, int chunk, bool twoPasses = true, IReadOnlyList<string>? features = null, bool dropMissing = false)
        => StreamingFit.LeastSquares(new StringReader(csv), twoPasses ? () => new StringReader(csv) : null, "t.csv", "y", features, dropMissing, chunk, CancellationToken.None);

    private static FitResult InMemory(string csv, IReadOnlyList<string>? features = null, bool dropMissing = false)
        => Fitter.Fit(TableConverter.ToDataset(CsvLoader.Read(new StringReader(csv), "t.csv"), "y", features, TaskKind.Regression, dropMissing), ClosedForm);

    private static void AssertClose(double[] expected, double[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(Math.Abs(expected[j] - actual[j]) <= relative * Math.Max(Math.Abs(expected[j]), 1e-300), $"coefficient {j}: {actual[j]:R} vs {expected[j]:R}");
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(StreamingFit.ChunkRows)]
    public void The_streamed_fit_equals_the_in_memory_fit_and_holds_one_chunk_at_most(int chunk)
    {
        string csv = Generated(1000, 3);
        FitResult whole = InMemory(csv);
        StreamedLeastSquares streamed = Stream(csv, chunk);
        AssertClose(whole.Parameters, streamed.Coefficients, 1e-10);
        Assert.Equal(1000, streamed.Rows);
        Assert.Equal(Math.Min(chunk, 1000), streamed.MaxRowsHeld);
        Assert.Equal(2, streamed.Passes);
        foreach (string metric in new[] { "mse", "rmse", "r2", "mae", "max_error", "pinball_0.5" })
        {
            Assert.True(Math.Abs(whole.Train[metric] - streamed.Metrics[metric]) <= 1e-8 * Math.Abs(whole.Train[metric]), $"{metric}: {streamed.Metrics[metric]:R} vs {whole.Train[metric]:R}");
        }

        Assert.True(Math.Abs(streamed.Metrics["mean_bias"]) < 1e-9);
        Assert.Equal(["a", "b", "c"], streamed.FeatureNames);
        ColumnStatistics a = streamed.Columns[0];
        Assert.InRange(a.Mean, 1000.4, 1000.6);
        Assert.InRange(a.Min, 1000, a.Max);
    }

    [Fact]
    public void A_pipe_is_read_once_and_still_solved_exactly()
    {
        string csv = Generated(500, 4);
        StreamedLeastSquares streamed = Stream(csv, 64, twoPasses: false);
        Assert.Equal(1, streamed.Passes);
        Assert.False(streamed.Metrics.ContainsKey("mae"));
        AssertClose(InMemory(csv).Parameters, streamed.Coefficients, 1e-9);
    }

    /// <summary>
    /// Longley, Norris and Wampler1 agree with the in-memory QR to 1e-10; Wampler4 (a degree-5 polynomial, κ ≈ 10¹³ on
    /// the raw scale) only to what either method can resolve: both come within 10⁻⁷ of the certified 1's (the streamed
    /// fit reaches LRE 8.2, the in-memory one 7.4), so they agree to about 10⁻⁷.
    /// </summary>
    [Theory]
    [InlineData("Longley", 1e-10)]
    [InlineData("Norris", 1e-10)]
    [InlineData("Wampler1", 1e-10)]
    [InlineData("Wampler4", 1e-7)]
    public void Nist_problems_stream_to_the_in_memory_solution_and_seven_certified_digits(string name, double agreement)
    {
        NistProblem problem = NistProblem.Load(name);
        string csv = problem.Csv();
        string[] features = problem.Columns().Names;
        StreamedLeastSquares streamed = Stream(csv, 5, features: features);
        AssertClose(InMemory(csv, features).Parameters, streamed.Coefficients, agreement);
        double[] beta = [streamed.Coefficients[^1], .. streamed.Coefficients[..^1]];
        for (int j = 0; j < beta.Length; j++)
        {
            Assert.True(NistProblem.Lre(beta[j], problem.Certified[j]) >= 7, $"{name} B{j} = {beta[j]:R} vs {problem.Certified[j]:R}");
        }
    }

    [Fact]
    public void Drop_missing_drops_the_same_rows_as_in_memory()
    {
        string csv = Generated(400, 5, missing: true);
        StreamedLeastSquares streamed = Stream(csv, 16, dropMissing: true);
        Assert.Equal(11, streamed.DroppedRows);
        AssertClose(InMemory(csv, dropMissing: true).Parameters, streamed.Coefficients, 1e-10);
        var ex = Assert.Throws<DataException>(() => Stream(csv, 16));
        Assert.Contains("line 7, column 2 ('b'): missing value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_and_collinear_columns_are_errors_naming_the_cell_or_column()
    {
        var words = Assert.Throws<DataException>(() => Stream("x,y\n1,2\n2,3\nred,4\n3,5\n", 2));
        Assert.Contains("t.csv: line 4, column 1 ('x'): 'red' is not a number; --stream reads numeric columns only", words.Message, StringComparison.Ordinal);
        var collinear = Assert.Throws<DataException>(() => Stream("x,z,y\n1,2,1\n2,4,3\n3,6,2\n4,8,5\n", 2));
        Assert.Contains("rank deficient: column 'z'", collinear.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<DataException>(() => Stream("x,y\n1,2\n", 2, features: ["w"]));
        Assert.Contains("--features w: no such column in t.csv", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_is_read_twice_by_path_and_matches()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-stream").FullName, "s.csv");
        string csv = Generated(3000, 6);
        File.WriteAllText(path, csv);
        StreamedLeastSquares streamed = StreamingFit.LeastSquares(path, "y", null);
        Assert.Equal(2, streamed.Passes);
        Assert.True(streamed.MaxRowsHeld <= StreamingFit.ChunkRows);
        AssertClose(InMemory(csv).Parameters, streamed.Coefficients, 1e-10);
    }

    [Fact]
    public void A_large_design_in_memory_is_solved_by_the_chunked_qr_to_the_pivoted_qrs_solution()
    {
        int rows = 120_000, d = 17;
        Assert.True((long)rows * (d + 1) > ExactSolvers.ChunkedAbove);
        var random = new Random(8);
        double[] x = new double[rows * d], y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = 4;
            for (int j = 0; j < d; j++)
            {
                double v = (j == 3 ? 1e3 : 0) + (random.NextDouble() * Math.Pow(10, (j % 5) - 2));
                x[(i * d) + j] = v;
                s += (j + 1) * 0.01 * v;
            }

            y[i] = s + random.NextDouble();
        }

        var data = new Dataset("big", [.. Enumerable.Range(0, d).Select(j => $"x{j}")], "y", Array.ConvertAll(x, v => (float)v), Array.ConvertAll(y, v => (float)v), TaskKind.Regression)
        {
            FeaturesDouble = x, TargetsDouble = y,
        };
        double[] chunked = ExactSolvers.LeastSquaresFit(data);
        IReadOnlyList<double> pivoted = LossLab.Solvers.LeastSquares.Solve(x, rows, d, y, intercept: true).Coefficients;
        double[] expected = [.. pivoted.Skip(1), pivoted[0]];
        AssertClose(expected, chunked, 1e-10);
    }
}
