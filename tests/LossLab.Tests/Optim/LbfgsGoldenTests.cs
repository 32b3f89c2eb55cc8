using System.Text.Json;
using LossLab.Functions;
using LossLab.Optim;
using LossLab.Tests.Support;

namespace LossLab.Tests.Optim;

/// <summary>L-BFGS against real PyTorch (<c>tools/generate_lbfgs_goldens.py</c>): positions after each step and evaluation counts.</summary>
public sealed class LbfgsGoldenTests
{
    private static readonly Golden File = Golden.Load("lbfgs.json");

    public static TheoryData<string> Ids => File.Ids();

    [Theory]
    [MemberData(nameof(Ids))]
    public void Trajectory_matches_pytorch(string id)
    {
        JsonElement c = File[id];
        ITestFunction f = TestFunctions.Find(c.GetProperty("function").GetString()!)!;
        JsonElement o = c.GetProperty("options");
        var options = new LbfgsOptions
        {
            Lr = o.GetProperty("lr").GetDouble(),
            MaxIter = o.GetProperty("max_iter").GetInt32(),
            HistorySize = o.GetProperty("history_size").GetInt32(),
            LineSearchFn = o.GetProperty("line_search_fn").ValueKind == JsonValueKind.Null ? null : o.GetProperty("line_search_fn").GetString(),
        };
        int[] evaluations = c.GetProperty("func_evals").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        float[][] expected = c.GetProperty("trajectory").EnumerateArray().Select(Golden.Floats).ToArray();
        float[] theta = (float[])expected[0].Clone();
        var lbfgs = new Lbfgs(options, theta.Length);
        for (int k = 1; k < expected.Length; k++)
        {
            lbfgs.Step(theta, f.ToObjective());
            for (int i = 0; i < theta.Length; i++)
            {
                Assert.True(Math.Abs(theta[i] - expected[k][i]) <= (1e-5 * Math.Abs(expected[k][i])) + 1e-7, $"{id} step {k} θ[{i}]: {theta[i]:R} vs {expected[k][i]:R}");
            }

            Assert.Equal(evaluations[k - 1], lbfgs.FunctionEvaluations);
        }
    }
}
