using System.Text.Json;

namespace LossLab.Cli.Tests;

public sealed class FitCommandTests
{
    private static string Csv(string text)
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-fitcli").FullName, "data.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Fit_on_builtin_seed_reports_params_and_metrics_in_json()
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:seed", "--model", "linear", "--loss", "huber", "--optimizer", "adam:lr=0.05", "--epochs", "300", "--validation", "0.2", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        foreach (string key in new[] { "model", "loss", "optimizer", "epochs", "params", "train", "validation", "diverged", "divergence_reason" })
        {
            Assert.True(root.TryGetProperty(key, out _), key);
        }

        double[] p = root.GetProperty("params").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(2.0, p[0], 1);
        Assert.Equal(1.0, p[1], 1);
        Assert.True(root.GetProperty("validation").GetProperty("mae").GetDouble() < 0.2);
        Assert.False(root.GetProperty("diverged").GetBoolean());
    }

    [Fact]
    public void Closed_form_and_irls_solve_stackloss()
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "irls", "--loss", "l1", "--validation", "0", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        double[] p = doc.RootElement.GetProperty("params").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(0.832, p[0], 2);
        Assert.Equal(0.574, p[1], 2);
        Assert.Equal(-0.061, p[2], 2);
        Assert.Equal(-39.69, p[3], 1);

        var ols = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "closed_form", "--validation", "0", "--json");
        Assert.Equal(0, ols.Code);
        using JsonDocument olsDoc = JsonDocument.Parse(ols.Out);
        Assert.Equal(-39.9197, olsDoc.RootElement.GetProperty("params")[3].GetDouble(), 3);
    }

    [Fact]
    public void Mm_solver_reproduces_lmrob_on_stackloss_and_reports_the_scale_and_rejected_rows()
    {
        // R: robustbase 0.95 lmrob(stack.loss ~ ., stackloss) at its defaults (tests/LossLab.Tests/Goldens/mm.json)
        double[] lmrob = [0.93884534711072587, 0.57955318628636787, -0.11292182506538608, -41.524615971512468];
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "mm", "--validation", "0", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal("tukey:c=4.685061", root.GetProperty("loss").GetString());
        double[] p = root.GetProperty("params").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (int j = 0; j < 4; j++)
        {
            Assert.True(Math.Abs(p[j] - lmrob[j]) <= 1e-4 * Math.Abs(lmrob[j]), $"param {j}: {p[j]} vs lmrob {lmrob[j]}");
        }

        JsonElement robust = root.GetProperty("robust");
        Assert.Equal(1.9123544555184937, robust.GetProperty("scale").GetDouble(), 1e-4);
        Assert.Equal([20], robust.GetProperty("rejected_rows").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0.1 / 21, robust.GetProperty("weight_cut").GetDouble(), 1e-15);
        Assert.True(robust.GetProperty("converged").GetBoolean());
        Assert.False(robust.GetProperty("exact_fit").GetBoolean());

        var human = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "mm", "--validation", "0");
        Assert.Equal(0, human.Code);
        Assert.Contains("robust:    scale 1.91235; 1 of 21 rows rejected (weight < 0.1/n = 0.00476): rows 20 (0-based)", human.Out, StringComparison.Ordinal);

        // another solver has no robust block
        var irls = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "irls", "--loss", "tukey", "--validation", "0", "--json");
        using JsonDocument irlsDoc = JsonDocument.Parse(irls.Out);
        Assert.False(irlsDoc.RootElement.TryGetProperty("robust", out _));
    }

    [Fact]
    public void Mm_rejected_rows_are_rows_of_the_data_not_of_the_training_part()
    {
        // y = 1 + 2x + small wiggle on 40 rows; rows 5, 17 and 33 are gross outliers. With a validation split the
        // training rows are shuffled, so the rejected rows must be mapped back to the file's rows.
        var text = new System.Text.StringBuilder("x,y\n");
        for (int i = 0; i < 40; i++)
        {
            double x = i * 0.25;
            double y = 1 + (2 * x) + (0.1 * Math.Sin(3 * i)) + (i is 5 or 17 or 33 ? 30 : 0);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{x},{y}\n");
        }

        var (code, output, error) = CliRunner.Run("fit", "--data", Csv(text.ToString()), "--target", "y", "--solver", "mm", "--validation", "0.25", "--seed", "1", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        int[] rejected = doc.RootElement.GetProperty("robust").GetProperty("rejected_rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.NotEmpty(rejected);
        Assert.All(rejected, r => Assert.Contains(r, new[] { 5, 17, 33 }));
        Assert.Equal(rejected.Order(), rejected);
        Assert.Equal(2.0, doc.RootElement.GetProperty("params")[0].GetDouble(), 1);
    }

    [Fact]
    public void Mm_solver_takes_a_tukey_constant_and_rejects_other_losses()
    {
        var tukey = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "mm", "--loss", "tukey:c=3.5", "--validation", "0", "--json");
        Assert.True(tukey.Code == 0, tukey.Err);
        using JsonDocument doc = JsonDocument.Parse(tukey.Out);
        Assert.Equal("tukey:c=3.5", doc.RootElement.GetProperty("loss").GetString());
        Assert.NotEqual(-41.5246, doc.RootElement.GetProperty("params")[3].GetDouble(), 3); // a different M-step constant, another fit

        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:stackloss", "--solver", "mm", "--loss", "huber");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--solver mm fits the MM-estimate with Tukey's bisquare, not huber", error, StringComparison.Ordinal);
        Assert.Contains("leave --loss out", error, StringComparison.Ordinal);

        // n = p: one line naming the cause
        string path = Csv("a,b,y\n1,2,3\n2,1,4\n3,5,1\n");
        var small = CliRunner.Run("fit", "--data", path, "--target", "y", "--solver", "mm", "--validation", "0");
        Assert.Equal(1, small.Code);
        Assert.Single(small.Err.TrimEnd().Split('\n'));
        Assert.Contains("needs more observations than coefficients (n > p)", small.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Classification_fits_use_the_task_default_loss()
    {
        var (code, output, error) = CliRunner.Run("fit", "--data", "builtin:iris", "--model", "softmax", "--epochs", "200", "--optimizer", "adam:lr=0.05", "--validation", "0.2", "--json");
        Assert.True(code == 0, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.Equal("cross_entropy", doc.RootElement.GetProperty("loss").GetString());
        Assert.True(doc.RootElement.GetProperty("validation").GetProperty("accuracy").GetDouble() > 0.85);
    }

    [Theory]
    [InlineData("x,y\n1,2\n2,3\n3,4\n", "--target", "z", "--target z: no such column")]
    [InlineData("x,y\n1,2\n2,abc\n3,4\n", "--target", "y", "line 3, column 2 ('y'): 'abc' is not a number")]
    [InlineData("x,y\n1,2\nNaN,3\n3,4\n", "--target", "y", "line 3, column 1 ('x'): missing value")]
    [InlineData("", "--target", "y", "the file is empty")]
    [InlineData("x,y\n1,2\n", "--target", "y", "at least two are needed")]
    [InlineData("x,y\n1,2\n2,2\n3,2\n", "--target", "y", "the target 'y' is constant")]
    public void Bad_data_is_a_one_line_error_naming_file_line_and_column(string text, string option, string value, string expected)
    {
        string path = Csv(text);
        var (code, output, error) = CliRunner.Run("fit", "--data", path, option, value);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--model", "mlp:hidden=abc", "mlp")]
    [InlineData("--model", "transformer", "unknown model 'transformer'")]
    [InlineData("--loss", "cross_entropy", "does not fit a regression task")]
    [InlineData("--optimizer", "adam:lr=-1", "lr must be a finite number >= 0")]
    [InlineData("--solver", "newton", "--solver newton: unknown")]
    [InlineData("--init", "random", "--init random: unknown")]
    [InlineData("--epochs", "-3", "--epochs -3: must be >= 0")]
    public void Bad_options_are_one_line_errors(string option, string value, string expected)
    {
        var (code, _, error) = CliRunner.Run("fit", "--data", "builtin:seed", option, value);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_process_reports_bad_data_without_a_stack_trace()
    {
        string path = Csv("x,y\n1,2\n2,oops\n");
        var (code, _, error) = CliRunner.RunProcess("fit", "--data", path, "--target", "y");
        Assert.Equal(1, code);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Contains("line 3, column 2", error, StringComparison.Ordinal);
    }
}
