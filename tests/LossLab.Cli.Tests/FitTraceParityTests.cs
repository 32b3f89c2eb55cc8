using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LossLab.Cli.Tests;

/// <summary>
/// <c>fit --standardize false --init zeros --validation 0 --tol 0</c> (every epoch, no stopping rule) with full batch reproduces real PyTorch's trajectory
/// (<c>tools/generate_fit_goldens.py</c>): linear model, mse / l1 / huber × sgd / momentum / adam / rmsprop / adagrad.
/// </summary>
public sealed class FitTraceParityTests
{
    private static readonly Lazy<JsonDocument> Golden = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Goldens", "fit_traces.json"))));

    private static readonly Lazy<string> DataFile = new(() =>
    {
        JsonElement root = Golden.Value.RootElement;
        double[] x = root.GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] y = root.GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var csv = new StringBuilder("x,y\n");
        for (int i = 0; i < x.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{(float)x[i]:R},{(float)y[i]:R}\n");
        }

        string path = Path.Combine(Directory.CreateTempSubdirectory("losslab-fit-golden").FullName, "seed.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    });

    public static TheoryData<string> Ids
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (JsonElement c in Golden.Value.RootElement.GetProperty("cases").EnumerateArray())
            {
                data.Add(c.GetProperty("id").GetString()!);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Trace_matches_pytorch(string id)
    {
        JsonElement c = Golden.Value.RootElement.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("id").GetString() == id);
        string trace = Path.Combine(Path.GetDirectoryName(DataFile.Value)!, id.Replace(':', '_') + ".csv");
        var (code, _, error) = CliRunner.Run(
            "fit", "--data", DataFile.Value, "--target", "y", "--model", "linear", "--loss", c.GetProperty("loss").GetString()!,
            "--optimizer", c.GetProperty("optimizer").GetString()!, "--epochs", c.GetProperty("epochs").GetInt32().ToString(CultureInfo.InvariantCulture),
            "--standardize", "false", "--init", "zeros", "--validation", "0", "--tol", "0", "--trace", trace);
        Assert.True(code == 0, error);

        string[] lines = File.ReadAllLines(trace);
        Assert.Equal("step,loss,lr,grad_norm,p0,p1", lines[0]);
        JsonElement[] expected = c.GetProperty("trace").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, lines.Length - 1);
        for (int k = 0; k < expected.Length; k++)
        {
            double[] row = lines[k + 1].Split(',').Select(v => v.Length == 0 ? double.NaN : double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            JsonElement[] e = expected[k].EnumerateArray().ToArray();
            Assert.Equal(k, (int)row[0]);
            Close(e[0].GetDouble(), row[1], $"{id} step {k} loss");
            Close(e[1].GetDouble(), row[2], $"{id} step {k} lr");
            if (k > 0)
            {
                Close(e[2].GetDouble(), row[3], $"{id} step {k} grad_norm");
            }

            Close(e[3].GetDouble(), row[4], $"{id} step {k} w");
            Close(e[4].GetDouble(), row[5], $"{id} step {k} b");
        }
    }

    private static void Close(double expected, double actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= (1e-5 * Math.Abs(expected)) + 1e-6, $"{what}: PyTorch {expected:R}, LossLab {actual:R}");
}
