using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using LossLab.Lab.Training;
using LossLab.Losses;

namespace LossLab.Cli.Playground;

/// <summary>
/// The fit socket (<c>/api/fit</c>): trains the whole run first (two parameters a step, fast), sends the loss landscape,
/// then streams the recorded steps at the pace asked for: per frame the newest (w, b), loss, learning rate, gradient
/// norm, each point's pull, and the path and losses of every step since the last frame.
/// </summary>
internal sealed class FitSession(WebSocket socket, PlaygroundServer server) : StreamSession(socket, server)
{
    /// <summary>The most path points one frame carries; a frame covering more steps sends every k-th (and its last).</summary>
    public const int MaxPathPerFrame = 2000;

    /// <inheritdoc/>
    protected override object ParseStart(StartMessage message) => FitPlan.Parse(message);

    /// <inheritdoc/>
    protected override async Task RunAsync(object plan, ChannelReader<string> control, CancellationToken cancellation)
    {
        var fit = (FitPlan)plan;
        (TrainingRun run, byte[] landscape) = await Task.Run(
            () =>
            {
                TrainingRun trained = fit.Train(cancellation);
                cancellation.ThrowIfCancellationRequested();
                return (trained, fit.Landscape(trained, cancellation));
            },
            cancellation).ConfigureAwait(false);
        await SendAsync(landscape, cancellation).ConfigureAwait(false);
        ILoss loss = fit.CreateLoss();
        int n = fit.X.Length;
        float[] predictions = new float[n], values = new float[n], pull = new float[n];
        byte[] Frame(int from, int to) => JsonText.Bytes(w =>
        {
            ReadOnlySpan<float> p = run.ParametersAt(to);
            float wk = p[0], bk = p[1];
            fit.Pull(loss, wk, bk, predictions, values, pull);
            w.WriteStartObject();
            w.WriteString("type", "frame");
            w.WriteNumber("step", to);
            w.Number("loss", run.Loss[to]);
            w.Number("w", wk);
            w.Number("b", bk);
            w.Number("lr", run.LearningRate[to]);
            w.Number("grad_norm", run.GradientNorm[to]);
            w.WriteStartArray("pull");
            foreach (float g in pull)
            {
                w.Number(g);
            }

            w.WriteEndArray();
            int stride = Math.Max(1, (int)Math.Ceiling((to - from + 1) / (double)MaxPathPerFrame));
            List<int> steps = [];
            for (int k = from; k <= to; k += stride)
            {
                steps.Add(k);
            }

            if (steps[^1] != to)
            {
                steps.Add(to);
            }

            w.WriteStartArray("path");
            foreach (int k in steps)
            {
                ReadOnlySpan<float> q = run.ParametersAt(k);
                w.WriteStartArray();
                w.Number(q[0]);
                w.Number(q[1]);
                w.WriteEndArray();
            }

            w.WriteEndArray();
            w.WriteStartArray("path_steps");
            foreach (int k in steps)
            {
                w.WriteNumberValue(k);
            }

            w.WriteEndArray();
            w.Numbers("losses", steps.Select(k => run.Loss[k]));
            w.WriteEndObject();
        });

        int shown = await PaceAsync(run.Steps, fit.Fps, fit.StepsPerSecond, Frame, control, cancellation).ConfigureAwait(false);
        await StatusAsync(run.Diverged ? "diverged" : "done", shown, cancellation).ConfigureAwait(false);
        ReadOnlySpan<float> final = run.ParametersAt(shown);
        float fw = final[0], fb = final[1];
        await SendAsync(
            JsonText.Bytes(w =>
            {
                w.WriteStartObject();
                w.WriteString("type", "done");
                w.WriteNumber("step", shown);
                w.Number("loss", run.Loss[shown]);
                w.Number("w", fw);
                w.Number("b", fb);
                w.WriteBoolean("diverged", run.Diverged);
                if (run.DivergenceReason is string reason)
                {
                    w.WriteString("divergence_reason", reason);
                }

                w.WriteStartObject("spec");
                w.WriteString("loss", fit.Loss);
                w.WriteString("optimizer", fit.Optimizer);
                if (fit.Schedule is null)
                {
                    w.WriteNull("schedule");
                }
                else
                {
                    w.WriteString("schedule", fit.Schedule);
                }

                w.WriteString("cli", fit.CommandLine());
                if (!fit.StartsAtZero)
                {
                    w.WriteString("note", "the command starts at (w, b) = (0, 0) (--init zeros); this run started elsewhere");
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }),
            cancellation).ConfigureAwait(false);
    }
}
