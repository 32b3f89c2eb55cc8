using System.Globalization;
using System.Text;
using System.Text.Json;
using LossLab.Solvers;

namespace LossLab.Cli.Tests;

/// <summary>
/// <c>fit --solver closed_form|irls|mm</c> read the file in double and print every parameter as the shortest decimal
/// that round-trips the double: NIST StRD's Wampler4 (tests/NistStrd) to 7 certified digits, and the robust goldens
/// (tests/LossLab.Tests/Goldens) on data with decimals that float32 cannot hold, to 10⁻¹⁰ and better.
/// </summary>
public sealed class FitExactPrecisionTests
{
    private static string Tests()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "NistStrd");
            if (Directory.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new DirectoryNotFoundException("tests/NistStrd not found above " + AppContext.BaseDirectory);
    }

    private static double[] Params(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.GetProperty("params").EnumerateArray().Select(e => e.GetDouble())];
    }

    private static JsonElement GoldenCase(string file, string id)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Tests(), "LossLab.Tests", "Goldens", file)));
        return doc.RootElement.GetProperty("cases").EnumerateArray().First(c => c.GetProperty("id").GetString() == id).Clone();
    }

    private static double RelativeError(double a, double b) => Math.Abs(a - b) / Math.Abs(b);

    [Fact]
    public void Closed_form_json_reaches_the_NIST_Wampler4_certified_values()
    {
        // Wampler4.dat's data block: y x, x = 0 … 20; the model is the quintic B0 + B1·x + … + B5·x⁵, every Bk certified 1.
        string[] lines = File.ReadAllLines(Path.Combine(Tests(), "NistStrd", "Wampler4.dat"));
        int data = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("Data:", StringComparison.Ordinal));
        var csv = new StringBuilder("y,x1,x2,x3,x4,x5\n");
        var x = new List<double>();
        var y = new List<double>();
        foreach (string line in lines.Skip(data + 1).Where(l => l.Trim().Length > 0))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            double xi = double.Parse(f[1], CultureInfo.InvariantCulture);
            double[] powers = [xi, xi * xi, xi * xi * xi, xi * xi * xi * xi, xi * xi * xi * xi * xi];
            x.AddRange(powers);
            y.Add(double.Parse(f[0], CultureInfo.InvariantCulture));
            csv.Append(f[0]).Append(',').AppendJoin(',', powers.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-nist").FullName, "wampler4.csv");
        File.WriteAllText(path, csv.ToString());
        var (code, output, error) = CliRunner.Run(
            "fit", "--data", path, "--target", "y", "--features", "x1,x2,x3,x4,x5", "--solver", "closed_form", "--validation", "0", "--standardize", "false", "--json");
        Assert.True(code == 0, error);
        double[] p = Params(output);
        Assert.Equal(6, p.Length);
        foreach (double b in p)
        {
            double lre = -Math.Log10(Math.Abs(b - 1));
            Assert.True(lre >= 7, $"{b:R}: LRE {lre:F2} < 7 against the certified 1");
        }

        // The JSON holds the solver's doubles exactly (round-trip printing), not a float32 or 6-digit rounding of them.
        IReadOnlyList<double> direct = LeastSquares.Solve([.. x], y.Count, 5, [.. y], intercept: true).Coefficients;
        Assert.Equal([.. direct.Skip(1), direct[0]], p);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Irls_quantile_regression_on_engel_matches_the_exact_golden_to_twelve_digits(double tau)
    {
        // Engel's income has six decimals (e.g. 420.157651): float32 would move the interpolated rows by ~10⁻⁸ relative.
        JsonElement golden = GoldenCase("solvers.json", $"quantreg-engel-{tau.ToString(CultureInfo.InvariantCulture)}");
        double[] exact = [.. golden.GetProperty("exact_params").EnumerateArray().Select(e => e.GetDouble())];
        var (code, output, error) = CliRunner.Run(
            "fit", "--data", "builtin:engel", "--solver", "irls", "--loss", $"quantile:tau={tau.ToString(CultureInfo.InvariantCulture)}", "--validation", "0", "--json");
        Assert.True(code == 0, error);
        double[] p = Params(output);
        Assert.True(RelativeError(p[1], exact[0]) < 1e-12, $"intercept {p[1]:R} vs {exact[0]:R}");
        Assert.True(RelativeError(p[0], exact[1]) < 1e-12, $"slope {p[0]:R} vs {exact[1]:R}");
    }

    [Fact]
    public void Mm_on_the_CYG_stars_matches_lmrob_to_ten_digits()
    {
        // R robustbase 0.95 lmrob(log.light ~ log.Te, starsCYG) (tests/LossLab.Tests/Goldens/mm.json): two-decimal data.
        JsonElement golden = GoldenCase("mm.json", "mm-starsCYG");
        double[] lmrob = [.. golden.GetProperty("coefficients").EnumerateArray().Select(e => e.GetDouble())];
        string data = Path.Combine(Tests(), "LossLab.Tests", "Solvers", "Data", "starsCYG.csv");
        var (code, output, error) = CliRunner.Run("fit", "--data", data, "--target", "log.light", "--solver", "mm", "--validation", "0", "--json");
        Assert.True(code == 0, error);
        double[] p = Params(output);
        Assert.True(RelativeError(p[1], lmrob[0]) < 1e-10, $"intercept {p[1]:R} vs lmrob {lmrob[0]:R}");
        Assert.True(RelativeError(p[0], lmrob[1]) < 1e-10, $"slope {p[0]:R} vs lmrob {lmrob[1]:R}");
        using JsonDocument doc = JsonDocument.Parse(output);
        double scale = doc.RootElement.GetProperty("robust").GetProperty("scale").GetDouble();
        Assert.True(RelativeError(scale, golden.GetProperty("scale").GetDouble()) < 1e-10, $"scale {scale:R}");
    }
}
