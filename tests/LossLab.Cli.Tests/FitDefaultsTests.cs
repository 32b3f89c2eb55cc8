using System.Text.Json;

namespace LossLab.Cli.Tests;

/// <summary>
/// <c>fit</c> as a new user runs it: defaults that converge to the exact solution, every row used, a warning and
/// <c>"converged": false</c> when the epoch budget runs out, exit code 3 on divergence, parameter names, a summary of
/// large parameter vectors and confusion matrices.
/// </summary>
public sealed class FitDefaultsTests
{
    // statsmodels OLS(stack.loss ~ Air.Flow + Water.Temp + Acid.Conc.) on all 21 rows (R's lm gives the same).
    private static readonly double[] StacklossOls = [0.715640, 1.295286, -0.152123, -39.919674];

    private static JsonElement Json(params string[] args)
    {
        var (code, output, error) = CliRunner.Run([.. args, "--json"]);
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static double[] Params(JsonElement root) => [.. root.GetProperty("params").EnumerateArray().Select(e => e.GetDouble())];

    [Theory]
    [InlineData("builtin:seed")]
    [InlineData("builtin:diabetes")]
    [InlineData("builtin:stackloss")]
    public void Default_gradient_fit_converges_to_least_squares_in_the_original_units(string data)
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", data, "--json");
        Assert.True(code == 0, error);
        Assert.DoesNotContain("warning", error, StringComparison.Ordinal);
        JsonElement gradient = JsonDocument.Parse(output).RootElement;
        JsonElement exact = Json("fit", "--data", data, "--solver", "closed_form");
        Assert.True(gradient.GetProperty("converged").GetBoolean());
        Assert.True(exact.GetProperty("converged").GetBoolean());
        Assert.Equal(0, gradient.GetProperty("rows").GetProperty("validation").GetInt32());
        double[] g = Params(gradient), e = Params(exact);
        double scale = e.Max(Math.Abs);
        for (int j = 0; j < e.Length; j++)
        {
            Assert.True(Math.Abs(g[j] - e[j]) <= 0.01 * Math.Max(Math.Abs(e[j]), 0.01 * scale), $"{data} param {j}: gradient {g[j]}, least squares {e[j]}");
        }

        double r2 = exact.GetProperty("train").GetProperty("r2").GetDouble();
        Assert.Equal(r2, gradient.GetProperty("train").GetProperty("r2").GetDouble(), 1e-4);
    }

    [Fact]
    public void Default_softmax_fit_on_iris_converges()
    {
        JsonElement root = Json("fit", "--data", "builtin:iris");
        Assert.True(root.GetProperty("converged").GetBoolean());
        // scikit-learn LogisticRegression(penalty=None) on the 150 rows: training accuracy 0.9867
        Assert.True(root.GetProperty("train").GetProperty("accuracy").GetDouble() >= 0.98);
        Assert.True(root.GetProperty("train").GetProperty("log_loss").GetDouble() < 0.06);
    }

    [Fact]
    public void Closed_form_with_default_options_uses_every_row_and_matches_statsmodels()
    {
        JsonElement root = Json("fit", "--data", "builtin:stackloss", "--solver", "closed_form");
        Assert.Equal(21, root.GetProperty("rows").GetProperty("train").GetInt32());
        double[] p = Params(root);
        for (int j = 0; j < 4; j++)
        {
            Assert.True(Math.Abs(p[j] - StacklossOls[j]) <= 1e-4, $"param {j}: {p[j]} vs statsmodels {StacklossOls[j]}");
        }

        Assert.Equal(["AIRFLOW", "WATERTEMP", "ACIDCONC", "intercept"], root.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Huber_delta_stays_in_target_units_when_the_target_is_standardised()
    {
        // The same huber:delta=3 minimiser with the target standardised internally (δ → δ/σ_y) and without.
        JsonElement scaled = Json("fit", "--data", "builtin:stackloss", "--loss", "huber:delta=3");
        JsonElement raw = Json("fit", "--data", "builtin:stackloss", "--loss", "huber:delta=3", "--standardize", "false", "--epochs", "3000");
        Assert.True(scaled.GetProperty("converged").GetBoolean());
        double[] a = Params(scaled), b = Params(raw);
        for (int j = 0; j < a.Length; j++)
        {
            Assert.True(Math.Abs(a[j] - b[j]) <= 2e-3 * Math.Max(1, Math.Abs(b[j])), $"param {j}: {a[j]} vs {b[j]}");
        }

        Assert.Equal(raw.GetProperty("train").GetProperty("loss").GetDouble(), scaled.GetProperty("train").GetProperty("loss").GetDouble(), 1e-3);
    }

    [Fact]
    public void An_overshooting_optimizer_is_not_taken_for_converged()
    {
        // Adam at lr 0.05 overshoots and the loss rises for ~20 epochs after epoch 12; stopping there is no convergence.
        JsonElement root = Json("fit", "--data", "builtin:seed", "--loss", "huber", "--optimizer", "adam:lr=0.05", "--epochs", "400");
        Assert.True(root.GetProperty("converged").GetBoolean());
        double[] p = Params(root);
        Assert.Equal(2.0105, p[0], 0.01);
        Assert.Equal(0.9998, p[1], 0.01);
    }

    [Fact]
    public void Running_out_of_epochs_warns_and_says_converged_false()
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:stackloss", "--optimizer", "sgd:lr=0.001", "--epochs", "3", "--json");
        Assert.Equal(0, code);
        Assert.Contains("warning: training stopped after 3 epochs without converging (tol 0.0001", error, StringComparison.Ordinal);
        Assert.Contains("raise --epochs or the learning rate", error, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.False(doc.RootElement.GetProperty("converged").GetBoolean());
        Assert.Equal(3, doc.RootElement.GetProperty("epochs").GetInt32());

        var human = CliRunner.Run("fit", "--data", "builtin:stackloss", "--optimizer", "sgd:lr=0.001", "--epochs", "3");
        Assert.Contains("3 epochs (not converged)", human.Out, StringComparison.Ordinal);

        // --tol 0: every epoch runs, no stopping rule and no warning
        var all = CliRunner.Run("fit", "--data", "builtin:seed", "--epochs", "40", "--tol", "0", "--json");
        Assert.Equal(0, all.Code);
        Assert.DoesNotContain("warning", all.Err, StringComparison.Ordinal);
        using JsonDocument allDoc = JsonDocument.Parse(all.Out);
        Assert.Equal(40, allDoc.RootElement.GetProperty("epochs").GetInt32());
    }

    [Fact]
    public void A_diverged_run_exits_3_after_writing_its_json()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-diverge").FullName, "fit.json");
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:diabetes", "--optimizer", "sgd:lr=1000", "--standardize", "false", "--json", path);
        Assert.Equal(3, code);
        Assert.Contains("diverged:", output, StringComparison.Ordinal);
        Assert.Contains("training diverged", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        Assert.True(doc.RootElement.GetProperty("diverged").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("converged").GetBoolean());
    }

    [Theory]
    [InlineData("--patience", "3", "--validation")]
    [InlineData("--tol", "-1", "--tol -1: must be a finite number >= 0")]
    [InlineData("--n-iter-no-change", "0", "--n-iter-no-change 0: must be >= 1")]
    public void Stopping_options_are_checked(string option, string value, string expected)
    {
        var (code, _, error) = CliRunner.Run("fit", "--data", "builtin:stackloss", option, value);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parameter_names_follow_the_parameter_order()
    {
        JsonElement softmax = Json("fit", "--data", "builtin:iris", "--epochs", "5");
        string[] names = [.. softmax.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(15, names.Length);
        Assert.Equal("setosa:sepal_length", names[0]);
        Assert.Equal("versicolor:sepal_length", names[4]);
        Assert.Equal(["setosa:intercept", "versicolor:intercept", "virginica:intercept"], names[12..]);

        JsonElement mlp = Json("fit", "--data", "builtin:seed", "--model", "mlp:hidden=3", "--epochs", "5");
        string[] mlpNames = [.. mlp.GetProperty("param_names").EnumerateArray().Select(e => e.GetString()!)];
        Assert.Equal(["layer1.weight[0,0]", "layer1.weight[1,0]", "layer1.weight[2,0]", "layer1.bias[0]", "layer1.bias[1]", "layer1.bias[2]",
            "layer2.weight[0,0]", "layer2.weight[0,1]", "layer2.weight[0,2]", "layer2.bias[0]"], mlpNames);
        Assert.Equal(mlpNames.Length, mlp.GetProperty("params").GetArrayLength());
    }

    [Fact]
    public void More_than_twenty_parameters_are_summarised_in_the_text_output()
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:diabetes", "--model", "mlp:hidden=8", "--epochs", "20");
        Assert.True(code == 0, error);
        string line = output.Split('\n').Single(l => l.StartsWith("params:", StringComparison.Ordinal));
        Assert.Contains("97 parameters, L2 norm ", line, StringComparison.Ordinal);
        Assert.Contains("largest |value|: ", line, StringComparison.Ordinal);
        Assert.Equal(5, line.Split("layer", StringSplitOptions.None).Length - 1);

        var small = CliRunner.Run("fit", "--data", "builtin:stackloss");
        Assert.Contains("params:    AIRFLOW 0.7156", small.Out, StringComparison.Ordinal);
        Assert.Contains("intercept -39.91", small.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_fits_report_confusion_matrices()
    {
        JsonElement root = Json("fit", "--data", "builtin:iris", "--validation", "0.2");
        JsonElement confusion = root.GetProperty("confusion_matrix");
        Assert.Equal(["setosa", "versicolor", "virginica"], confusion.GetProperty("labels").EnumerateArray().Select(e => e.GetString()));
        long[][] m = [.. confusion.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt64()).ToArray())];
        Assert.Equal(120, m.Sum(r => r.Sum()));
        Assert.Equal(root.GetProperty("train").GetProperty("accuracy").GetDouble(), (m[0][0] + m[1][1] + m[2][2]) / 120.0, 12);
        long[][] v = [.. confusion.GetProperty("validation").GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt64()).ToArray())];
        Assert.Equal(30, v.Sum(r => r.Sum()));
        Assert.Equal(root.GetProperty("validation").GetProperty("accuracy").GetDouble(), (v[0][0] + v[1][1] + v[2][2]) / 30.0, 12);

        var human = CliRunner.Run("fit", "--data", "builtin:iris");
        Assert.Contains("confusion (training rows; rows true class, columns predicted):", human.Out, StringComparison.Ordinal);
        Assert.Matches(@"  setosa\s+50\s+0\s+0", human.Out);

        JsonElement regression = Json("fit", "--data", "builtin:seed", "--epochs", "5");
        Assert.Equal(JsonValueKind.Null, regression.GetProperty("confusion_matrix").ValueKind);
    }
}
