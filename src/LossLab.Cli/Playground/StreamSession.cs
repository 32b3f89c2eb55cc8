using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace LossLab.Cli.Playground;

/// <summary>
/// One WebSocket of the playground: reads the page's messages (<c>start</c>, <c>pause</c>, <c>resume</c>, <c>step</c>,
/// <c>stop</c>), runs one run at a time (a new <c>start</c> replaces the current run) and streams its frames at the pace
/// asked for. The run is cancelled when the socket closes or fails, so a page that goes away leaves no work behind.
/// </summary>
internal abstract class StreamSession(WebSocket socket, PlaygroundServer server) : IDisposable
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private CancellationTokenSource? _run;
    private Task? _runTask;
    private Channel<string>? _control;
    private int _shown;

    /// <summary>The server (for its run and frame counters).</summary>
    protected PlaygroundServer Server { get; } = server;

    /// <summary>Serves the socket until it closes.</summary>
    public async Task RunAsync(CancellationToken aborted)
    {
        using var life = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        try
        {
            while (await ReceiveAsync(life.Token).ConfigureAwait(false) is string text)
            {
                await HandleAsync(text, life.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The page went away: nothing to answer.
        }
        finally
        {
            await life.CancelAsync().ConfigureAwait(false);
            await StopRunAsync().ConfigureAwait(false);
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // Closing a socket the page already dropped.
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _sending.Dispose();
        _run?.Dispose();
    }

    /// <summary>Reads and checks the start message of this session's kind.</summary>
    protected abstract object ParseStart(StartMessage message);

    /// <summary>Runs a checked start: computes, then streams through <see cref="PaceAsync"/>.</summary>
    protected abstract Task RunAsync(object plan, ChannelReader<string> control, CancellationToken cancellation);

    private async Task HandleAsync(string text, CancellationToken cancellation)
    {
        StartMessage message;
        try
        {
            message = StartMessage.Parse(text);
        }
        catch (PlaygroundException ex)
        {
            await SendAsync(JsonText.Error(ex.Message), cancellation).ConfigureAwait(false);
            return;
        }

        switch (message.Type)
        {
            case "start":
                object plan;
                try
                {
                    plan = ParseStart(message);
                }
                catch (PlaygroundException ex)
                {
                    await SendAsync(JsonText.Error(ex.Message), cancellation).ConfigureAwait(false);
                    return;
                }

                await StopRunAsync().ConfigureAwait(false);
                StartRun(plan, cancellation);
                break;
            case "pause" or "resume" or "step":
                _control?.Writer.TryWrite(message.Type);
                break;
            case "stop":
                bool running = _runTask is { IsCompleted: false };
                await StopRunAsync().ConfigureAwait(false);
                if (running)
                {
                    await StatusAsync("done", _shown, cancellation).ConfigureAwait(false);
                }

                break;
            default:
                await SendAsync(JsonText.Error($"unknown message type '{message.Type}'; accepted: start, pause, resume, step, stop"), cancellation).ConfigureAwait(false);
                break;
        }
    }

    private void StartRun(object plan, CancellationToken session)
    {
        var run = CancellationTokenSource.CreateLinkedTokenSource(session);
        Channel<string> control = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        _run = run;
        _control = control;
        _shown = 0;
        Server.RunStarted();
        _runTask = Task.Run(async () =>
        {
            try
            {
                await RunAsync(plan, control.Reader, run.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
            {
                // Replaced, stopped, or the page went away.
            }
            catch (PlaygroundException ex)
            {
                await TrySendAsync(JsonText.Error(ex.Message), run.Token).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                await TrySendAsync(JsonText.Error(App.Cap(ex.Message.Split(" (Parameter", 2)[0])), run.Token).ConfigureAwait(false);
            }
            finally
            {
                Server.RunEnded();
            }
        }, CancellationToken.None);
    }

    private async Task StopRunAsync()
    {
        if (_run is null)
        {
            return;
        }

        await _run.CancelAsync().ConfigureAwait(false);
        if (_runTask is not null)
        {
            await _runTask.ConfigureAwait(false);
        }

        _run.Dispose();
        _run = null;
        _runTask = null;
        _control = null;
    }

    /// <summary>
    /// Streams steps 0…<paramref name="total"/>: step 0 at once, then about <paramref name="fps"/> frames a second
    /// advancing <paramref name="stepsPerSecond"/> steps a second (several steps per frame), obeying pause (no
    /// frames until resume), step (one step while paused) and resume. <paramref name="frame"/> writes the frame of
    /// steps from…to (inclusive). Returns the last step shown.
    /// </summary>
    protected async Task<int> PaceAsync(int total, double fps, double stepsPerSecond, Func<int, int, byte[]> frame, ChannelReader<string> control, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(control);
        int shown = 0;
        await FrameAsync(frame(0, 0), 0, cancellation).ConfigureAwait(false);
        await StatusAsync("running", 0, cancellation).ConfigureAwait(false);
        bool paused = false;
        double credit = 0;
        TimeSpan interval = TimeSpan.FromSeconds(1 / fps);
        long last = Stopwatch.GetTimestamp();
        while (shown < total)
        {
            string? command = paused
                ? await control.ReadAsync(cancellation).ConfigureAwait(false)
                : control.TryRead(out string? queued) ? queued : null;
            if (command == "pause" && !paused)
            {
                paused = true;
                await StatusAsync("paused", shown, cancellation).ConfigureAwait(false);
                continue;
            }

            if (command == "resume" && paused)
            {
                paused = false;
                credit = 0;
                last = Stopwatch.GetTimestamp();
                await StatusAsync("running", shown, cancellation).ConfigureAwait(false);
                continue;
            }

            if (command == "step" && paused)
            {
                shown++;
                await FrameAsync(frame(shown, shown), shown, cancellation).ConfigureAwait(false);
                continue;
            }

            if (paused || command is not null)
            {
                continue;
            }

            await Task.Delay(interval, cancellation).ConfigureAwait(false);
            long now = Stopwatch.GetTimestamp();
            credit = Math.Min(credit + (Stopwatch.GetElapsedTime(last, now).TotalSeconds * stepsPerSecond), Math.Max(stepsPerSecond, 1));
            last = now;
            int advance = (int)Math.Min(Math.Floor(credit), total - shown);
            if (advance < 1)
            {
                continue;
            }

            credit -= advance;
            await FrameAsync(frame(shown + 1, shown + advance), shown + advance, cancellation).ConfigureAwait(false);
            shown += advance;
        }

        return shown;
    }

    /// <summary>Sends a <c>status</c> message.</summary>
    protected Task StatusAsync(string status, int step, CancellationToken cancellation) => SendAsync(
        JsonText.Bytes(w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "status");
            w.WriteString("status", status);
            w.WriteNumber("step", step);
            w.WriteEndObject();
        }),
        cancellation);

    private async Task FrameAsync(byte[] bytes, int step, CancellationToken cancellation)
    {
        await SendAsync(bytes, cancellation).ConfigureAwait(false);
        _shown = step;
        Server.FrameSent();
    }

    /// <summary>Sends one text message (messages never interleave).</summary>
    protected async Task SendAsync(byte[] bytes, CancellationToken cancellation)
    {
        await _sending.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, true, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task TrySendAsync(byte[] bytes, CancellationToken cancellation)
    {
        try
        {
            await SendAsync(bytes, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or IOException)
        {
            // The page is gone.
        }
    }

    /// <summary>The next text message, or null when the socket closes; a message over the size limit closes the socket after an error frame.</summary>
    private async Task<string?> ReceiveAsync(CancellationToken cancellation)
    {
        byte[] buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, cancellation).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (message.Length > PlaygroundServer.MaxMessageBytes)
            {
                await SendAsync(JsonText.Error($"the message is larger than {PlaygroundServer.MaxMessageBytes / 1024 / 1024} MB; send at most {PointsData.MaxPoints:N0} points"), cancellation).ConfigureAwait(false);
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big", cancellation).ConfigureAwait(false);
                return null;
            }

            if (result.EndOfMessage)
            {
                if (result.MessageType != WebSocketMessageType.Text)
                {
                    await SendAsync(JsonText.Error("send JSON text messages, not binary ones"), cancellation).ConfigureAwait(false);
                    message.SetLength(0);
                    continue;
                }

                return Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
            }
        }
    }
}
