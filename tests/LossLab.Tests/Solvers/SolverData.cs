using System.Globalization;
using System.Runtime.CompilerServices;

namespace LossLab.Tests.Solvers;

/// <summary>
/// The classic data sets of the solver tests (copies in <c>Solvers/Data</c>, provenance in
/// /work/shared/datasets/README.md), read by a tiny CSV reader that suits these clean files (a header row, then
/// comma-separated numbers, no quoting).
/// </summary>
/// <remarks>
/// The files are looked up next to the test assembly first (<c>Solvers/Data</c> under the output folder, which the
/// csproj item <c>&lt;None Include="Solvers\Data\*.csv" CopyToOutputDirectory="PreserveNewest" /&gt;</c> provides)
/// and otherwise beside this source file (its compile-time path), so the tests run from a source checkout either way.
/// </remarks>
internal sealed class SolverData
{
    private SolverData(string name, string[] header, double[,] values)
    {
        Name = name;
        Header = header;
        Values = values;
    }

    public string Name { get; }

    public IReadOnlyList<string> Header { get; }

    public double[,] Values { get; }

    public int Rows => Values.GetLength(0);

    public static SolverData Load(string name) => Load(name, ThisFile());

    /// <summary>(X, y): the target column as y and the other columns, in file order, as X.</summary>
    public (double[,] X, double[] Y, string[] Features) Split(string target)
    {
        int t = Array.IndexOf(Header.ToArray(), target);
        Assert.True(t >= 0, $"{Name} has no column {target}");
        string[] features = Header.Where(h => h != target).ToArray();
        int[] cols = features.Select(f => Header.ToList().IndexOf(f)).ToArray();
        var x = new double[Rows, cols.Length];
        var y = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            y[i] = Values[i, t];
            for (int j = 0; j < cols.Length; j++)
            {
                x[i, j] = Values[i, cols[j]];
            }
        }

        return (x, y, features);
    }

    private static SolverData Load(string name, string sourceFile)
    {
        string file = name + ".csv";
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "Solvers", "Data", file),
            Path.Combine(Path.GetDirectoryName(sourceFile) ?? ".", "Data", file),
        ];
        string path = candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{file} not found in {string.Join(" or ", candidates)}");
        string[] lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToArray();
        string[] header = lines[0].Split(',').Select(h => h.Trim()).ToArray();
        var values = new double[lines.Length - 1, header.Length];
        for (int i = 1; i < lines.Length; i++)
        {
            string[] cells = lines[i].Split(',');
            Assert.Equal(header.Length, cells.Length);
            for (int j = 0; j < cells.Length; j++)
            {
                values[i - 1, j] = double.Parse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }

        return new SolverData(name, header, values);
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
