using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LossLab.Cli.Playground;

namespace LossLab.Cli.Tests;

/// <summary>A playground server on a free loopback port, with a client for its HTTP endpoints and sockets.</summary>
internal sealed class PlaygroundHarness : IAsyncDisposable
{
    private PlaygroundHarness(PlaygroundServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = new Uri(server.Url) };
    }

    public PlaygroundServer Server { get; }

    public HttpClient Http { get; }

    public static async Task<PlaygroundHarness> Start() => new(await PlaygroundServer.StartAsync(IPAddress.Loopback, 0, TextWriter.Null));

    public Uri Socket(string path) => new($"ws://127.0.0.1:{Server.Port}{path}");

    public async Task<ClientWebSocket> Connect(string path, string? origin = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin ?? $"http://127.0.0.1:{Server.Port}");
        await socket.ConnectAsync(Socket(path), CancellationToken.None);
        return socket;
    }

    public static Task Send(ClientWebSocket socket, object message)
        => socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next message (a JSON document), waiting at most 10 s.</summary>
    public static async Task<JsonElement> Receive(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var message = new MemoryStream();
        byte[] buffer = new byte[1 << 16];
        while (true)
        {
            WebSocketReceiveResult result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException("the server closed the socket");
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(message.ToArray()).RootElement.Clone();
            }
        }
    }

    /// <summary>Messages up to and including the first of type <paramref name="type"/>.</summary>
    public static async Task<List<JsonElement>> Until(ClientWebSocket socket, string type)
    {
        var messages = new List<JsonElement>();
        while (true)
        {
            JsonElement m = await Receive(socket);
            messages.Add(m);
            if (m.GetProperty("type").GetString() == type || m.GetProperty("type").GetString() == "error")
            {
                return messages;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>The playground server: safety defaults, limits, cancellation, and the numbers it streams against the CLI's traces.</summary>
public sealed class PlaygroundServerTests
{
    private static readonly float[] X = [-1.5f, -0.75f, 0f, 0.5f, 1f, 1.25f, 2f, 0.25f];
    private static readonly float[] Y = [-2.1f, -0.4f, 1.05f, 2.1f, 2.9f, 3.6f, 9f, 1.4f];

    private static Dictionary<string, object?> FitStart(string loss, string optimizer, int steps, string? schedule = null, double? clip = null, double sps = 1_000_000, float[]? x = null, float[]? y = null) => new()
    {
        ["type"] = "start",
        ["x"] = x ?? X,
        ["y"] = y ?? Y,
        ["loss"] = loss,
        ["optimizer"] = optimizer,
        ["schedule"] = schedule,
        ["clip_norm"] = clip,
        ["steps"] = steps,
        ["start"] = new[] { 0, 0 },
        ["fps"] = 120,
        ["steps_per_second"] = sps,
    };

    /// <summary>Runs <c>fit --trace</c> on the points (written as x,y CSV) and returns the trace text.</summary>
    private static string CliFitTrace(string loss, string optimizer, int steps, string? schedule = null, double? clip = null)
    {
        string folder = SpecialFileTests.Folder();
        string csv = Path.Combine(folder, "points.csv"), trace = Path.Combine(folder, "trace.csv");
        File.WriteAllText(csv, "x,y\n" + string.Concat(X.Select((x, i) => string.Create(CultureInfo.InvariantCulture, $"{(double)x:R},{(double)Y[i]:R}\n"))));
        List<string> args = ["fit", "--data", csv, "--target", "y", "--model", "linear", "--loss", loss, "--optimizer", optimizer, "--epochs", steps.ToString(CultureInfo.InvariantCulture), "--batch-size", "0", "--standardize", "false", "--init", "zeros", "--tol", "0", "--validation", "0", "--trace", trace];
        if (schedule is not null)
        {
            args.AddRange(["--schedule", schedule]);
        }

        if (clip is double c)
        {
            args.AddRange(["--clip-norm", c.ToString("R", CultureInfo.InvariantCulture)]);
        }

        var (code, _, err) = CliRunner.Run([.. args]);
        Assert.True(code == 0, err);
        return File.ReadAllText(trace);
    }

    private static List<string[]> Rows(string trace) => [.. trace.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))];

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public async Task Serve_with_port_0_prints_the_real_loopback_port_first_serves_the_page_and_exits_0_on_ctrl_c()
    {
        using var process = CliRunner.Start(true, "serve", "--port", "0", "--no-open");
        try
        {
            string? first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Match match = Regex.Match(first ?? string.Empty, @"^LossLab playground: http://127\.0\.0\.1:(\d+)/$");
            Assert.True(match.Success, first);
            int port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.NotEqual(0, port);
            using var http = new HttpClient();
            string page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.Contains("<html", page, StringComparison.OrdinalIgnoreCase);
            using (var kill = System.Diagnostics.Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, process.ExitCode);
            Assert.DoesNotContain("Exception", await process.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task It_listens_on_loopback_by_default_and_warns_for_another_host()
    {
        var (code, _, err) = CliRunner.Run("serve", "--host", "not-an-address");
        Assert.Equal(1, code);
        Assert.Contains("--host not-an-address", err, StringComparison.Ordinal);
        Assert.True(IPAddress.IsLoopback(ServeCommand.Address("127.0.0.1")));
        var (_, help, _) = CliRunner.Run("serve", "--help");
        Assert.Contains("127.0.0.1", help, StringComparison.Ordinal);
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        Assert.True(IPAddress.IsLoopback(h.Server.Address));
        Assert.StartsWith("http://127.0.0.1:", h.Server.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_foreign_Host_header_is_refused_with_403_and_every_answer_carries_the_security_headers()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using var foreign = new HttpRequestMessage(HttpMethod.Get, "/api/catalog");
        foreign.Headers.Host = $"attacker.example:{h.Server.Port}";
        using HttpResponseMessage refused = await h.Http.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Host", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (string host in new[] { "localhost", "127.0.0.1", "[::1]" })
        {
            using var own = new HttpRequestMessage(HttpMethod.Get, "/");
            own.Headers.Host = $"{host}:{h.Server.Port}";
            using HttpResponseMessage ok = await h.Http.SendAsync(own);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("text/html", ok.Content.Headers.ContentType?.MediaType);
            Assert.Equal(PlaygroundServer.ContentSecurityPolicy, ok.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Equal("nosniff", ok.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", ok.Headers.GetValues("Referrer-Policy").Single());
        }

        using HttpResponseMessage missing = await h.Http.GetAsync(new Uri("/static/no-such-file.js", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_cross_origin_WebSocket_upgrade_is_refused_with_403_and_a_same_origin_one_accepted()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", "http://attacker.example");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(h.Socket("/api/fit"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);

        using ClientWebSocket own = await h.Connect("/api/fit");
        Assert.Equal(WebSocketState.Open, own.State);
    }

    [Fact]
    public async Task Limits_are_enforced_points_steps_and_racers()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using ClientWebSocket fit = await h.Connect("/api/fit");
        float[] many = [.. Enumerable.Range(0, 10_001).Select(i => i / 1000f)];
        await PlaygroundHarness.Send(fit, FitStart("mse", "sgd:lr=0.1", 10, x: many, y: many));
        JsonElement error = await PlaygroundHarness.Receive(fit);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("10,000", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        await PlaygroundHarness.Send(fit, FitStart("mse", "sgd:lr=0.1", 1_000_001));
        error = await PlaygroundHarness.Receive(fit);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("1,000,000", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var body = new StringContent(JsonSerializer.Serialize(FitStart("mse", "sgd:lr=0.1", 10, x: many, y: many)));
        using HttpResponseMessage refused = await h.Http.PostAsync(new Uri("/api/fit/trace", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        using ClientWebSocket race = await h.Connect("/api/surface");
        await PlaygroundHarness.Send(race, new { type = "start", function = "rosenbrock", runs = Enumerable.Repeat(new { optimizer = "sgd:lr=0.001" }, 7).ToArray(), steps = 10 });
        error = await PlaygroundHarness.Receive(race);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("at most 6", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, h.Server.ActiveRuns);
    }

    [Fact]
    public async Task A_closed_socket_stops_its_run_while_streaming_and_while_training()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using (ClientWebSocket socket = await h.Connect("/api/fit"))
        {
            await PlaygroundHarness.Send(socket, FitStart("mse", "sgd:lr=0.01", 2000, sps: 5));
            await PlaygroundHarness.Until(socket, "frame");
            Assert.Equal(1, h.Server.ActiveRuns);
            socket.Abort();
        }

        await WaitFor(() => h.Server.ActiveRuns == 0);
        long frames = h.Server.FramesSent;
        await Task.Delay(500);
        Assert.Equal(frames, h.Server.FramesSent);

        // 10,000 points × 1,000,000 steps would train for minutes: dropping the page cancels the training itself.
        float[] x = [.. Enumerable.Range(0, 10_000).Select(i => i / 5000f)];
        using (ClientWebSocket socket = await h.Connect("/api/fit"))
        {
            await PlaygroundHarness.Send(socket, FitStart("huber", "adam:lr=0.01", 1_000_000, x: x, y: x));
            await WaitFor(() => h.Server.ActiveRuns == 1);
            socket.Abort();
        }

        await WaitFor(() => h.Server.ActiveRuns == 0);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the condition did not hold within 5 s");
            await Task.Delay(20);
        }
    }

    [Theory]
    [InlineData("mse", "sgd:lr=0.05", null, null)]
    [InlineData("huber:delta=1", "adam:lr=0.05", null, null)]
    [InlineData("l1", "sgd:lr=0.1,momentum=0.9", "step:step_size=20,gamma=0.5", 1.0)]
    public async Task The_fit_socket_streams_the_w_b_and_loss_of_fit_trace_at_every_step(string loss, string optimizer, string? schedule, double? clip)
    {
        const int steps = 120;
        string trace = CliFitTrace(loss, optimizer, steps, schedule, clip);
        List<string[]> rows = Rows(trace);
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using ClientWebSocket socket = await h.Connect("/api/fit");
        await PlaygroundHarness.Send(socket, FitStart(loss, optimizer, steps, schedule, clip));
        List<JsonElement> messages = await PlaygroundHarness.Until(socket, "done");
        Assert.Equal("landscape", messages[0].GetProperty("type").GetString());
        var streamed = new SortedDictionary<int, (float W, float B, double Loss)>();
        foreach (JsonElement frame in messages.Where(m => m.GetProperty("type").GetString() == "frame"))
        {
            JsonElement[] path = [.. frame.GetProperty("path").EnumerateArray()];
            JsonElement[] at = [.. frame.GetProperty("path_steps").EnumerateArray()];
            JsonElement[] losses = [.. frame.GetProperty("losses").EnumerateArray()];
            for (int i = 0; i < path.Length; i++)
            {
                streamed[at[i].GetInt32()] = ((float)path[i][0].GetDouble(), (float)path[i][1].GetDouble(), losses[i].GetDouble());
            }
        }

        Assert.Equal(rows.Count, streamed.Count);
        foreach (string[] row in rows)
        {
            (float w, float b, double l) = streamed[int.Parse(row[0], CultureInfo.InvariantCulture)];
            Assert.Equal(float.Parse(row[4], CultureInfo.InvariantCulture), w);
            Assert.Equal(float.Parse(row[5], CultureInfo.InvariantCulture), b);
            Assert.Equal(D(row[1]), l);
        }

        JsonElement done = messages[^1];
        Assert.Equal(steps, done.GetProperty("step").GetInt32());
        Assert.Contains($"--loss {loss}", done.GetProperty("spec").GetProperty("cli").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trace_endpoint_answers_the_fit_trace_file_byte_for_byte()
    {
        string expected = CliFitTrace("huber:delta=0.5", "adam:lr=0.05", 80, "cosine:t_max=80", 2.0);
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using var body = new StringContent(JsonSerializer.Serialize(FitStart("huber:delta=0.5", "adam:lr=0.05", 80, "cosine:t_max=80", 2.0)), Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await h.Http.PostAsync(new Uri("/api/fit/trace", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_surface_socket_streams_the_points_of_optimize_trace_for_every_racer()
    {
        string[] optimizers = ["sgd:lr=0.001", "adam:lr=0.05", "rmsprop:lr=0.01"];
        const int steps = 150;
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using ClientWebSocket socket = await h.Connect("/api/surface");
        await PlaygroundHarness.Send(socket, new { type = "start", function = "rosenbrock", start = new[] { -1.5, 2 }, runs = optimizers.Select(o => new { optimizer = o, schedule = (string?)null, clip_norm = o.StartsWith("sgd", StringComparison.Ordinal) ? 10.0 : (double?)null }).ToArray(), steps, fps = 120, steps_per_second = 1_000_000 });
        List<JsonElement> messages = await PlaygroundHarness.Until(socket, "done");
        JsonElement surface = messages[0];
        Assert.Equal("surface", surface.GetProperty("type").GetString());
        Assert.Equal(80, surface.GetProperty("z").GetArrayLength());
        for (int r = 0; r < optimizers.Length; r++)
        {
            var points = new List<(float X, float Y, double V)>();
            foreach (JsonElement frame in messages.Where(m => m.GetProperty("type").GetString() == "frame"))
            {
                JsonElement run = frame.GetProperty("runs")[r];
                JsonElement[] values = [.. run.GetProperty("values").EnumerateArray()];
                int i = 0;
                foreach (JsonElement p in run.GetProperty("path").EnumerateArray())
                {
                    points.Add(((float)p[0].GetDouble(), (float)p[1].GetDouble(), values[i++].GetDouble()));
                }
            }

            string trace = Path.Combine(SpecialFileTests.Folder(), "trace.csv");
            List<string> args = ["optimize", "--function", "rosenbrock", "--start", "-1.5,2", "--optimizer", optimizers[r], "--steps", steps.ToString(CultureInfo.InvariantCulture), "--trace", trace];
            if (r == 0)
            {
                args.AddRange(["--clip-norm", "10"]);
            }

            var (code, _, err) = CliRunner.Run([.. args]);
            Assert.True(code == 0, err);
            List<string[]> rows = Rows(File.ReadAllText(trace));
            Assert.Equal(rows.Count, points.Count);
            for (int k = 0; k < rows.Count; k++)
            {
                Assert.Equal(float.Parse(rows[k][4], CultureInfo.InvariantCulture), points[k].X);
                Assert.Equal(float.Parse(rows[k][5], CultureInfo.InvariantCulture), points[k].Y);
                Assert.Equal(D(rows[k][1]), points[k].V);
            }
        }
    }

    [Fact]
    public async Task The_pull_of_a_point_grows_with_its_residual_under_mse_and_is_plus_or_minus_one_under_l1()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        foreach (string loss in new[] { "mse", "l1" })
        {
            using ClientWebSocket socket = await h.Connect("/api/fit");
            await PlaygroundHarness.Send(socket, FitStart(loss, "sgd:lr=0.01", 5));
            JsonElement frame = (await PlaygroundHarness.Until(socket, "frame"))[^1];
            float w = (float)frame.GetProperty("w").GetDouble(), b = (float)frame.GetProperty("b").GetDouble();
            double[] pull = [.. frame.GetProperty("pull").EnumerateArray().Select(p => p.GetDouble())];
            Assert.Equal(X.Length, pull.Length);
            for (int i = 0; i < X.Length; i++)
            {
                double residual = ((w * X[i]) + b) - Y[i];
                Assert.Equal(loss == "mse" ? 2 * residual : Math.Sign(residual), pull[i], 4);
            }
        }
    }

    [Fact]
    public async Task Pause_holds_the_frames_step_advances_one_and_resume_runs_again()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using ClientWebSocket socket = await h.Connect("/api/fit");
        await PlaygroundHarness.Send(socket, FitStart("mse", "sgd:lr=0.01", 10_000, sps: 20));
        await PlaygroundHarness.Until(socket, "status");
        await PlaygroundHarness.Send(socket, new { type = "pause" });
        JsonElement paused = (await PlaygroundHarness.Until(socket, "status"))[^1];
        Assert.Equal("paused", paused.GetProperty("status").GetString());
        int at = paused.GetProperty("step").GetInt32();
        await PlaygroundHarness.Send(socket, new { type = "step" });
        JsonElement stepped = await PlaygroundHarness.Receive(socket);
        Assert.Equal("frame", stepped.GetProperty("type").GetString());
        Assert.Equal(at + 1, stepped.GetProperty("step").GetInt32());
        await PlaygroundHarness.Send(socket, new { type = "resume" });
        JsonElement resumed = (await PlaygroundHarness.Until(socket, "status"))[^1];
        Assert.Equal("running", resumed.GetProperty("status").GetString());
        JsonElement next = await PlaygroundHarness.Receive(socket);
        Assert.True(next.GetProperty("step").GetInt32() > at + 1);
        await PlaygroundHarness.Send(socket, new { type = "stop" });
        JsonElement stopped = (await PlaygroundHarness.Until(socket, "status"))[^1];
        Assert.Equal("done", stopped.GetProperty("status").GetString());
        await WaitFor(() => h.Server.ActiveRuns == 0);
    }

    [Fact]
    public async Task Catalog_and_data_come_from_the_library()
    {
        await using PlaygroundHarness h = await PlaygroundHarness.Start();
        using JsonDocument catalog = JsonDocument.Parse(await h.Http.GetStringAsync(new Uri("/api/catalog", UriKind.Relative)));
        JsonElement huber = catalog.RootElement.GetProperty("losses").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "huber");
        Assert.Equal("delta", huber.GetProperty("params")[0].GetProperty("name").GetString());
        Assert.DoesNotContain(catalog.RootElement.GetProperty("losses").EnumerateArray(), l => l.GetProperty("name").GetString() == "cross_entropy");
        Assert.Contains(catalog.RootElement.GetProperty("optimizers").EnumerateArray(), o => o.GetProperty("name").GetString() == "adam");
        Assert.Equal(
            LossLab.Functions.TestFunctions.All.Select(f => f.Name),
            catalog.RootElement.GetProperty("surfaces").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        using JsonDocument data = JsonDocument.Parse(await h.Http.GetStringAsync(new Uri("/api/data?n=50&outliers=10&seed=3", UriKind.Relative)));
        LossLab.Lab.Data.Dataset expected = LossLab.Lab.Data.Builtins.Load("builtin:seed:n=50,outliers=0.1,seed=3");
        Assert.Equal(expected.Targets, data.RootElement.GetProperty("y").EnumerateArray().Select(v => (float)v.GetDouble()));
        Assert.Equal(expected.Features, data.RootElement.GetProperty("x").EnumerateArray().Select(v => (float)v.GetDouble()));
        Assert.Equal(5, data.RootElement.GetProperty("outlier").EnumerateArray().Count(o => o.GetBoolean()));

        using HttpResponseMessage bad = await h.Http.GetAsync(new Uri("/api/data?outliers=25", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
