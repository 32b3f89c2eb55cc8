using System.Text.Json;
using LossLab.Optim;
using LossLab.Tests.Support;

namespace LossLab.Tests.Optim;

/// <summary>
/// Trajectories against real PyTorch (<c>tools/generate_optimizer_goldens.py</c>): every optimizer and its main
/// options, 100 steps on Rosenbrock from (1.5, 1.5) and on a small least-squares problem, some with schedules and
/// gradient clipping. Every step must agree within 1e-5 relative (float32).
/// </summary>
public sealed class OptimizerGoldenTests
{
    private static readonly Golden File = Golden.Load("optimizers.json");

    public static TheoryData<string> Ids => File.Ids();

    [Fact]
    public void Goldens_cover_every_first_order_optimizer_on_both_problems()
    {
        var covered = File.Cases
            .Select(c => (c.GetProperty("optimizer").GetString()!.Split(':')[0], c.GetProperty("problem").GetString()!))
            .ToHashSet();
        foreach (OptimizerInfo info in OptimizerCatalog.All.Where(o => o.Name != "lbfgs"))
        {
            Assert.Contains((info.Name, "rosenbrock"), covered);
            Assert.Contains((info.Name, "least_squares"), covered);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Trajectory_matches_pytorch_at_every_step(string id)
    {
        JsonElement root = File.Root;
        JsonElement c = File[id];
        string problem = c.GetProperty("problem").GetString()!;
        Problems.Gradient objective = problem == "least_squares"
            ? LeastSquares(root.GetProperty("problems").GetProperty("least_squares"))
            : Problems.Surface(problem);
        string? schedule = c.GetProperty("schedule").ValueKind == JsonValueKind.Null ? null : c.GetProperty("schedule").GetString();
        double? clip = c.GetProperty("clip_norm").ValueKind == JsonValueKind.Null ? null : c.GetProperty("clip_norm").GetDouble();
        OptimizerRule rule = OptimizerCatalog.Create(c.GetProperty("optimizer").GetString()!, schedule, clip);
        if (c.TryGetProperty("clip_norm_type", out JsonElement normType))
        {
            // A norm other than 2: the clip goes first in the chain, as the catalog puts it.
            double type = normType.ValueKind == JsonValueKind.String ? double.PositiveInfinity : normType.GetDouble();
            rule = OptimizerCatalog.Create(c.GetProperty("optimizer").GetString()!, schedule);
            rule = rule with { Transform = new Chain(new ClipByGlobalNorm(clip!.Value, type), rule.Transform!) };
        }


        float[][] expected = c.GetProperty("trajectory").EnumerateArray().Select(Golden.Floats).ToArray();
        float[] theta = (float[])expected[0].Clone();
        float[] gradient = new float[theta.Length];
        var optimizer = new Optimizer(rule.Transform!, theta.Length);
        for (int k = 1; k < expected.Length; k++)
        {
            objective(theta, gradient);
            optimizer.Step(theta, gradient);
            for (int i = 0; i < theta.Length; i++)
            {
                double tolerance = (1e-5 * Math.Abs(expected[k][i])) + 1e-6;
                Assert.True(
                    Math.Abs(theta[i] - expected[k][i]) <= tolerance,
                    $"{id} step {k} θ[{i}]: LossLab {theta[i]:R}, PyTorch {expected[k][i]:R}");
            }
        }
    }

    private static Problems.Gradient LeastSquares(JsonElement data)
        => Problems.LeastSquares(Golden.Floats(data.GetProperty("X")), Golden.Floats(data.GetProperty("y")), data.GetProperty("d").GetInt32());
}
