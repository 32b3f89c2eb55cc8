using LossLab.Losses;
using LossLab.Models;
using LossLab.Optim;
using LossLab.Schedules;

namespace LossLab.Tests;

/// <summary>The library example in README.md, run as written.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Huber_example_gives_the_stated_value_and_gradient()
    {
        ILoss loss = LossCatalog.Create("huber:delta=1.5");          // or: new Huber(delta: 1.5)
        float[] pred = [0f, 2f, 5f], target = [0f, 0f, 0f], grad = new float[3];
        double value = loss.Evaluate(pred, target, grad, Reduction.Mean); // 2.75; grad = [0, 0.5, 0.5]

        Assert.Equal(2.75, value, 6);
        Assert.Equal([0f, 0.5f, 0.5f], grad);
        Assert.Equal(new Huber(delta: 1.5), loss);
    }

    [Fact]
    public void Batch_example_from_the_readme_fits_every_line()
    {
        float[] x = [0f, 1f, 2f, 3f], y = [1f, 3f, 5f, 7f];          // y = 2x + 1
        var batch = new LinearBatch(inputs: 1, models: 3);            // 3 lines, parameters [w₀, b₀, w₁, b₁, w₂, b₂]
        float[] theta = new float[3 * 2], grad = new float[3 * 2];
        float[] outputs = new float[4 * batch.Stride], dOut = new float[4 * batch.Stride];
        double[] values = new double[3];
        var mse = new Mse();
        var sgd = new Optimizer(Optimizers.Sgd(lr: 0.05), theta.Length); // element-wise: one optimizer for all 3
        for (int step = 0; step < 500; step++)
        {
            batch.Forward(theta, x, 4, outputs);
            mse.TryEvaluateModels(outputs, 3, y, dOut, values);     // each model's mean loss and ∂L/∂output
            batch.Backward(x, 4, dOut, grad);
            sgd.Step(theta, grad);
        }                                                             // each (w, b) ≈ (2, 1)

        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(2f, theta[2 * k], 2);
            Assert.Equal(1f, theta[(2 * k) + 1], 2);
            Assert.True(values[k] < 1e-4, $"model {k}: loss {values[k]}");
        }
    }

    [Fact]
    public void Optimizer_examples_from_the_readme_and_docs_run()
    {
        float[] parameters = [1f, -2f, 0.5f];
        float[] gradient = [0.3f, -0.1f, 0f];
        var optimizer = new Optimizer(Optimizers.Adam(lr: 0.01), parameterCount: 3);
        optimizer.Step(parameters, gradient);   // θ ← θ − η·m̂/(√v̂ + ε), allocation-free

        // Adam's first step moves each parameter with a non-zero gradient by about lr·sign(g).
        Assert.Equal(1f - 0.01f, parameters[0], 5);
        Assert.Equal(-2f + 0.01f, parameters[1], 5);
        Assert.Equal(0.5f, parameters[2]);

        GradientTransform adam = new Chain(new ScaleByAdam(beta1: 0.9), new ScaleByLearningRate(0.01));
        Assert.Equal(Optimizers.Adam(lr: 0.01), adam);
        GradientTransform rule = new Chain(new ClipByGlobalNorm(1.0), new AddDecayedWeights(0.01),
                                           new ScaleByAdam(0.9), new ScaleByLearningRate(new CosineAnnealingLR(0.01, tMax: 100)));
        var clipped = new Optimizer(rule, parameterCount: 3);
        clipped.Step(parameters, gradient);
        Assert.All(parameters, p => Assert.True(float.IsFinite(p)));
    }
}
