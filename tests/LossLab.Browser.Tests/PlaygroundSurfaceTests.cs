using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace LossLab.Browser.Tests;

/// <summary>
/// Panel 2 of <c>losslab serve</c> ("Optimizers on surfaces") in Debian's headless Chromium: the built CLI serves on a
/// free port as a child process, the page races optimizers on a test surface, and every request stays on that server.
/// </summary>
public sealed class PlaygroundSurfaceTests : IClassFixture<PlaygroundSurfaceTests.Server>
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string MissingChromium = "headless Chromium check needs Debian's chromium: apt-get install -y chromium";
    private const float StepTimeoutMs = 15_000;
    private static readonly TimeSpan WholeTestTimeout = TimeSpan.FromSeconds(40);

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly Server _server;

    public PlaygroundSurfaceTests(Server server) => _server = server;

    [SkippableFact]
    public Task Three_optimizers_race_on_rosenbrock_and_each_draws_its_path() => WithPageAsync(async page =>
    {
        await OpenPanelAsync(page);
        await Panel(page).GetByLabel("Function", new() { Exact = true }).SelectOptionAsync("rosenbrock");
        await CheckOnlyAsync(page, "sgd", "sgd momentum", "adam");
        await Panel(page).GetByLabel("Steps", new() { Exact = true }).FillAsync("1000");
        await Panel(page).GetByLabel("Speed", new() { Exact = true }).SelectOptionAsync("5000");
        await Panel(page).GetByRole(AriaRole.Button, new() { Name = "Race", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("surface-status")).ToHaveTextAsync("done");

        JsonElement paths = await page.EvaluateAsync<JsonElement>(
            "() => document.getElementById('surface-chart').data.filter(t => t.meta === 'path').map(t => ({ name: t.name, x: Array.from(t.x), y: Array.from(t.y) }))");
        Assert.Equal(3, paths.GetArrayLength());
        foreach (JsonElement path in paths.EnumerateArray())
        {
            int points = path.GetProperty("x").GetArrayLength();
            Assert.True(points > 10, $"{path.GetProperty("name").GetString()} has only {points} points");
            Assert.Equal(points, path.GetProperty("y").GetArrayLength());

            // Every path starts at the catalog's start of rosenbrock.
            Assert.Equal(-1.5, path.GetProperty("x")[0].GetDouble());
            Assert.Equal(2, path.GetProperty("y")[0].GetDouble());
        }

        // The contour is drawn from the server's grid and the table reads one row per optimizer.
        Assert.Equal(1, await page.EvaluateAsync<int>("() => document.getElementById('surface-chart').data.filter(t => t.type === 'contour').length"));
        Assert.Equal(3, await page.Locator("[data-testid=surface-table] tbody tr").CountAsync());
        string adamRow = await page.Locator("[data-testid=surface-table] tbody tr").Nth(2).InnerTextAsync();
        Assert.StartsWith("adam", adamRow, StringComparison.Ordinal);

        // The picture of the panel at 1280×900; with LOSSLAB_DOCS_IMAGES set it is written there for the docs.
        string? docs = Environment.GetEnvironmentVariable("LOSSLAB_DOCS_IMAGES");
        byte[] png = await page.ScreenshotAsync(new() { Path = docs is null ? null : Path.Combine(docs, "playground-surfaces.png") });
        Assert.True(png.Length > 30_000, $"screenshot is only {png.Length} bytes");
    });

    [SkippableFact]
    public Task Clicking_the_chart_moves_the_start_and_restarts_a_running_race() => WithPageAsync(async page =>
    {
        await OpenPanelAsync(page);
        await Panel(page).GetByLabel("Function", new() { Exact = true }).SelectOptionAsync("rosenbrock");
        await CheckOnlyAsync(page, "adam");
        await Panel(page).GetByLabel("Steps", new() { Exact = true }).FillAsync("100000");
        await Panel(page).GetByLabel("Speed", new() { Exact = true }).SelectOptionAsync("50");
        await Panel(page).GetByRole(AriaRole.Button, new() { Name = "Race", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("surface-status")).ToHaveTextAsync("running");

        // A click at a quarter of the plot area's width and height: rosenbrock's bounds x ∈ [-2, 2], y ∈ [-1, 3] map it near (-1, 2).
        LocatorBoundingBoxResult? area = await page.Locator("#surface-chart .nsewdrag").BoundingBoxAsync();
        Assert.NotNull(area);
        await page.Mouse.ClickAsync(area.X + (0.25f * area.Width), area.Y + (0.25f * area.Height));
        double x = double.Parse(await Panel(page).GetByLabel("Start x", new() { Exact = true }).InputValueAsync(), System.Globalization.CultureInfo.InvariantCulture);
        double y = double.Parse(await Panel(page).GetByLabel("Start y", new() { Exact = true }).InputValueAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(x, -1.05, -0.95);
        Assert.InRange(y, 1.95, 2.05);

        // The race restarted from the clicked point: the path and the start marker begin there, and it runs again.
        await page.WaitForFunctionAsync(
            "([x, y]) => { const d = document.getElementById('surface-chart').data || []; const p = d.find(t => t.meta === 'path'); const s = d.find(t => t.meta === 'start');"
            + " return p && s && p.x[0] === x && p.y[0] === y && s.x[0] === x && s.y[0] === y && p.x.length > 2; }",
            new[] { x, y });
        await Assertions.Expect(page.GetByTestId("surface-status")).ToHaveTextAsync("running");

        // Pause holds it; Step advances it by exactly one step while paused.
        await Panel(page).GetByRole(AriaRole.Button, new() { Name = "Pause", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("surface-status")).ToHaveTextAsync("paused");
        int before = await PathLengthAsync(page);
        await Panel(page).GetByRole(AriaRole.Button, new() { Name = "Step", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("n => document.getElementById('surface-chart').data.find(t => t.meta === 'path').x.length > n", before);
        Assert.Equal(before + 1, await PathLengthAsync(page));
    });

    [SkippableFact]
    public Task Every_control_has_a_label_and_the_race_starts_from_the_keyboard() => WithPageAsync(async page =>
    {
        await OpenPanelAsync(page);
        string[] unlabelled = await page.EvaluateAsync<string[]>(
            "() => Array.from(document.querySelectorAll('#surfaces-panel input, #surfaces-panel select')).filter(e => e.labels.length === 0 || !e.labels[0].textContent.trim()).map(e => e.id || e.outerHTML)");
        Assert.Empty(unlabelled);

        // Up to 6 optimizers: with 6 checked the others are disabled.
        ILocator boxes = page.Locator("#surfaces-panel input[type=checkbox]");
        int total = await boxes.CountAsync();
        Assert.True(total > 6, $"only {total} optimizers offered");
        for (int i = 0; i < total; i++)
        {
            if (!await boxes.Nth(i).IsCheckedAsync() && !await boxes.Nth(i).IsDisabledAsync())
            {
                await boxes.Nth(i).CheckAsync();
            }
        }

        Assert.Equal(6, await page.Locator("#surfaces-panel input[type=checkbox]:checked").CountAsync());
        Assert.Equal(total - 6, await page.Locator("#surfaces-panel input[type=checkbox]:disabled").CountAsync());

        // Keyboard only: Enter in the Steps field submits the form (Race).
        await CheckOnlyAsync(page, "adam");
        await Panel(page).GetByLabel("Function", new() { Exact = true }).SelectOptionAsync("quadratic");
        await Panel(page).GetByLabel("Speed", new() { Exact = true }).SelectOptionAsync("5000");
        await Panel(page).GetByLabel("Steps", new() { Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("50");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("surface-status")).ToHaveTextAsync("done");
        Assert.Equal(51, await PathLengthAsync(page));
    });

    /// <summary>Panel 2 (panel 1 has controls of the same names).</summary>
    private static ILocator Panel(IPage page) => page.Locator("#surfaces-panel");

    private static Task<int> PathLengthAsync(IPage page) =>
        page.EvaluateAsync<int>("() => document.getElementById('surface-chart').data.find(t => t.meta === 'path').x.length");

    /// <summary>Shows panel 2 and waits until its controls are built from the catalog.</summary>
    private static async Task OpenPanelAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Tab, new() { Name = "Optimizers on surfaces" }).ClickAsync();
        await page.Locator("#surfaces-panel[data-ready=true]").WaitForAsync();
    }

    private static async Task CheckOnlyAsync(IPage page, params string[] labels)
    {
        ILocator checkedBoxes = page.Locator("#surfaces-panel input[type=checkbox]:checked");
        while (await checkedBoxes.CountAsync() > 0)
        {
            await checkedBoxes.First.UncheckAsync();
        }

        foreach (string label in labels)
        {
            await Panel(page).GetByRole(AriaRole.Checkbox, new() { Name = label, Exact = true }).CheckAsync();
        }
    }

    /// <summary>
    /// Opens the playground in a fresh browser context and runs <paramref name="body"/>; afterwards checks that no request
    /// (page, script, WebSocket) left the server and that the page logged no error.
    /// </summary>
    private async Task WithPageAsync(Func<IPage, Task> body)
    {
        if (!File.Exists(ChromiumPath))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(MissingChromium);
            }

            Skip.If(true, MissingChromium);
        }

        Uri root = _server.Root;
        await RunPageAsync(root, body).WaitAsync(WholeTestTimeout);
    }

    private static async Task RunPageAsync(Uri root, Func<IPage, Task> body)
    {
        // Never fetch browsers: the system Chromium is the only one used.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = StepTimeoutMs,
        });
        await using IBrowserContext context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(StepTimeoutMs);
        context.SetDefaultNavigationTimeout(StepTimeoutMs);
        Assertions.SetDefaultExpectTimeout(StepTimeoutMs);

        var requests = new List<string>();
        var errors = new List<string>();
        IPage page = await context.NewPageAsync();
        page.Request += (_, request) => { lock (requests) { requests.Add(request.Url); } };
        page.WebSocket += (_, socket) => { lock (requests) { requests.Add(socket.Url); } };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors) { errors.Add("console: " + message.Text); }
            }
        };
        page.PageError += (_, message) => { lock (errors) { errors.Add("page error: " + message); } };

        IResponse? response = await page.GotoAsync(root.AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        Assert.True(response.Ok, $"{response.Status} for {root}");

        await body(page);

        string[] seen;
        lock (requests) { seen = [.. requests]; }
        Assert.Contains(seen, url => url.EndsWith("/api/surface", StringComparison.Ordinal));
        string http = root.GetLeftPart(UriPartial.Authority) + "/";
        string ws = "ws://" + root.Authority + "/";
        List<string> problems = [.. seen.Where(url => !url.StartsWith(http, StringComparison.Ordinal) && !url.StartsWith(ws, StringComparison.Ordinal)).Select(url => "request outside the server: " + url)];
        lock (errors)
        {
            problems.AddRange(errors);
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>The built CLI running <c>serve --port 0 --no-open</c> for the whole class; its URL is its first stdout line.</summary>
    public sealed class Server : IDisposable
    {
        private const string Banner = "LossLab playground: ";
        private readonly Process? _process;
        private readonly Uri? _root;
        private readonly string? _failure;

        public Server()
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll");
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in new[] { dll, "serve", "--port", "0", "--no-open" })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment.Remove("DISPLAY");
            info.Environment.Remove("WAYLAND_DISPLAY");
            _process = Process.Start(info);
            if (_process is null)
            {
                _failure = "could not start dotnet " + dll;
                return;
            }

            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
            Task<string?> first = _process.StandardOutput.ReadLineAsync();
            if (!first.Wait(TimeSpan.FromSeconds(20)) || first.Result is not string line || !line.StartsWith(Banner, StringComparison.Ordinal))
            {
                _failure = "serve did not print its URL first within 20 s";
                return;
            }

            _root = new Uri(line[Banner.Length..].Trim());

            // Keep draining stdout so the server never blocks on a full pipe.
            _ = _process.StandardOutput.ReadToEndAsync();
        }

        public Uri Root => _root ?? throw new InvalidOperationException(_failure);

        public void Dispose()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }

            _process?.Dispose();
        }
    }
}
