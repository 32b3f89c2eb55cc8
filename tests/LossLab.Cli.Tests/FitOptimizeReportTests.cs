using System.Text.Json.Nodes;
using LossLab.Functions;
using LossLab.Reports;

namespace LossLab.Cli.Tests;

/// <summary><c>fit --out DIR</c> and <c>optimize --out DIR</c> write self-contained reports with their charts.</summary>
public sealed class FitOptimizeReportTests
{
    private static string NewDirectory() => ReportFiles.NewFolder("losslab-fitopt-report");

    /// <summary>Checks the folder and returns the chart names (file names without extension) the page shows, in order.</summary>
    private static string[] CheckReport(string dir) => ReportFiles.Check(dir).Charts;

    private static void AssertSameJson(string printed, string dir)
    {
        JsonNode? expected = JsonNode.Parse(printed);
        JsonNode? written = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
        Assert.NotNull(written);
        Assert.True(JsonNode.DeepEquals(expected, written), "results.json differs from the --json document");
    }

    [Fact]
    public void Fit_out_writes_the_training_and_fit_charts_and_the_json_document()
    {
        string dir = NewDirectory();
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:seed", "--optimizer", "adam:lr=0.1", "--epochs", "60", "--json", "--out", dir);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("report:", output, StringComparison.Ordinal);
        AssertSameJson(output, dir);
        Assert.Equal(["epoch-loss", "step-loss", "learning-rate", "gradient-norm", "residuals", "fit"], CheckReport(dir));
        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.Contains("- target: y\n", summary, StringComparison.Ordinal);
        Assert.Contains("| intercept |", summary, StringComparison.Ordinal);
        Assert.Contains("| r2 |", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_closed_form_out_has_no_step_charts()
    {
        string dir = NewDirectory();
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:seed", "--solver", "closed_form", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Contains($"report: {Path.Combine(Path.GetFullPath(dir), "index.html")}", output, StringComparison.Ordinal);
        Assert.Equal(["residuals", "fit"], CheckReport(dir));
        Assert.Contains("no per-step trace", File.ReadAllText(Path.Combine(dir, "index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_out_on_several_features_plots_predicted_against_actual_and_escapes_column_names()
    {
        var rows = Enumerable.Range(0, 40).Select(i => FormattableString.Invariant($"{i % 7},{i % 5},{(2 * (i % 7)) - (i % 5) + (0.1 * (i % 3))}"));
        string csv = Path.Combine(Directory.CreateTempSubdirectory("losslab-fitopt-csv").FullName, "data.csv");
        File.WriteAllText(csv, "a<b>,\"c&d\",y<script>\n" + string.Join('\n', rows) + "\n");
        string dir = NewDirectory();
        var (code, _, error) = CliRunner.Run("fit", "--data", csv, "--target", "y<script>", "--solver", "closed_form", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Equal(["residuals", "predicted-vs-actual"], CheckReport(dir));
        string html = File.ReadAllText(Path.Combine(dir, "index.html"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("y&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("a&lt;b&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_out_on_classification_skips_the_residual_charts()
    {
        string dir = NewDirectory();
        var (code, _, error) = CliRunner.Run("fit", "--data", "builtin:iris", "--epochs", "20", "--out", dir);
        Assert.True(code == 0, error);
        Assert.Equal(["epoch-loss", "step-loss", "learning-rate", "gradient-norm"], CheckReport(dir));
        Assert.Contains("classification", File.ReadAllText(Path.Combine(dir, "index.html")), StringComparison.Ordinal);
    }

    [Fact]
    public void Optimize_out_draws_the_path_on_the_surface_and_writes_the_json_document()
    {
        string dir = NewDirectory();
        var (code, output, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "-1.5,2", "--optimizer", "adam:lr=0.05", "--steps", "300", "--json", "--out", dir);
        Assert.True(code == 0, error);
        AssertSameJson(output, dir);
        Assert.Equal(["surface", "value", "learning-rate", "gradient-norm"], CheckReport(dir));
        string summary = File.ReadAllText(Path.Combine(dir, "summary.md"));
        Assert.Contains("- function: rosenbrock: (1 − x)² + 100(y − x²)²\n", summary, StringComparison.Ordinal);
        Assert.Contains("- start: (-1.5, 2)\n", summary, StringComparison.Ordinal);
        Assert.Contains("| distance to the minimum |", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimize_report_of_a_function_not_of_two_coordinates_says_so_instead_of_a_surface()
    {
        // Every catalog function has 2 coordinates (so the CLI cannot reach this branch): use a 3-D sphere.
        Assert.All(TestFunctions.All, f => Assert.Equal(2, f.Dimension));
        var sphere = new Sphere();
        var points = new List<float[]> { new[] { 1f, -2f, 0.5f } };
        var values = new List<double> { sphere.Evaluate(points[0], []) };
        var norms = new List<double> { double.NaN };
        float[] gradient = new float[3];
        for (int k = 1; k <= 30; k++)
        {
            float[] p = (float[])points[^1].Clone();
            sphere.Evaluate(p, gradient);
            norms.Add(Math.Sqrt(gradient.Sum(g => (double)g * g)));
            for (int i = 0; i < 3; i++)
            {
                p[i] -= 0.1f * gradient[i];
            }

            points.Add(p);
            values.Add(sphere.Evaluate(p, []));
        }

        var trace = new OptimizeTrace(points, values, [.. Enumerable.Repeat(0.1, points.Count)], norms, false, null, null);
        Report report = OptimizeReport.Build("test", sphere, "sgd:lr=0.1", null, null, 30, trace);
        Assert.Equal(["value", "learning-rate", "gradient-norm"], report.ChartNames);
        string dir = NewDirectory();
        report.Write(dir, "{}\n");
        Assert.Equal(["value", "learning-rate", "gradient-norm"], CheckReport(dir));
        Assert.Contains("drawn only for functions of 2 coordinates", File.ReadAllText(Path.Combine(dir, "index.html")), StringComparison.Ordinal);
    }

    /// <summary>x² + y² + z², minimum 0 at the origin.</summary>
    private sealed record Sphere : TestFunction
    {
        public override string Name => "sphere";

        public override int Dimension => 3;

        public override string Formula => "x² + y² + z²";

        public override IReadOnlyList<double> Minimum { get; } = [0, 0, 0];

        public override double MinimumValue => 0;

        protected override double Compute(ReadOnlySpan<double> x, Span<double> gradient)
        {
            double sum = 0;
            for (int i = 0; i < x.Length; i++)
            {
                sum += x[i] * x[i];
                if (!gradient.IsEmpty)
                {
                    gradient[i] = 2 * x[i];
                }
            }

            return sum;
        }
    }
}
