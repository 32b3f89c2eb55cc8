using System.Globalization;
using System.Text;
using LossLab.Lab.Data;
using LossLab.Lab.Training;
using Xunit.Abstractions;

namespace LossLab.Lab.Tests.Training;

/// <summary>
/// One NIST StRD linear least-squares problem (tests/NistStrd/*.dat): the data, and the certified coefficients and
/// residual standard deviation. A small parser of NIST's layout: the lines <c>B0 … Bk estimate sd</c> after
/// "Certified Regression Statistics", the line "Standard Deviation value" after "Residual", and the rows after the last
/// "Data:" header (y first, then the predictors).
/// </summary>
internal sealed record NistProblem(string Name, double[] Certified, double CertifiedResidualSd, double[] Y, double[][] Predictors)
{
    public static readonly string[] All = ["Norris", "Pontius", "Longley", "Wampler1", "Wampler2", "Wampler3", "Wampler4"];

    /// <summary>p: the certified coefficients, the intercept included.</summary>
    public int Parameters => Certified.Length;

    /// <summary>A single predictor with more than two coefficients is a polynomial in it (Pontius, Wampler).</summary>
    public bool Polynomial => Predictors[0].Length == 1 && Parameters > 2;

    public static string Folder()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "NistStrd");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/NistStrd not found above " + AppContext.BaseDirectory);
    }

    public static NistProblem Load(string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(Folder(), name + ".dat"));
        int certified = Array.FindIndex(lines, l => l.Contains("Certified Regression Statistics", StringComparison.Ordinal));
        var beta = new List<double>();
        double? residualSd = null;
        int data = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("Data:", StringComparison.Ordinal));
        Assert.True(certified >= 0 && data > certified, $"{name}.dat: no certified block before the data");
        for (int i = certified; i < data && residualSd is null; i++)
        {
            string[] f = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3 && f[0] == $"B{beta.Count}")
            {
                beta.Add(Parse(f[1]));
            }
            else if (lines[i].TrimStart().StartsWith("Standard Deviation", StringComparison.Ordinal) && lines[i - 1].Trim() == "Residual")
            {
                residualSd = Parse(f[^1]);
            }
        }

        var y = new List<double>();
        var x = new List<double[]>();
        foreach (string line in lines.Skip(data + 1).Where(l => l.Trim().Length > 0))
        {
            double[] v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToArray();
            y.Add(v[0]);
            x.Add(v[1..]);
        }

        Assert.NotNull(residualSd);
        return new NistProblem(name, [.. beta], residualSd.Value, [.. y], [.. x]);
    }

    /// <summary>The design columns without the intercept: the predictors, or x, x², …, x^(p−1) computed in double.</summary>
    public (string[] Names, double[][] Rows) Columns()
    {
        if (!Polynomial)
        {
            return (Enumerable.Range(1, Predictors[0].Length).Select(j => $"x{j}").ToArray(), Predictors);
        }

        int degree = Parameters - 1;
        double[][] rows = Predictors.Select(p =>
        {
            var r = new double[degree];
            double power = 1;
            for (int k = 0; k < degree; k++)
            {
                power *= p[0];
                r[k] = power;
            }

            return r;
        }).ToArray();
        return (Enumerable.Range(1, degree).Select(k => $"x{k}").ToArray(), rows);
    }

    /// <summary>The problem as a CSV file's text: y, then the design columns, every value as its round-trip decimal.</summary>
    public string Csv()
    {
        (string[] names, double[][] rows) = Columns();
        var text = new StringBuilder("y," + string.Join(',', names) + "\n");
        for (int i = 0; i < Y.Length; i++)
        {
            text.Append(Y[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                .AppendJoin(',', rows[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// The log relative error of NIST's accuracy studies (McCullough 1998): LRE = −log10(|q − c|/|c|), or −log10|q| when
    /// the certified value c is 0; capped at 15 (agreement to every certified digit).
    /// </summary>
    public static double Lre(double estimate, double certified)
    {
        double error = certified == 0 ? Math.Abs(estimate) : Math.Abs(estimate - certified) / Math.Abs(certified);
        return error == 0 ? 15 : Math.Min(15, -Math.Log10(error));
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>
/// <c>fit --solver closed_form</c> (and irls / mm) read and solve in double end to end: NIST StRD's certified linear
/// regressions (Norris, Pontius, Longley, Wampler1–4) through the same path as the CLI — CSV text, <see cref="TableConverter"/>,
/// <see cref="Fitter.Fit"/> with no validation part and no standardisation — each coefficient and the residual standard
/// deviation to at least 7 correct significant digits (LRE ≥ 7). Run with
/// <c>--logger "console;verbosity=detailed"</c> to see the LRE table.
/// </summary>
public sealed class NistStrdTests(ITestOutputHelper output)
{
    private static readonly FitSettings ClosedForm = new() { Solver = "closed_form", Validation = 0, Standardize = false };

    private static Dataset Read(NistProblem problem)
    {
        RawTable table = CsvLoader.Read(new StringReader(problem.Csv()), problem.Name + ".csv");
        return TableConverter.ToDataset(table, "y", problem.Columns().Names, TaskKind.Regression);
    }

    /// <summary>The fit's coefficients intercept first (NIST's B0 … Bk order) and its residual SD √(RSS/(n − p)) from the train mse.</summary>
    private static (double[] Beta, double ResidualSd) Fit(NistProblem problem, FitSettings settings)
    {
        FitResult r = Fitter.Fit(Read(problem), settings);
        double[] beta = [r.Parameters[^1], .. r.Parameters[..^1]];
        int n = problem.Y.Length;
        return (beta, Math.Sqrt(r.Train["mse"] * n / (n - problem.Parameters)));
    }

    [Fact]
    public void Every_certified_problem_is_read_with_its_coefficients_and_data()
    {
        foreach (string name in NistProblem.All)
        {
            NistProblem p = NistProblem.Load(name);
            Assert.Equal(name switch { "Norris" => 2, "Pontius" => 3, "Longley" => 7, _ => 6 }, p.Parameters);
            Assert.Equal(name switch { "Norris" => 36, "Pontius" => 40, "Longley" => 16, _ => 21 }, p.Y.Length);
        }

        NistProblem longley = NistProblem.Load("Longley");
        Assert.Equal(1829.15146461355, longley.Certified[6]);
        Assert.Equal(304.854073561965, longley.CertifiedResidualSd);
        Assert.Equal([83.0, 234289, 2356, 1590, 107608, 1947], longley.Predictors[0]);
        Assert.Equal(3444321, NistProblem.Load("Wampler4").Y[20]);
        Assert.Equal(-0.316081871345029E-14, NistProblem.Load("Pontius").Certified[2]);
    }

    [Theory]
    [InlineData("Norris")]
    [InlineData("Pontius")]
    [InlineData("Longley")]
    [InlineData("Wampler1")]
    [InlineData("Wampler2")]
    [InlineData("Wampler3")]
    [InlineData("Wampler4")]
    public void Closed_form_reaches_seven_certified_digits(string name)
    {
        NistProblem problem = NistProblem.Load(name);
        (double[] beta, double residualSd) = Fit(problem, ClosedForm);
        double[] lre = [.. beta.Select((b, j) => NistProblem.Lre(b, problem.Certified[j])), NistProblem.Lre(residualSd, problem.CertifiedResidualSd)];
        output.WriteLine($"{name,-9} LRE B0..B{problem.Parameters - 1}: {string.Join(" ", lre[..^1].Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))}; residual SD {lre[^1]:F1} ({residualSd:R} vs {problem.CertifiedResidualSd:R})");
        for (int j = 0; j < lre.Length; j++)
        {
            Assert.True(lre[j] >= 7, $"{name}: {(j < beta.Length ? $"B{j} = {beta[j]:R} vs certified {problem.Certified[j]:R}" : $"residual SD {residualSd:R} vs {problem.CertifiedResidualSd:R}")}: LRE {lre[j]:F2} < 7");
        }
    }

    [Fact]
    public void Lre_table()
    {
        var table = new StringBuilder("problem    worst-coef-LRE  residual-SD-LRE\n");
        foreach (string name in NistProblem.All)
        {
            NistProblem problem = NistProblem.Load(name);
            (double[] beta, double residualSd) = Fit(problem, ClosedForm);
            double worst = beta.Select((b, j) => NistProblem.Lre(b, problem.Certified[j])).Min();
            table.Append(CultureInfo.InvariantCulture, $"{name,-10} {worst,14:F1}  {NistProblem.Lre(residualSd, problem.CertifiedResidualSd),15:F1}\n");
            Assert.True(worst >= 7, name);
        }

        output.WriteLine(table.ToString());
    }

    [Fact]
    public void Longley_in_float32_would_keep_only_a_few_digits_so_the_double_values_are_what_is_solved()
    {
        // The reason for the double path: rounding the parsed values to float32 first (what the solvers saw before)
        // leaves about 4–5 correct digits on Longley; the double values keep them all.
        NistProblem problem = NistProblem.Load("Longley");
        Dataset data = Read(problem);
        Assert.NotNull(data.FeaturesDouble);
        Assert.Equal(problem.Predictors.SelectMany(r => r), data.FeaturesDouble!);
        Dataset rounded = new(data.Name, data.FeatureNames, data.TargetName, data.Features, data.Targets, data.Task);
        double[] floatBeta = ExactSolvers.LeastSquaresFit(rounded);
        double[] doubleBeta = ExactSolvers.LeastSquaresFit(data);
        double worstFloat = floatBeta.Select((b, j) => NistProblem.Lre(b, problem.Certified[(j + 1) % 7])).Min();
        double worstDouble = doubleBeta.Select((b, j) => NistProblem.Lre(b, problem.Certified[(j + 1) % 7])).Min();
        output.WriteLine($"Longley worst LRE: float32 data {worstFloat:F1}, double data {worstDouble:F1}");
        Assert.True(worstFloat < 7, $"float32 LRE {worstFloat:F1}");
        Assert.True(worstDouble >= 9, $"double LRE {worstDouble:F1}");
    }

    [Fact]
    public void Exact_fit_metrics_are_computed_in_double()
    {
        // Wampler1 is an exact polynomial: in double the residuals vanish to rounding (~1e-9 on targets up to 3.4e6);
        // predictions rounded to float32 would leave residuals of order 0.1.
        NistProblem problem = NistProblem.Load("Wampler1");
        FitResult r = Fitter.Fit(Read(problem), ClosedForm);
        Assert.True(r.Train["max_error"] < 1e-6, $"max_error {r.Train["max_error"]:R}");
        Assert.True(r.Train["loss"] < 1e-12, $"loss {r.Train["loss"]:R}");
        Assert.Equal(1.0, r.Train["r2"], 1e-15);
        Assert.Equal(r.Train["mse"], r.Train["loss"]);
    }

    [Theory]
    [InlineData("irls", "huber")]
    [InlineData("irls", "tukey")]
    [InlineData("irls", "l1")]
    [InlineData("mm", null)]
    public void Robust_solvers_fit_the_double_values(string solver, string? loss)
    {
        // Norris has one-decimal data (0.1, 338.8, …) that float32 cannot hold: the fit through Fitter must be the fit of
        // the core solver on the parsed doubles, bit for bit.
        NistProblem problem = NistProblem.Load("Norris");
        Dataset data = Read(problem);
        FitResult r = Fitter.Fit(data, new FitSettings { Solver = solver, Loss = loss, Validation = 0, Standardize = false });
        double[] x = [.. problem.Predictors.Select(p => p[0])];
        IReadOnlyList<double> core = solver == "mm"
            ? LossLab.Solvers.MmEstimator.Fit(x, x.Length, 1, problem.Y, intercept: true, new LossLab.Solvers.MmOptions { Seed = 0, PsiC = 4.685061 }).Coefficients
            : LossLab.Solvers.Irls.Fit(x, x.Length, 1, problem.Y, intercept: true, loss switch
            {
                "huber" => LossLab.Solvers.RobustNorm.Huber(1.0),
                "tukey" => LossLab.Solvers.RobustNorm.Tukey(4.685),
                _ => LossLab.Solvers.RobustNorm.L1(),
            }).Coefficients;
        Assert.Equal(core[0], r.Parameters[1]);
        Assert.Equal(core[1], r.Parameters[0]);
    }
}
