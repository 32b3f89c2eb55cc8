using System.Text.Json.Nodes;

namespace LossLab.Cli.Tests;

/// <summary><c>losslab bench --quick --json</c>: the CLI.md shape, every measurement present, 0 bytes per step (no timing is asserted).</summary>
public sealed class BenchCommandTests
{
    private static readonly string[] Expected =
    [
        "kernel_mse", "kernel_l1", "kernel_huber", "kernel_bce_with_logits", "kernel_cross_entropy",
        "floor_exp_log", "kernel_bce_with_logits_vs_exp_log", "kernel_cross_entropy_vs_exp_log", "kernel_cross_entropy_probabilities_vs_exp_log",
        "linear_step", "linear_step_alloc", "mlp_step", "mlp_epoch", "mlp_step_alloc",
        "fma_peak_1_thread", "fma_peak_2_threads",
        "mlp_784_256_step", "mlp_784_256_gflops", "mlp_784_256_step_alloc", "mlp_784_256_step_1_thread",
        "mlp_784_1024_step", "mlp_784_1024_gflops", "mlp_784_1024_step_alloc", "mlp_784_1024_step_1_thread",
        "sweep_demo", "sweep_1000_1_thread", "sweep_1000_2_threads", "sweep_speedup_2_vs_1", "machine_2_thread_ceiling", "compare_100k_x20", "advise_100k_x10",
        "csv_load_200k_x10", "csv_read_200k_x10", "csv_read_1_thread_200k_x10", "csv_fit_closed_form_200k_x10", "csv_stream_closed_form_200k_x10", "csv_load_200k_x10_allocated",
    ];

    [Fact]
    public void Quick_bench_prints_every_measurement_with_its_floor_and_unit()
    {
        var (code, output, error) = CliRunner.Run("bench", "--quick", "--json");
        Assert.True(code == 0, error);
        JsonNode document = JsonNode.Parse(output)!;
        Assert.False(string.IsNullOrWhiteSpace(document["machine"]!.GetValue<string>()));
        Assert.True(document["quick"]!.GetValue<bool>());
        var results = document["results"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!);
        Assert.Equal(Expected, results.Keys.ToArray());
        foreach (var (name, r) in results)
        {
            Assert.True(r["value"]!.GetValue<double>() >= 0, name);
            Assert.False(string.IsNullOrEmpty(r["unit"]!.GetValue<string>()), name);
            // Kernels and the large mlp steps (time at the FMA peak, fraction of the peak) have a floor; the rest none.
            if (name.StartsWith("kernel_", StringComparison.Ordinal) || (name.StartsWith("mlp_784_", StringComparison.Ordinal) && !name.EndsWith("_alloc", StringComparison.Ordinal)))
            {
                double floor = r["floor"]!.GetValue<double>();
                Assert.True(floor > 0, name);
                Assert.Equal(r["value"]!.GetValue<double>() / floor, r["ratio_to_floor"]!.GetValue<double>(), 9);
            }
            else
            {
                Assert.Null(r["floor"]);
            }
        }

        Assert.Equal(0, results["linear_step_alloc"]["value"]!.GetValue<double>());
        Assert.Equal(0, results["mlp_step_alloc"]["value"]!.GetValue<double>());
        Assert.Equal(0, results["mlp_784_256_step_alloc"]["value"]!.GetValue<double>());
        Assert.Equal(0, results["mlp_784_1024_step_alloc"]["value"]!.GetValue<double>());
        Assert.Contains("identical", results["sweep_speedup_2_vs_1"]["note"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
