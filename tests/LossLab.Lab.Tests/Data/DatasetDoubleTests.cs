using LossLab.Lab.Data;

namespace LossLab.Lab.Tests.Data;

/// <summary>The double values a data set keeps beside its float32 arrays, for the exact solvers.</summary>
public sealed class DatasetDoubleTests
{
    private static Dataset Csv(string text) => TableConverter.ToDataset(CsvLoader.Read(new StringReader(text), "t.csv"), "y");

    [Fact]
    public void The_converter_keeps_every_cell_as_parsed_in_double()
    {
        Dataset d = Csv("a,b,y\n0.1,1e-50,123456789.123\n0.2,3,2.5\n0.3,4,7\n");
        Assert.Equal([0.1, 1e-50, 0.2, 3, 0.3, 4], d.FeaturesDouble!);
        Assert.Equal([123456789.123, 2.5, 7], d.TargetsDouble!);
        Assert.Equal([0.1f, 0f, 0.2f, 3f, 0.3f, 4f], d.Features);
        Assert.Equal(123456792f, d.Targets[0]); // float32 keeps 7–8 digits; the double keeps them all
        Assert.NotEqual(0.1, (double)d.Features[0]);
    }

    [Fact]
    public void One_hot_and_class_targets_have_their_double_values_too()
    {
        Dataset d = Csv("c,x,y\nred,1.5,cat\nblue,2.5,dog\nred,3.5,cat\n");
        Assert.Equal(["c=red", "x"], d.FeatureNames);
        Assert.Equal([1, 1.5, 0, 2.5, 1, 3.5], d.FeaturesDouble!);
        Assert.Equal([0, 1, 0], d.TargetsDouble!);
    }

    [Fact]
    public void Subset_and_the_copies_carry_the_double_values_that_still_apply()
    {
        Dataset d = Csv("a,b,y\n0.1,10.01,1.1\n0.2,20.02,2.2\n0.3,30.03,3.3\n");
        Dataset s = d.Subset([2, 0]);
        Assert.Equal([0.3, 30.03, 0.1, 10.01], s.FeaturesDouble!);
        Assert.Equal([3.3, 1.1], s.TargetsDouble!);

        Dataset otherFeatures = d.WithFeatures(new float[6]);
        Assert.Null(otherFeatures.FeaturesDouble);
        Assert.Equal(d.TargetsDouble, otherFeatures.TargetsDouble);

        Dataset otherTargets = d.WithTargets(new float[3]);
        Assert.Null(otherTargets.TargetsDouble);
        Assert.Equal(d.FeaturesDouble, otherTargets.FeaturesDouble);

        // without double values, the widened float32 ones
        Assert.Equal([.. otherFeatures.Features.Select(v => (double)v)], otherFeatures.DoubleFeatures());
        Assert.Equal(d.FeaturesDouble, d.DoubleFeatures());
        Assert.NotSame(d.FeaturesDouble, d.DoubleFeatures());
    }

    [Fact]
    public void Double_values_of_the_wrong_length_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dataset("t", ["a"], "y", [1f, 2f], [1f, 2f], TaskKind.Regression) { FeaturesDouble = [1.0] });
        Assert.Contains("1 double feature values for 2 float32 ones", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Dataset("t", ["a"], "y", [1f, 2f], [1f, 2f], TaskKind.Regression) { TargetsDouble = [1.0, 2.0, 3.0] });
    }

    [Fact]
    public void Builtin_seed_keeps_its_generated_doubles_whose_float32_rounding_is_the_data()
    {
        Dataset d = Builtins.Load("builtin:seed:n=50,outliers=0.1");
        Assert.Equal(d.Features, d.FeaturesDouble!.Select(v => (float)v));
        Assert.Equal(50, d.TargetsDouble!.Length);
        Assert.All(Enumerable.Range(0, 50), i => Assert.True(Math.Abs(d.Targets[i] - d.TargetsDouble[i]) <= 1e-6 * (1 + Math.Abs(d.TargetsDouble[i]))));
        Assert.Contains(Enumerable.Range(0, 50), i => d.TargetsDouble[i] != d.Targets[i]);

        Dataset stackloss = Builtins.Load("builtin:stackloss");
        Assert.NotNull(stackloss.FeaturesDouble);
        Assert.NotNull(stackloss.TargetsDouble);
    }
}
