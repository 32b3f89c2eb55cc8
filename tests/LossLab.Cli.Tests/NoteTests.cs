namespace LossLab.Cli.Tests;

/// <summary>Notes on stderr where a run does something a PyTorch user would not expect, while still succeeding.</summary>
public sealed class NoteTests
{
    [Fact]
    public void Running_past_one_cycles_total_steps_is_noted()
    {
        var (code, _, error) = CliRunner.Run("optimize", "--function", "quadratic", "--start", "1,1", "--optimizer", "sgd:lr=0.1", "--schedule", "one_cycle:max_lr=0.1,total_steps=50", "--steps", "80");
        Assert.Equal(0, code);
        Assert.Contains("one_cycle's total_steps is 50", error, StringComparison.Ordinal);
        var (inside, _, quiet) = CliRunner.Run("optimize", "--function", "quadratic", "--start", "1,1", "--optimizer", "sgd:lr=0.1", "--schedule", "one_cycle:max_lr=0.1,total_steps=50", "--steps", "50");
        Assert.Equal(0, inside);
        Assert.DoesNotContain("one_cycle", quiet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trace_without_parameter_columns_says_why()
    {
        string trace = Path.Combine(Directory.CreateTempSubdirectory("losslab-note").FullName, "trace.csv");
        var (code, _, error) = CliRunner.Run("fit", "--data", "builtin:seed", "--model", "mlp:hidden=32/32", "--epochs", "2", "--trace", trace);
        Assert.Equal(0, code);
        Assert.Contains("1153 parameters", error, StringComparison.Ordinal);
        Assert.StartsWith("step,loss,lr,grad_norm\n", File.ReadAllText(trace), StringComparison.Ordinal);
    }
}
