using System.Text.Json;
using LossLab.Schedules;
using LossLab.Specs;
using LossLab.Tests.Support;

namespace LossLab.Tests.Schedules;

/// <summary>Schedules equal PyTorch's lr_scheduler step by step (goldens from real PyTorch and PyTorch's own test sequences).</summary>
public sealed class ScheduleTests
{
    private static readonly Golden File = Golden.Load("schedules.json");

    public static TheoryData<string> Ids => File.Ids();

    [Fact]
    public void Goldens_cover_every_schedule_in_the_catalog()
    {
        var names = File.Cases.Select(c => c.GetProperty("spec").GetString()!.Split(':')[0]).ToHashSet();
        foreach (ScheduleInfo info in ScheduleCatalog.All)
        {
            Assert.Contains(info.Name, names);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Matches_pytorch_step_by_step(string id)
    {
        JsonElement c = File[id];
        Schedule schedule = ScheduleCatalog.Create(c.GetProperty("spec").GetString()!, c.GetProperty("base_lr").GetDouble());
        double[] lr = Golden.Doubles(c.GetProperty("lr"));
        double[]? momentum = c.GetProperty("momentum").ValueKind == JsonValueKind.Null ? null : Golden.Doubles(c.GetProperty("momentum"));
        double[]? metrics = c.GetProperty("metrics").ValueKind == JsonValueKind.Null ? null : Golden.Doubles(c.GetProperty("metrics"));
        for (int k = 0; k < lr.Length; k++)
        {
            AssertClose(lr[k], schedule.At(k), $"{id} lr at step {k}");
            if (momentum is not null)
            {
                AssertClose(momentum[k], ((OneCycleLR)schedule).Momentum!.At(k), $"{id} momentum at step {k}");
            }

            if (metrics is not null)
            {
                ((PlateauState)schedule).Report(metrics[k]);
            }
        }
    }

    [Fact]
    public void One_cycle_linear_matches_pytorchs_own_test_sequence()
    {
        var s = new OneCycleLR(25, 10, annealStrategy: "linear", finalDivFactor: 2, baseMomentum: 1, maxMomentum: 22);
        Assert.Equal([1, 13, 25, 21.5, 18, 14.5, 11, 7.5, 4, 0.5], Enumerable.Range(0, 10).Select(k => Math.Round(s.At(k), 9)));
        Assert.Equal([22, 11.5, 1, 4, 7, 10, 13, 16, 19, 22], Enumerable.Range(0, 10).Select(k => Math.Round(s.Momentum!.At(k), 9)));
    }

    [Fact]
    public void One_cycle_three_phase_matches_pytorchs_own_test_sequence()
    {
        var s = new OneCycleLR(25, 10, pctStart: 0.4, annealStrategy: "linear", finalDivFactor: 4, threePhase: true);
        Assert.Equal([1, 9, 17, 25, 17, 9, 1, 0.75, 0.5, 0.25], Enumerable.Range(0, 10).Select(k => Math.Round(s.At(k), 9)));
    }

    [Fact]
    public void Reduce_on_plateau_matches_pytorchs_own_test_sequence()
    {
        PlateauState s = new ReduceLROnPlateau(0.5, patience: 5, threshold: 0.1, thresholdMode: "abs").CreateState();
        // PyTorch's test reads the lr after each step(metric): [0.5]×6, [0.05]×7, [0.005]×7, [0.0005]×2.
        // LossLab reads the lr in force before each update, so the sequence starts with the initial 0.5 once more.
        double[] expected = [.. Enumerable.Repeat(0.5, 7), .. Enumerable.Repeat(0.05, 7), .. Enumerable.Repeat(0.005, 7), .. Enumerable.Repeat(0.0005, 2)];
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], s.At(i), $"epoch {i}");
            s.Report(10 - (0.0165 * i));
        }
    }

    [Fact]
    public void Warm_up_then_cosine_is_a_sequence()
    {
        Schedule s = ScheduleCatalog.Create("linear:start_factor=0.1,total_iters=5>cosine:t_max=10", 1.0);
        AssertClose(0.1, s.At(0), "start of warm-up");
        AssertClose(0.1 + (0.9 * 4 / 5), s.At(4), "end of warm-up");
        AssertClose(1.0, s.At(5), "start of cosine");
        AssertClose(0.5, s.At(10), "cosine half way");
        AssertClose(0.0, s.At(15), "cosine end");
    }

    [Theory]
    [InlineData("step:step_size=0", "step_size")]
    [InlineData("step:step_size=10,gamma=-1", "gamma")]
    [InlineData("cosine:t_max=0", "t_max")]
    [InlineData("one_cycle:max_lr=0.1,total_steps=0", "total_steps")]
    [InlineData("one_cycle:max_lr=0.1,total_steps=100,pct_start=1.5", "pct_start")]
    [InlineData("one_cycle:max_lr=0.1,total_steps=100,anneal_strategy=square", "anneal_strategy")]
    [InlineData("reduce_on_plateau:factor=1.5", "factor")]
    [InlineData("reduce_on_plateau:mode=up", "mode")]
    [InlineData("linear:start_factor=0", "start_factor")]
    [InlineData("cosine_warm_restarts:t_0=0", "t_0")]
    public void Invalid_schedule_parameters_are_rejected_naming_the_parameter(string spec, string parameter)
    {
        var ex = Assert.Throws<SpecException>(() => ScheduleCatalog.Create(spec, 0.1));
        Assert.Contains(parameter, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cosin", "unknown schedule 'cosin'")]
    [InlineData("step:size=3", "unknown parameter 'size'")]
    [InlineData("exponential:gamma=0.9>cosine:t_max=5", "exponential")]
    public void Malformed_schedule_specs_say_what_is_wrong(string spec, string expected)
    {
        var ex = Assert.Throws<SpecException>(() => ScheduleCatalog.Create(spec, 0.1));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static void AssertClose(double expected, double actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");
}
