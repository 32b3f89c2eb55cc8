using LossLab.Lab.Data;
using LossLab.Lab.Experiments;
using LossLab.Lab.Performance;
using LossLab.Lab.Training;
using LossLab.Lab.Verification;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Tests.Verification;

/// <summary>
/// Candidates on the same split train together (linear models share every mini-batch); every outcome must be bit for
/// bit the one of each fit trained alone by <see cref="Trainer"/>.
/// </summary>
public sealed class GroupedTrainingTests
{
    public static TheoryData<string, int, int, string, string, string, string?> Cases => new()
    {
        // data, rows, features, losses, optimizers, rates ("" = auto), metric
        { "generated", 4000, 20, "mse,l1,huber", "sgd,sgd:momentum=0.9,adam,rmsprop,adagrad", "0.01", null },
        { "generated", 4000, 20, "mse,huber,cauchy", "sgd,adam", "0.001,0.1,30", null },
        { "generated", 3000, 3, "mse,l1,quantile", "sgd,adam", "0.01,0.1", null },
        { "generated", 3000, 13, "mse,log_cosh", "sgd,adam,adagrad", "0.03", null },
        { "generated", 3000, 21, "huber,l1", "adam,rmsprop", "0.01,0.3", null },
        { "generated", 1500, 9, "mse,l1,huber", "sgd,adam", "", null },
        { "builtin:diabetes", 0, 0, "mse,l1,huber", "sgd,adam,sgd:momentum=0.9", "", null },
        { "builtin:breast_cancer", 0, 0, "bce_with_logits,hinge,focal", "sgd,adam", "0.01,0.1", null },
        { "builtin:breast_cancer", 0, 0, "bce_with_logits,hinge", "sgd,adam", "0.1", "f1" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_outcome_is_the_one_of_its_fits_trained_alone(string data, int rows, int features, string losses, string optimizers, string rates, string? metric)
    {
        Dataset d = data == "generated" ? BenchSuite.Generate(rows, features, 3) : Builtins.Load(data);
        var settings = new CompareSettings
        {
            Losses = losses.Split(','),
            Optimizers = optimizers.Split(','),
            LearningRates = rates.Length == 0 ? null : [.. rates.Split(',').Select(r => double.Parse(r, System.Globalization.CultureInfo.InvariantCulture))],
            Folds = 3,
            Repeats = 1,
            Epochs = 4,
            Metric = metric,
            Parallelism = 2,
        };
        VerificationPlan plan = Compare.Prepare(d, settings);
        long trained = LinearGroupTrainer.MembersTrained;
        VerificationRun grouped = Verifier.Run(plan);
        Assert.True(!LinearGroupTrainer.Supported || LinearGroupTrainer.MembersTrained > trained, "no fit trained in a group");
        VerificationRun alone = Verifier.Run(Verifier.Prepare(d, plan.Candidates, plan.Settings with { OneModelAtATime = true, Parallelism = 1 }));
        Assert.Equal(plan.Trials, grouped.RunsCompleted);
        Assert.Equal(alone.Candidates.Count, grouped.Candidates.Count);
        for (int c = 0; c < alone.Candidates.Count; c++)
        {
            for (int s = 0; s < alone.Candidates[c].Splits.Count; s++)
            {
                SplitOutcome a = alone.Candidates[c].Splits[s], g = grouped.Candidates[c].Splits[s];
                string where = $"{plan.Candidates[c]} split {s}";
                Assert.True(a.Score.Equals(g.Score), $"{where}: {g.Score:R} grouped, {a.Score:R} alone");
                Assert.True(a.LearningRate.Equals(g.LearningRate), where);
                Assert.Equal(a.Threshold, g.Threshold);
                Assert.Equal((a.Diverged, a.AtEdge, a.Extended), (g.Diverged, g.AtEdge, g.Extended));
                Assert.Equal(a.InnerScores, g.InnerScores);
                Assert.Equal(a.Metrics.OrderBy(p => p.Key), g.Metrics.OrderBy(p => p.Key));
            }
        }

        // Each trial alone (a group of one, as a study worker runs it) gives the same outcome too.
        SplitOutcome single = Verifier.RunTrial(plan, plan.Trials - 1);
        SplitOutcome last = grouped.Candidates[^1].Splits[^1];
        Assert.True(single.Score.Equals(last.Score));
        Assert.Equal(single.InnerScores, last.InnerScores);
    }

    [Theory]
    [InlineData(20, 256)]
    [InlineData(21, 61)]
    [InlineData(13, 7)]
    [InlineData(8, 9)]
    [InlineData(5, 40)]
    [InlineData(2, 3)]
    [InlineData(3, 12)]
    [InlineData(33, 130)]
    public void The_group_kernels_are_bit_for_bit_the_linear_model(int d, int rows)
    {
        if (!LinearGroupTrainer.Supported)
        {
            return;
        }

        // Sums whose terms cancel at 2^50 beside small ones, so that at the float level they depend on the order they are
        // added in: in every row two of the first eight inputs (weights 2^25) carry +2^25 and −2^25, the rest of those
        // inputs are tiny; the first and the last row carry the same ±1 in every input, with output gradients +2^50 and
        // −2^50, so every gradient sum cancels between its first and its last row.
        var random = new Random((d * 1000) + rows);
        float Small() => (float)((random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-6, 7)));
        const float big = 33554432f; // 2^25
        int lanes = Math.Min(8, d);
        float[] x = new float[rows * d];
        for (int n = 0; n < rows; n++)
        {
            for (int j = 0; j < d; j++)
            {
                x[(n * d) + j] = j < lanes ? Small() / big : Small();
            }

            int a = random.Next(lanes), b = (a + 1 + random.Next(lanes - 1)) % lanes;
            x[(n * d) + a] = random.Next(2) == 0 ? big : -big;
            x[(n * d) + b] = -x[(n * d) + a];
        }

        for (int j = 0; j < d; j++)
        {
            x[j] = random.Next(2) == 0 ? 1 : -1;
            x[((rows - 1) * d) + j] = x[j];
        }

        const int models = 6;
        float[][] theta = [.. Enumerable.Range(0, models).Select(_ => Enumerable.Range(0, d + 1).Select(j => j < lanes ? big : Small()).ToArray())];
        float[][] delta = [.. Enumerable.Range(0, models).Select(_ => Enumerable.Range(0, rows).Select(_ => Small()).ToArray())];
        foreach (float[] dk in delta)
        {
            dk[0] = big * big;
            dk[rows - 1] = -big * big;
        }

        (float[][] outputs, float[][] gradients) = LinearGroupTrainer.Pass(theta, x, rows, d, delta);
        var model = new LinearModel(d, 1);
        Workspace workspace = model.CreateWorkspace(rows);
        for (int k = 0; k < models; k++)
        {
            float[] y = new float[rows], g = new float[d + 1];
            model.Forward(theta[k], x, rows, y, workspace);
            model.Backward(theta[k], x, rows, delta[k], g, workspace);
            Assert.Equal(y.Select(BitConverter.SingleToInt32Bits), outputs[k].Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(g.Select(BitConverter.SingleToInt32Bits), gradients[k].Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void A_single_rate_is_fitted_without_an_inner_tuning_run_unless_a_threshold_is_tuned()
    {
        Dataset d = BenchSuite.Generate(3000, 5, 1);
        CompareResult r = Compare.Run(d, new CompareSettings { Losses = ["mse", "l1"], Optimizers = ["adam"], LearningRates = [0.01], Folds = 2, Repeats = 1, Epochs = 3 });
        Assert.All(r.Run!.Candidates.SelectMany(c => c.Splits), s => Assert.Empty(s.InnerScores));
        Assert.All(r.Ranking, c => Assert.Empty(c.Search));
        Assert.All(r.Ranking, c => Assert.All(c.Scores, v => Assert.True(double.IsFinite(v) && v > 0)));
        Assert.All(r.Ranking, c => Assert.Equal(0.01, c.LearningRate));

        // f1 needs a threshold tuned on the inner validation rows: the single rate still gets its inner run.
        CompareResult f1 = Compare.Run(Builtins.Load("builtin:breast_cancer"), new CompareSettings { Losses = ["bce_with_logits"], Optimizers = ["adam"], LearningRates = [0.01], Folds = 2, Repeats = 1, Epochs = 3, Metric = "f1" });
        Assert.All(f1.Run!.Candidates.SelectMany(c => c.Splits), s => Assert.Single(s.InnerScores));
        Assert.All(f1.Run!.Candidates.SelectMany(c => c.Splits), s => Assert.NotNull(s.Threshold));
    }

    [Fact]
    public void A_grouped_training_step_allocates_nothing()
    {
        Dataset d = BenchSuite.Generate(2000, 20, 2);
        float[] targets = d.Targets;
        LinearGroupTrainer.Member[] Members() => [.. new[] { "mse", "huber", "l1", "mse", "huber" }.Select((loss, i) =>
        {
            var model = new LinearModel(20, 1);
            var objective = new TrainingObjective(model, LossCatalog.Create(loss), TaskKind.Regression, 32);
            float[] initial = new float[21];
            model.Initialize(initial, Init.Default, new Random(i));
            return new LinearGroupTrainer.Member(objective, OptimizerCatalog.Create(i % 2 == 0 ? "adam:lr=0.01" : "sgd:momentum=0.9,lr=0.01"), initial);
        })];

        Assert.True(LinearGroupTrainer.Supported || !System.Numerics.Vector.IsHardwareAccelerated || System.Numerics.Vector<float>.Count != 8);
        if (!LinearGroupTrainer.Supported)
        {
            return;
        }

        LinearGroupTrainer.Train(Members(), d, targets, 2, 32, 1, CancellationToken.None);
        LinearGroupTrainer.Member[] shortRun = Members(), longRun = Members();
        long before = GC.GetAllocatedBytesForCurrentThread();
        LinearGroupTrainer.Train(shortRun, d, targets, 2, 32, 1, CancellationToken.None);
        long two = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        LinearGroupTrainer.Train(longRun, d, targets, 20, 32, 1, CancellationToken.None);
        long twenty = GC.GetAllocatedBytesForCurrentThread() - before;

        // 18 more epochs are 1,134 more steps of 5 models: any allocation in a step would show.
        Assert.True(twenty - two <= 1024, $"2 epochs: {two} B; 20 epochs: {twenty} B");
        Assert.All(longRun, m => Assert.False(m.Diverged));
        Assert.All(longRun, m => Assert.Equal(21, m.Parameters!.Length));
    }
}
