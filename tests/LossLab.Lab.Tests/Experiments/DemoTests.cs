using LossLab.Lab.Experiments;

namespace LossLab.Lab.Tests.Experiments;

public sealed class DemoTests
{
    private static readonly Lazy<IReadOnlyList<DemoScenario>> Scenarios = new(() => Demo.Run());

    [Fact]
    public void Every_run_of_a_scenario_starts_from_the_same_parameters()
    {
        foreach (DemoScenario s in Scenarios.Value)
        {
            Assert.Equal(15, s.Runs.Count);
            Assert.All(s.Runs, r => Assert.Equal(s.InitialParameters, r.Path[0]));
        }
    }

    [Fact]
    public void On_clean_data_every_run_ends_within_0_05_of_the_true_line()
    {
        DemoScenario clean = Scenarios.Value.Single(s => s.Name == "clean");
        Assert.All(clean.Runs.Where(r => !r.Diverged), r => Assert.True(r.ParameterError < 0.05, $"{r.Loss} + {r.Optimizer}: {r.ParameterError}"));
    }

    [Fact]
    public void With_outliers_l1_and_huber_end_closer_than_mse()
    {
        DemoScenario dirty = Scenarios.Value.Single(s => s.Name == "outliers");
        foreach (string optimizer in Demo.Optimizers)
        {
            double Error(string loss) => dirty.Runs.Single(r => r.Loss == loss && r.Optimizer.StartsWith(optimizer, StringComparison.Ordinal) && r.Optimizer.Split(",lr=")[0].Split(":lr=")[0] == optimizer).ParameterError;
            Assert.True(Error("l1") < Error("mse"), $"{optimizer}: l1 {Error("l1")} vs mse {Error("mse")}");
            Assert.True(Error("huber") < Error("mse"), $"{optimizer}: huber {Error("huber")} vs mse {Error("mse")}");
        }
    }

    [Fact]
    public void The_guide_settings_scenario_says_why_runs_stop_short()
    {
        DemoScenario guide = Scenarios.Value.Single(s => s.Name == "guide_settings");
        Assert.All(guide.Runs, r => Assert.Equal(0.01, r.LearningRate, 12));
        bool shortOnes = guide.Runs.Any(r => r.ParameterError > 0.05);
        Assert.Equal(shortOnes, guide.Notes.Any(n => n.Contains("stop short", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_demo_is_deterministic()
    {
        IReadOnlyList<DemoScenario> again = Demo.Run();
        for (int i = 0; i < again.Count; i++)
        {
            Assert.Equal(Scenarios.Value[i].Runs.Select(r => r.Parameters), again[i].Runs.Select(r => r.Parameters));
        }
    }
}
