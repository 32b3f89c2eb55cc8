using LossLab.Lab.Data;
using LossLab.Lab.Training;
using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;

namespace LossLab.Lab.Tests.Training;

public sealed class TrainingObjectiveTests
{
    private static Dataset Regression(float[] x, float[] y)
        => new("t", ["x"], "y", x, y, TaskKind.Regression);

    [Theory]
    [InlineData("poisson_nll", true)]
    [InlineData("poisson_nll:log_input=false", false)]
    [InlineData("tweedie", true)]
    [InlineData("tweedie:power=1.8", true)]
    [InlineData("gamma", true)]
    [InlineData("mse", false)]
    [InlineData("msle", false)]
    public void Log_link_losses_are_recognised(string spec, bool expected)
        => Assert.Equal(expected, TrainingObjective.IsLogLink(LossCatalog.Create(spec)));

    [Theory]
    [InlineData("tweedie", true)]
    [InlineData("gamma", true)]
    [InlineData("poisson_nll", true)]
    [InlineData("mse", false)]
    public void Response_is_e_to_the_output_with_a_log_link(string spec, bool exponentiates)
    {
        var objective = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create(spec), TaskKind.Regression, 4);
        float[] response = objective.ToResponse([-1f, 0f, 2.5f]);
        float[] expected = exponentiates ? [MathF.Exp(-1f), 1f, MathF.Exp(2.5f)] : [-1f, 0f, 2.5f];
        Assert.Equal(expected, response);
    }

    [Theory]
    [InlineData("tweedie")]
    [InlineData("gamma")]
    [InlineData("poisson_nll")]
    public void Prior_starts_a_log_link_model_at_the_log_of_the_mean_target(string spec)
    {
        Dataset data = Regression([1f, 2f, 3f, 4f], [2f, 5f, 0.5f, 12.5f]);
        var objective = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create(spec), TaskKind.Regression, 4);
        float[] parameters = [0.25f, 0f];
        objective.ApplyPrior(parameters, data);
        Assert.Equal(0.25f, parameters[0]);
        Assert.Equal((float)Math.Log(5.0), parameters[1]);

        // With the slope at 0 the model is the constant e^b = mean y, where the mean loss's bias gradient is 0.
        float[] start = [0f, parameters[1]];
        float[] gradient = new float[2];
        objective.Evaluate(start, data.Features, data.Targets, data.Rows, gradient);
        Assert.True(Math.Abs(gradient[1]) < 1e-5, $"bias gradient {gradient[1]}");
    }

    [Fact]
    public void Prior_leaves_the_bias_alone_for_a_zero_mean_target_and_for_other_losses()
    {
        Dataset zeros = Regression([1f, 2f], [0f, 0f]);
        var tweedie = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("tweedie"), TaskKind.Regression, 2);
        float[] parameters = [0.5f, 0.75f];
        tweedie.ApplyPrior(parameters, zeros);
        Assert.Equal([0.5f, 0.75f], parameters);

        Dataset data = Regression([1f, 2f], [3f, 5f]);
        var mse = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("mse"), TaskKind.Regression, 2);
        mse.ApplyPrior(parameters, data);
        Assert.Equal([0.5f, 0.75f], parameters);

        var identity = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("poisson_nll:log_input=false"), TaskKind.Regression, 2);
        identity.ApplyPrior(parameters, data);
        Assert.Equal([0.5f, 0.75f], parameters);
    }

    [Fact]
    public void Prior_sets_the_output_bias_of_an_mlp()
    {
        Dataset data = Regression([1f, 2f, 3f], [1f, 2f, 6f]);
        var model = new Mlp(1, [4], 1);
        var objective = new TrainingObjective(model, LossCatalog.Create("gamma"), TaskKind.Regression, 3);
        float[] parameters = new float[model.ParameterCount];
        objective.ApplyPrior(parameters, data);
        Assert.Equal((float)Math.Log(3.0), parameters[^1]);
        Assert.All(parameters[..^1], p => Assert.Equal(0f, p));
    }

    [Fact]
    public void Gamma_needs_positive_targets_and_tweedie_non_negative_ones()
    {
        var gamma = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("gamma"), TaskKind.Regression, 2);
        var ex = Assert.Throws<ArgumentException>(() => gamma.EncodeTargets([1f, 0f]));
        Assert.Contains("row 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1f, 2f], gamma.EncodeTargets([1f, 2f]));
        var tweedie = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("tweedie"), TaskKind.Regression, 2);
        Assert.Equal([0f, 2f], tweedie.EncodeTargets([0f, 2f]));
        Assert.Throws<ArgumentException>(() => tweedie.EncodeTargets([-1f, 2f]));
    }

    [Fact]
    public void Tweedie_training_from_the_prior_recovers_a_log_linear_mean()
    {
        // y = e^(0.5 + 0.8x) exactly: the fit must find the slope and the intercept of the log-mean.
        int n = 40;
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = -1 + (2f * i / (n - 1));
            y[i] = (float)Math.Exp(0.5 + (0.8 * x[i]));
        }

        Dataset data = Regression(x, y);
        var objective = new TrainingObjective(new LinearModel(1, 1), LossCatalog.Create("tweedie"), TaskKind.Regression, n);
        float[] initial = new float[2];
        objective.ApplyPrior(initial, data);
        double before = objective.Evaluate(initial, data, data.Targets);
        TrainingRun run = Trainer.Train(objective, OptimizerCatalog.Create("adam:lr=0.05"), initial, data, null, new TrainOptions { Epochs = 600 });
        Assert.False(run.Diverged);
        Assert.True(run.Loss[^1] < before);
        Assert.Equal(0.8, run.Parameters[0], 2);
        Assert.Equal(0.5, run.Parameters[1], 2);
    }

    [Fact]
    public void Targets_outside_0_1_and_inverted_boxes_are_refused_before_training()
    {
        var bce = new TrainingObjective(new LinearModel(2, 1), LossCatalog.Create("bce_with_logits"), TaskKind.Segmentation, 2);
        var ex = Assert.Throws<ArgumentException>(() => bce.EncodeTargets([1f, 2f]));
        Assert.StartsWith("loss 'bce_with_logits' needs targets in [0, 1] (labels or soft labels), but row 2 has 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1f, 0.5f], bce.EncodeTargets([1f, 0.5f]));

        var dice = new TrainingObjective(new LinearModel(2, 2), LossCatalog.Create("dice"), TaskKind.Segmentation, 2);
        ex = Assert.Throws<ArgumentException>(() => dice.EncodeTargets([1f, 0f, 0f, -1f]));
        Assert.Contains("row 2 has -1", ex.Message, StringComparison.Ordinal);

        var giou = new TrainingObjective(new LinearModel(2, 4), LossCatalog.Create("giou"), TaskKind.Boxes, 2);
        ex = Assert.Throws<ArgumentException>(() => giou.EncodeTargets([0f, 0f, 1f, 1f, 1f, 1f, 0f, 0f]));
        Assert.StartsWith("loss 'giou' needs target boxes (x1, y1, x2, y2) with x1 < x2 and y1 < y2, but row 2 has (1, 1, 0, 0)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(8, giou.EncodeTargets([0f, 0f, 1f, 1f, 1f, 1f, 2f, 3f]).Length);
    }
}
