using LossLab.Losses;

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
}
