using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LossLab.Browser.Tests;

/// <summary>
/// Panel 1 ("Fit") of <c>losslab serve</c> in Debian's headless Chromium (driven by Playwright): the built CLI runs as a
/// child process on a free port, each test opens the page in a fresh context and checks that no request leaves the
/// server and that no console or page error happens.
/// </summary>
public sealed class PlaygroundFitTests : IClassFixture<PlaygroundFitTests.Server>
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string MissingChromium = "headless Chromium check needs Debian's chromium: apt-get install -y chromium";
    private const float StepTimeoutMs = 20_000;
    private static readonly (double W, double B) Truth = (2, 1);

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly Server server;

    public PlaygroundFitTests(Server server)
    {
        this.server = server;
    }

    [SkippableFact]
    public async Task L1_with_adam_ends_closer_to_the_true_line_than_mse_with_five_percent_outliers()
    {
        await using Session s = await OpenAsync();
        await SetOutliersAsync(s.Page, 5);
        await ChooseAsync(s.Page, loss: "mse", optimizer: "adam", lr: "0.05", steps: "500");
        await TrainAndWaitAsync(s.Page);
        (double W, double B) mse = await ParamsAsync(s.Page);

        // The mse run stays on the charts in grey while l1 trains (the screenshot shows both).
        await Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Pin run", Exact = true }).ClickAsync();
        await ChooseAsync(s.Page, loss: "l1", optimizer: "adam", lr: "0.05", steps: "500");
        await TrainAndWaitAsync(s.Page);
        (double W, double B) l1 = await ParamsAsync(s.Page);

        double mseDistance = Distance(mse, Truth);
        double l1Distance = Distance(l1, Truth);
        Assert.True(l1Distance < mseDistance, $"l1 ended at {l1} ({l1Distance:G4} from (2, 1)), mse at {mse} ({mseDistance:G4})");
        Assert.True(mseDistance > 0.1, $"mse ended at {mse}: the 5 % outliers should pull it off (2, 1)");
        Assert.Equal(2, await s.Page.EvaluateAsync<int>("() => document.getElementById('loss-chart').data.filter(t => t.visible !== false && t.y.length > 0).length"));
        await Expect(Fit(s.Page).GetByTestId("spec")).ToContainTextAsync("--loss l1");

        string? shot = Environment.GetEnvironmentVariable("LOSSLAB_PLAYGROUND_SCREENSHOT");
        await s.Page.ScreenshotAsync(new() { Path = string.IsNullOrEmpty(shot) ? Path.Combine(s.Work, "fit.png") : shot });
        await s.AssertCleanAsync();
    }

    [SkippableFact]
    public async Task Dragging_a_point_moves_it_and_retrains_the_line_and_a_click_adds_a_point()
    {
        await using Session s = await OpenAsync();
        await SetOutliersAsync(s.Page, 0);
        await ChooseAsync(s.Page, loss: "mse", optimizer: "adam", lr: "0.1", steps: "300");
        await TrainAndWaitAsync(s.Page);
        (double W, double B) before = await ParamsAsync(s.Page);

        // The rightmost point, in page pixels, through the chart's own axes.
        JsonElement at = await s.Page.EvaluateAsync<JsonElement>(
            """
            () => {
              const gd = document.getElementById('fit-chart');
              const t = gd.data[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
              let i = 0;
              for (let k = 1; k < t.x.length; k++) { if (t.x[k] > t.x[i]) { i = k; } }
              return { i, x: t.x[i], y: t.y[i], px: box.left + xa._offset + xa.d2p(t.x[i]), py: box.top + ya._offset + ya.d2p(t.y[i]),
                       bottom: box.top + ya._offset + ya._length };
            }
            """);
        int index = at.GetProperty("i").GetInt32();
        double px = at.GetProperty("px").GetDouble(), py = at.GetProperty("py").GetDouble();
        double target = at.GetProperty("bottom").GetDouble() - 10;
        await s.Page.Mouse.MoveAsync((float)px, (float)py);
        await s.Page.Mouse.DownAsync();
        await s.Page.Mouse.MoveAsync((float)px, (float)((py + target) / 2), new() { Steps = 5 });
        await s.Page.Mouse.MoveAsync((float)px, (float)target, new() { Steps = 5 });
        await s.Page.Mouse.UpAsync();

        double movedY = await s.Page.EvaluateAsync<double>($"() => document.getElementById('fit-chart').data[0].y[{index}]");
        Assert.True(movedY < at.GetProperty("y").GetDouble() - 2, $"the point was not dragged down: y {at.GetProperty("y").GetDouble():G4} → {movedY:G4}");
        await Expect(Fit(s.Page).GetByTestId("status")).ToHaveTextAsync("done", new() { Timeout = StepTimeoutMs });
        (double W, double B) after = await ParamsAsync(s.Page);
        Assert.True(after.W < before.W - 0.01, $"dragging the rightmost point down should flatten the line: {before} → {after}");

        // A click on empty space adds a point (and trains again).
        await s.Page.Mouse.ClickAsync((float)(px - 40), (float)(at.GetProperty("bottom").GetDouble() - 5));
        Assert.Equal(101, await s.Page.EvaluateAsync<int>("() => document.getElementById('fit-chart').data[0].x.length"));
        await Expect(Fit(s.Page).GetByTestId("status")).ToHaveTextAsync("done", new() { Timeout = StepTimeoutMs });
        await s.AssertCleanAsync();
    }

    [SkippableFact]
    public async Task Switching_the_optimizer_mid_run_continues_from_the_current_line_to_done()
    {
        await using Session s = await OpenAsync();
        await ChooseAsync(s.Page, loss: "huber", optimizer: "adam", lr: "0.01", steps: "1500");
        await Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();
        await Expect(Fit(s.Page).GetByTestId("status")).ToHaveTextAsync("running");

        // Wait until the line has left (0, 0), then switch while it is still running.
        await s.Page.WaitForFunctionAsync("() => /^w = (?!0\\.0000,)/.test(document.querySelector('[data-testid=params]').textContent)");
        await Fit(s.Page).GetByLabel("Optimizer", new() { Exact = true }).SelectOptionAsync("sgd");
        await Expect(Fit(s.Page).GetByTestId("status")).ToHaveTextAsync("running");
        (double W, double B) switched = await ParamsAsync(s.Page);
        Assert.True(switched != (0, 0), "the switch restarted from (0, 0)");

        await Expect(Fit(s.Page).GetByTestId("status")).ToHaveTextAsync("done", new() { Timeout = StepTimeoutMs });
        ILocator spec = Fit(s.Page).GetByTestId("spec");
        await Expect(spec).ToContainTextAsync("--optimizer sgd");

        // The command line starts at (0, 0); the page says this run continued from elsewhere.
        await Expect(s.Page.Locator("#fit-spec-note")).ToBeVisibleAsync();
        await Expect(s.Page.Locator("#fit-spec-note")).ToContainTextAsync("this run continued from (");
        await s.AssertCleanAsync();
    }

    [SkippableFact]
    public async Task Pause_step_and_resume_drive_the_run_one_step_at_a_time()
    {
        await using Session s = await OpenAsync();
        await ChooseAsync(s.Page, loss: "huber", optimizer: "adam", lr: "0.01", steps: "3000");
        await Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();
        await s.Page.WaitForFunctionAsync("() => /^step [1-9]/.test(document.getElementById('fit-step-readout').textContent)");
        await Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        ILocator status = Fit(s.Page).GetByTestId("status");
        await Expect(status).ToHaveTextAsync("paused");
        ILocator readout = s.Page.Locator("#fit-step-readout");
        int paused = int.Parse((await readout.TextContentAsync() ?? "").Replace("step ", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
        Assert.True(paused < 3000, $"paused at step {paused}");

        await Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Step", Exact = true }).ClickAsync();
        await Expect(readout).ToHaveTextAsync($"step {paused + 1}");
        await Expect(status).ToHaveTextAsync("paused");

        await Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Resume", Exact = true }).ClickAsync();
        await Expect(status).ToHaveTextAsync("done", new() { Timeout = StepTimeoutMs });
        await Expect(readout).ToHaveTextAsync("step 3000");
        await s.AssertCleanAsync();
    }

    [SkippableFact]
    public async Task Download_trace_CSV_gives_the_CLI_trace_of_the_current_run()
    {
        await using Session s = await OpenAsync();
        await ChooseAsync(s.Page, loss: "l1", optimizer: "adam", lr: "0.05", steps: "200");
        await TrainAndWaitAsync(s.Page);
        IDownload download = await s.Page.RunAndWaitForDownloadAsync(
            () => Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Download trace CSV", Exact = true }).ClickAsync());
        string file = Path.Combine(s.Work, "trace.csv");
        await download.SaveAsAsync(file);
        string[] lines = File.ReadAllLines(file);
        Assert.StartsWith("step,loss,lr,grad_norm,p0,p1", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length > 200, $"the trace has {lines.Length} lines for 200 steps");
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        await s.AssertCleanAsync();
    }

    [SkippableFact]
    public async Task Clip_norm_and_the_points_reach_the_shown_command_which_names_the_regression_task()
    {
        await using Session s = await OpenAsync();
        await ChooseAsync(s.Page, loss: "mse", optimizer: "sgd", lr: "0.05", steps: "50");
        await Fit(s.Page).GetByLabel("Clip norm", new() { Exact = true }).FillAsync("0.5");
        await TrainAndWaitAsync(s.Page);
        string spec = await s.Page.GetByTestId("spec").InnerTextAsync();
        Assert.Contains("--task regression", spec, StringComparison.Ordinal);
        Assert.Contains("--clip-norm 0.5", spec, StringComparison.Ordinal);

        IDownload download = await s.Page.RunAndWaitForDownloadAsync(
            () => Fit(s.Page).GetByRole(AriaRole.Button, new() { Name = "Download points CSV", Exact = true }).ClickAsync());
        string file = Path.Combine(s.Work, "points.csv");
        await download.SaveAsAsync(file);
        string[] lines = File.ReadAllLines(file);
        Assert.Equal("x,y", lines[0]);
        Assert.Equal(101, lines.Length);
        await s.AssertCleanAsync();
    }

    /// <summary>Panel 1; the page's other panel has controls of the same names (Steps, Pause, Step).</summary>
    private static ILocator Fit(IPage page) => page.Locator("#fit-panel");

    private static double Distance((double W, double B) a, (double W, double B) b) => Math.Sqrt(((a.W - b.W) * (a.W - b.W)) + ((a.B - b.B) * (a.B - b.B)));

    private static async Task SetOutliersAsync(IPage page, int percent)
    {
        ILocator outliers = Fit(page).GetByLabel("Outliers", new() { Exact = true });
        await outliers.EvaluateAsync(
            "(input, v) => { input.value = String(v); input.dispatchEvent(new Event('input', { bubbles: true })); input.dispatchEvent(new Event('change', { bubbles: true })); }",
            percent);
        await Expect(page.Locator("#fit-outliers-value")).ToHaveTextAsync($"{percent} %");
        string expected = percent == 0 ? "false" : "true";
        await page.WaitForFunctionAsync($"() => document.getElementById('fit-chart').data[0].marker.symbol.includes('diamond') === {expected}");
    }

    private static async Task ChooseAsync(IPage page, string loss, string optimizer, string lr, string steps)
    {
        await Fit(page).GetByLabel("Loss", new() { Exact = true }).SelectOptionAsync(loss);
        await Fit(page).GetByLabel("Optimizer", new() { Exact = true }).SelectOptionAsync(optimizer);
        await Fit(page).GetByLabel("Learning rate", new() { Exact = true }).FillAsync(lr);
        await Fit(page).GetByLabel("Steps", new() { Exact = true }).FillAsync(steps);
    }

    private static async Task TrainAndWaitAsync(IPage page)
    {
        await Fit(page).GetByRole(AriaRole.Button, new() { Name = "Train", Exact = true }).ClickAsync();
        await Expect(Fit(page).GetByTestId("status")).ToHaveTextAsync("done", new() { Timeout = StepTimeoutMs });
    }

    private static async Task<(double W, double B)> ParamsAsync(IPage page)
    {
        string text = await Fit(page).GetByTestId("params").TextContentAsync() ?? "";
        System.Text.RegularExpressions.Match m = System.Text.RegularExpressions.Regex.Match(text, @"^w = (-?\d+\.\d{4}), b = (-?\d+\.\d{4})$");
        Assert.True(m.Success, $"params readout '{text}' is not 'w = …, b = …' with 4 decimals");
        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    private async Task<Session> OpenAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(MissingChromium);
            }

            Skip.If(true, MissingChromium);
        }

        Uri url = server.Url;
        var session = new Session(url);
        try
        {
            // Never fetch browsers: the system Chromium is the only one used.
            Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            session.Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            string profile = Path.Combine(session.Work, "profile");
            Directory.CreateDirectory(profile);
            session.Context = await session.Playwright.Chromium.LaunchPersistentContextAsync(profile, new()
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Timeout = StepTimeoutMs,
                AcceptDownloads = true,
                ViewportSize = new() { Width = 1280, Height = 900 },
            });
            session.Context.SetDefaultTimeout(StepTimeoutMs);
            session.Context.SetDefaultNavigationTimeout(StepTimeoutMs);
            SetDefaultExpectTimeout(StepTimeoutMs);

            // Anything not addressed to the server is refused before it leaves (and reported).
            await session.Context.RouteAsync("**/*", async route =>
            {
                if (session.IsServer(route.Request.Url))
                {
                    await route.ContinueAsync();
                }
                else
                {
                    session.Problem("request outside the server: " + route.Request.Url);
                    await route.AbortAsync();
                }
            });
            IPage page = session.Context.Pages.Count > 0 ? session.Context.Pages[0] : await session.Context.NewPageAsync();
            session.Watch(page);
            IResponse? response = await page.GotoAsync(url.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
            Assert.NotNull(response);
            Assert.True(response.Ok, $"{response.Status} for {url}");
            await page.WaitForSelectorAsync("body[data-fit-ready='true']");
            session.Page = page;
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>One browser context on the page, with what it saw: every request, console errors, page errors.</summary>
    private sealed class Session(Uri server) : IAsyncDisposable
    {
        private readonly List<string> problems = [];
        private readonly List<string> requests = [];
        private readonly List<(string Text, string Location)> consoleErrors = [];

        public string Work { get; } = Directory.CreateTempSubdirectory("losslab-playground").FullName;

        public IPlaywright? Playwright { get; set; }

        public IBrowserContext? Context { get; set; }

        public IPage Page { get; set; } = null!;

        public bool IsServer(string url)
        {
            if (url.StartsWith("data:", StringComparison.Ordinal))
            {
                return true;
            }

            string address = url.StartsWith("blob:", StringComparison.Ordinal) ? url["blob:".Length..] : url;
            return Uri.TryCreate(address, UriKind.Absolute, out Uri? uri)
                && uri.Scheme is "http" or "ws" or "blob"
                && uri.Host == server.Host && uri.Port == server.Port;
        }

        public void Problem(string text)
        {
            lock (problems)
            {
                problems.Add(text);
            }
        }

        public void Watch(IPage page)
        {
            page.Request += (_, request) => { lock (requests) { requests.Add(request.Url); } };
            page.WebSocket += (_, socket) =>
            {
                if (!IsServer(socket.Url))
                {
                    Problem("WebSocket outside the server: " + socket.Url);
                }
            };
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    lock (consoleErrors) { consoleErrors.Add((message.Text, message.Location)); }
                }
            };
            page.PageError += (_, message) => Problem("page error: " + message);
            page.Dialog += (_, dialog) => Problem("dialog opened: " + dialog.Message);
        }

        /// <summary>Every request went to the server, and nothing went wrong in the console.</summary>
        public async Task AssertCleanAsync()
        {
            string[] seen;
            lock (requests) { seen = [.. requests]; }
            Assert.Contains(seen, u => u.EndsWith("/static/fit.js", StringComparison.Ordinal));
            Assert.Contains(seen, u => u.EndsWith("/static/vendor/plotly-cartesian.min.js", StringComparison.Ordinal));
            List<string> all = [.. seen.Where(u => !IsServer(u)).Select(u => "request outside the server: " + u)];
            lock (problems)
            {
                all.AddRange(problems);
            }

            // The surfaces panel's files belong to another part of the page; while they are absent their 404 is
            // expected and must not break this panel (the console errors it causes are then not counted).
            var absent = new List<string>();
            using (var http = new HttpClient())
            {
                foreach (string file in new[] { "static/surfaces.js", "static/surfaces.css" })
                {
                    var url = new Uri(server, file);
                    using HttpResponseMessage response = await http.GetAsync(url);
                    if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        absent.Add(url.AbsoluteUri);
                    }
                }
            }

            lock (consoleErrors)
            {
                all.AddRange(consoleErrors
                    .Where(e => !absent.Any(m => e.Location.StartsWith(m, StringComparison.Ordinal) || e.Text.Contains(m, StringComparison.Ordinal)))
                    .Select(e => "console: " + e.Text + " at " + e.Location));
            }

            Assert.True(all.Count == 0, string.Join('\n', all));
        }

        public async ValueTask DisposeAsync()
        {
            if (Context is not null)
            {
                await Context.CloseAsync();
                await Context.DisposeAsync();
            }

            Playwright?.Dispose();
            try
            {
                Directory.Delete(Work, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The built CLI's <c>serve --port 0 --no-open</c> as a child process, shared by the tests of the class.</summary>
    public sealed class Server : IDisposable
    {
        private readonly Lazy<(Process Process, Uri Url)> started = new(Start);

        public Uri Url => started.Value.Url;

        private static (Process, Uri) Start()
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll"));
            foreach (string a in new[] { "serve", "--port", "0", "--no-open" })
            {
                info.ArgumentList.Add(a);
            }

            var process = Process.Start(info)!;
            process.ErrorDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            Task<string?> first = process.StandardOutput.ReadLineAsync();
            if (!first.Wait(TimeSpan.FromSeconds(30)) || first.Result is null)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("losslab serve printed no address within 30 s");
            }

            // Nothing else is expected on stdout; drain it so the server never blocks on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            const string Prefix = "LossLab playground: ";
            string line = first.Result;
            Assert.StartsWith(Prefix, line, StringComparison.Ordinal);
            return (process, new Uri(line[Prefix.Length..].Trim()));
        }

        public void Dispose()
        {
            if (!started.IsValueCreated)
            {
                return;
            }

            Process process = started.Value.Process;
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }
    }
}
