using System.Globalization;
using System.Text.Json;

namespace LossLab.Cli.Tests;

public sealed class OptimizeCommandTests
{
    [Fact]
    public void Adam_on_rosenbrock_reports_final_point_and_trace_in_json()
    {
        var (code, output, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "1.5,1.5", "--optimizer", "adam:lr=0.05", "--steps", "500", "--json");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal("rosenbrock", root.GetProperty("function").GetString());
        Assert.Equal(500, root.GetProperty("steps").GetInt32());
        Assert.Equal(501, root.GetProperty("trace").GetArrayLength());
        double[] final = root.GetProperty("final").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.True(root.GetProperty("final_value").GetDouble() < 0.1);
        Assert.Equal(2, final.Length);
        Assert.False(root.GetProperty("diverged").GetBoolean());
    }

    [Fact]
    public void Trace_csv_has_the_contract_header_and_one_row_per_step()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-trace").FullName, "trace.csv");
        var (code, _, _) = CliRunner.Run("optimize", "--function", "quadratic", "--start", "3,2", "--optimizer", "sgd:lr=0.01,momentum=0.9", "--schedule", "step:step_size=10,gamma=0.5", "--clip-norm", "5", "--steps", "30", "--trace", path);
        Assert.Equal(0, code);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("step,loss,lr,grad_norm,p0,p1", lines[0]);
        Assert.Equal(32, lines.Length);
        string[] first = lines[1].Split(',');
        Assert.Equal("0", first[0]);
        Assert.Equal(string.Empty, first[3]);
        Assert.Equal("3", first[4]);
        string[] row11 = lines[12].Split(',');
        Assert.Equal(0.005, double.Parse(row11[2], CultureInfo.InvariantCulture), 12);
        Assert.True(double.Parse(row11[3], CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public void Saddle_sgd_crawls_while_adam_and_rmsprop_escape_quickly()
    {
        int Escape(string optimizer)
        {
            var (code, output, _) = CliRunner.Run("optimize", "--function", "saddle", "--start", "1,1e-3", "--optimizer", optimizer, "--steps", "1000", "--json");
            Assert.Equal(0, code);
            using JsonDocument doc = JsonDocument.Parse(output);
            return doc.RootElement.GetProperty("escape_step").GetInt32();
        }

        int sgd = Escape("sgd:lr=0.01");
        int adam = Escape("adam:lr=0.01");
        int rmsprop = Escape("rmsprop:lr=0.01");
        Assert.True(adam * 2 < sgd, $"adam {adam} vs sgd {sgd}");
        Assert.True(rmsprop * 2 < sgd, $"rmsprop {rmsprop} vs sgd {sgd}");
    }

    [Fact]
    public void Lbfgs_runs_from_the_command_line()
    {
        var (code, output, _) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "-1.2,1", "--optimizer", "lbfgs:line_search_fn=strong_wolfe", "--steps", "10");
        Assert.Equal(0, code);
        Assert.Contains("distance to the minimum", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Divergence_is_detected_and_reported()
    {
        var (code, output, _) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "1.5,1.5", "--optimizer", "sgd:lr=0.1", "--steps", "100", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        Assert.True(doc.RootElement.GetProperty("diverged").GetBoolean());
        Assert.Contains("step", doc.RootElement.GetProperty("divergence_reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--function", "himmelblau", "--start", "1,1", "--optimizer", "sgd", "--steps", "5" }, "unknown test function; accepted: rosenbrock")]
    [InlineData(new[] { "--function", "rosenbrock", "--start", "1,1,1", "--optimizer", "sgd", "--steps", "5" }, "rosenbrock has 2 coordinates, got 3")]
    [InlineData(new[] { "--function", "rosenbrock", "--start", "1,x", "--optimizer", "sgd", "--steps", "5" }, "--start: item 2 'x' is not a number")]
    [InlineData(new[] { "--function", "rosenbrock", "--start", "1,1", "--optimizer", "sgd:lr=-1", "--steps", "5" }, "lr must be a finite number >= 0")]
    [InlineData(new[] { "--function", "rosenbrock", "--start", "1,1", "--optimizer", "adam", "--schedule", "cosine", "--steps", "5" }, "t_max")]
    [InlineData(new[] { "--function", "rosenbrock", "--start", "1,1", "--optimizer", "adam", "--clip-norm", "-1", "--steps", "5" }, "--clip-norm -1: must be a finite number > 0")]
    [InlineData(new[] { "--function", "rosenbrock", "--start", "1,1", "--optimizer", "adam", "--steps", "-5" }, "--steps -5: must be >= 0")]
    public void Bad_input_is_a_one_line_error(string[] args, string expected)
    {
        var (code, output, error) = CliRunner.Run(["optimize", .. args]);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Optimizers_catalog_lists_optimizers_and_schedules_with_defaults()
    {
        var (code, output, _) = CliRunner.Run("optimizers", "--json");
        Assert.Equal(0, code);
        using JsonDocument doc = JsonDocument.Parse(output);
        string[] names = doc.RootElement.GetProperty("optimizers").EnumerateArray().Select(o => o.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "rprop", "lion", "lbfgs"], names);
        JsonElement adam = doc.RootElement.GetProperty("optimizers")[1];
        JsonElement betas = adam.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "betas");
        Assert.Equal([0.9, 0.999], betas.GetProperty("default").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Contains(doc.RootElement.GetProperty("schedules").EnumerateArray(), s => s.GetProperty("name").GetString() == "one_cycle");

        var human = CliRunner.Run("optimizers", "adam");
        Assert.Equal(0, human.Code);
        Assert.Contains("betas=0.9/0.999", human.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void One_cycle_with_cycle_momentum_on_adagrad_is_a_one_line_error_naming_the_option()
    {
        var (code, _, error) = CliRunner.Run("optimize", "--function", "quadratic", "--start", "1,1", "--optimizer", "adagrad:lr=0.1", "--schedule", "one_cycle:max_lr=0.1,total_steps=20", "--steps", "20");
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("one_cycle: adagrad has no momentum or betas", error, StringComparison.Ordinal);
        Assert.Contains("cycle_momentum=false", error, StringComparison.Ordinal);
        var (ok, _, _) = CliRunner.Run("optimize", "--function", "quadratic", "--start", "1,1", "--optimizer", "adagrad:lr=0.1", "--schedule", "one_cycle:max_lr=0.1,total_steps=20,cycle_momentum=false", "--steps", "20");
        Assert.Equal(0, ok);
    }
}
