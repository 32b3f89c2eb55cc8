using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

public sealed class BuiltinsTests
{
    [Theory]
    [InlineData("builtin:stackloss", 21, 3, TaskKind.Regression)]
    [InlineData("builtin:longley", 16, 6, TaskKind.Regression)]
    [InlineData("builtin:engel", 235, 1, TaskKind.Regression)]
    [InlineData("builtin:diabetes", 442, 10, TaskKind.Regression)]
    [InlineData("builtin:iris", 150, 4, TaskKind.Multiclass)]
    [InlineData("builtin:breast_cancer", 569, 30, TaskKind.Binary)]
    [InlineData("builtin:wine", 178, 13, TaskKind.Multiclass)]
    [InlineData("builtin:digits", 1797, 64, TaskKind.Multiclass)]
    public void Embedded_data_sets_load_with_their_shape(string name, int rows, int features, TaskKind task)
    {
        Dataset d = Builtins.Load(name);
        Assert.Equal(rows, d.Rows);
        Assert.Equal(features, d.Columns);
        Assert.Equal(task, d.Task);
    }

    [Fact]
    public void Seed_data_follow_the_guide_and_are_deterministic()
    {
        Dataset a = Builtins.Load("builtin:seed");
        Dataset b = Builtins.Load("builtin:seed");
        Assert.Equal(100, a.Rows);
        Assert.Equal(a.Targets, b.Targets);
        double slope = Enumerable.Range(0, a.Rows).Sum(i => (a.Features[i] - a.Features.Average()) * (a.Targets[i] - a.Targets.Average()))
            / Enumerable.Range(0, a.Rows).Sum(i => Math.Pow(a.Features[i] - a.Features.Average(), 2));
        Assert.InRange(slope, 1.95, 2.05);
        Assert.NotEqual(a.Targets, Builtins.Load("builtin:seed:seed=8").Targets);
    }

    [Fact]
    public void Outliers_shift_the_stated_share_of_targets_upwards()
    {
        Dataset clean = Builtins.Load("builtin:seed:n=1000");
        Dataset dirty = Builtins.Load("builtin:seed:n=1000,outliers=0.05,outlier_scale=20");
        int shifted = clean.Targets.Zip(dirty.Targets).Count(p => Math.Abs(p.Second - p.First - 2.0) < 1e-4);
        Assert.Equal(50, shifted);
    }

    [Theory]
    [InlineData("builtin:nope", "unknown built-in data set 'nope'")]
    [InlineData("builtin:seed:n=1", "n=1 must be between 2")]
    [InlineData("builtin:seed:noise_dist=pareto", "noise_dist=pareto is unknown")]
    [InlineData("builtin:seed:size=3", "unknown parameter 'size'")]
    [InlineData("builtin:iris:n=3", "takes no options")]
    public void Bad_builtin_references_are_explained(string data, string expected)
        => Assert.Contains(expected, Assert.Throws<DataException>(() => Builtins.Load(data)).Message, StringComparison.Ordinal);
}
