using LossLab.Lab.Verification;

namespace LossLab.Lab.Tests.Verification;

public sealed class ResamplingPlanTests
{
    [Fact]
    public void Repeated_k_fold_covers_every_row_once_per_repeat_with_a_new_shuffle_each_time()
    {
        var plan = new ResamplingPlan { Folds = 5, Repeats = 4, Seed = 3 };
        IReadOnlyList<Split> splits = plan.Create(103);
        Assert.Equal(20, splits.Count);
        for (int r = 0; r < 4; r++)
        {
            Split[] repeat = [.. splits.Where(s => s.Repeat == r)];
            Assert.Equal(Enumerable.Range(0, 103), repeat.SelectMany(s => s.Test).Order());
            Assert.All(repeat, s => Assert.InRange(s.Test.Length, 20, 21));
            Assert.All(repeat, s => Assert.Empty(s.Train.Intersect(s.Test)));
            Assert.All(repeat, s => Assert.Equal(103, s.Train.Length + s.Test.Length));
        }

        // a new fold assignment per repeat: the first fold of repeat 0 is not a fold of repeat 1
        Assert.DoesNotContain(splits.Where(s => s.Repeat == 1), s => s.Test.SequenceEqual(splits[0].Test));
        Assert.Equal(splits.Select(s => s.Test), plan.Create(103).Select(s => s.Test));
        Assert.NotEqual(splits[0].Test, (plan with { Seed = 4 }).Create(103)[0].Test);
    }

    [Fact]
    public void Stratified_folds_give_every_fold_its_share_of_a_rare_class()
    {
        int[] classes = [.. Enumerable.Range(0, 200).Select(i => i < 10 ? 1 : 0)];
        IReadOnlyList<Split> splits = new ResamplingPlan { Folds = 5, Repeats = 2 }.Create(200, classes);
        Assert.All(splits, s => Assert.Equal(2, s.Test.Count(i => classes[i] == 1)));
    }

    [Fact]
    public void Time_splits_train_on_the_past_and_test_on_the_next_block()
    {
        IReadOnlyList<Split> splits = new ResamplingPlan { Folds = 4, Scheme = FoldScheme.Time, Repeats = 9 }.Create(50);
        Assert.Equal(4, splits.Count);
        foreach (Split s in splits)
        {
            Assert.True(s.Train.Max() < s.Test.Min());
            Assert.Equal(Enumerable.Range(0, s.Train.Length), s.Train);
        }

        Assert.Equal(49, splits[^1].Test.Max());
        var inner = new ResamplingPlan { Scheme = FoldScheme.Time }.Inner(splits[^1].Train, 0.2, 1000, 1);
        Assert.True(inner.Train.Max() < inner.Validation.Min());
    }

    [Fact]
    public void The_inner_split_stays_inside_the_training_part_and_is_capped()
    {
        var plan = new ResamplingPlan();
        Split outer = plan.Create(1000)[0];
        (int[] train, int[] validation) = plan.Inner(outer.Train, 0.2, 500, 7);
        Assert.Equal(500, train.Length + validation.Length);
        Assert.Equal(100, validation.Length);
        Assert.Empty(train.Concat(validation).Except(outer.Train));
        Assert.Empty(train.Intersect(validation));
    }

    [Fact]
    public void Too_few_rows_for_the_folds_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => new ResamplingPlan { Folds = 5 }.Create(9));
        Assert.Throws<ArgumentException>(() => new ResamplingPlan { Folds = 5, Scheme = FoldScheme.Time }.Create(11));
    }
}
