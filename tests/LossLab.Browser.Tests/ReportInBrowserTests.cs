using System.Text.Json;
using Microsoft.Playwright;

namespace LossLab.Browser.Tests;

/// <summary>
/// Opens the demo report in Debian's headless Chromium (driven by Playwright) and checks that it renders offline:
/// no request leaves the report folder, no script or console errors, every chart image decodes.
/// </summary>
public sealed class ReportInBrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const string MissingChromium = "headless Chromium check needs Debian's chromium: apt-get install -y chromium";
    private const int ExpectedCharts = 24;
    private static readonly TimeSpan WholeTestTimeout = TimeSpan.FromSeconds(60);
    private const float StepTimeoutMs = 20_000;

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    [SkippableFact]
    public async Task Demo_report_renders_offline_in_headless_chromium_with_every_chart_loaded()
    {
        string text = await RenderAsync(["demo"], ExpectedCharts);
        Assert.Contains("What was run", text, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("optimize", "--function", "rosenbrock", "--start", "-1.5,2", "--optimizer", "adam:lr=0.05", "--steps", "200")]
    [InlineData("compare", "--data", "builtin:seed", "--losses", "mse,l1", "--optimizers", "sgd,adam", "--lrs", "0.01,0.1", "--folds", "2", "--epochs", "20")]
    [InlineData("advise", "--data", "builtin:stackloss", "--folds", "2", "--epochs", "20")]
    [InlineData("claims", "--only", "L5,O2")]
    [InlineData("fit", "--data", "builtin:seed", "--optimizer", "sgd:lr=0.1")]
    public async Task Every_command_report_renders_offline_with_its_charts(params string[] command)
    {
        string text = await RenderAsync(command, expectedCharts: null);
        Assert.Contains("What was run", text, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Column_names_with_markup_quotes_and_non_ascii_text_render_as_text()
    {
        string[] names = ["<script>alert(1)</script>", "say \"hi\" & 'bye'", "température °C — 東京"];
        DirectoryInfo data = Directory.CreateTempSubdirectory("losslab-names");
        try
        {
            string csv = Path.Combine(data.FullName, "hostile <names>.csv");
            var rows = new System.Text.StringBuilder();
            rows.Append(string.Join(',', names.Select(n => "\"" + n.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")) + "\n");
            var random = new Random(3);
            for (int i = 0; i < 60; i++)
            {
                double a = random.NextDouble(), b = random.NextDouble();
                rows.Append(System.Globalization.CultureInfo.InvariantCulture, $"{a:F4},{b:F4},{(2 * a) - b + (0.1 * random.NextDouble()):F4}\n");
            }

            File.WriteAllText(csv, rows.ToString(), new System.Text.UTF8Encoding(false));
            string text = await RenderAsync(["fit", "--data", csv, "--target", names[2], "--optimizer", "adam:lr=0.05"], expectedCharts: null);
            foreach (string name in names)
            {
                Assert.Contains(name, text, StringComparison.Ordinal);
            }

            Assert.Contains("hostile <names>.csv", text, StringComparison.Ordinal);
        }
        finally
        {
            TryDelete(data.FullName);
        }
    }

    /// <summary>
    /// Writes the report of <paramref name="command"/> (with <c>--out</c>), opens it in headless Chromium and checks it:
    /// no request outside the folder, no console or page error, no dialog (an injected script would open one), no
    /// script element at all, every chart decoded, a full-page screenshot. Returns the page's visible text.
    /// </summary>
    private static async Task<string> RenderAsync(string[] command, int? expectedCharts)
    {
        if (!File.Exists(ChromiumPath))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(MissingChromium);
            }

            Skip.If(true, MissingChromium);
        }

        DirectoryInfo work = Directory.CreateTempSubdirectory("losslab-browser");
        try
        {
            return await CheckReportAsync(work.FullName, command, expectedCharts).WaitAsync(WholeTestTimeout);
        }
        finally
        {
            TryDelete(work.FullName);
        }
    }

    private static async Task<string> CheckReportAsync(string work, string[] command, int? expectedCharts)
    {
        string report = Path.Combine(work, "report");
        var (code, _, error) = CliRunner.Run([.. command, "--out", report]);
        Assert.True(code == 0, error);
        string index = Path.Combine(report, "index.html");
        Assert.True(File.Exists(index), index);
        int chartFiles = Directory.GetFiles(report, "*.png").Length;
        Assert.True(chartFiles > 0, "no chart written");

        // Never fetch browsers: the system Chromium is the only one used.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using IPlaywright playwright = await Playwright.CreateAsync();
        string profile = Path.Combine(work, "profile");
        Directory.CreateDirectory(profile);
        await using IBrowserContext context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = StepTimeoutMs,
            ViewportSize = new() { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(StepTimeoutMs);
        context.SetDefaultNavigationTimeout(StepTimeoutMs);

        var requests = new List<string>();
        var errors = new List<string>();
        IPage page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
        page.Request += (_, request) => { lock (requests) { requests.Add(request.Url); } };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors) { errors.Add("console: " + message.Text); }
            }
        };
        page.PageError += (_, message) => { lock (errors) { errors.Add("page error: " + message); } };
        page.Dialog += (_, dialog) => { lock (errors) { errors.Add("dialog opened: " + dialog.Message); } };

        IResponse? response = await page.GotoAsync(new Uri(index).AbsoluteUri, new() { WaitUntil = WaitUntilState.Load });
        Assert.NotNull(response);
        Assert.True(response.Ok, $"{response.Status} for {index}");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.querySelectorAll('script').length"));

        JsonElement? result = await page.EvaluateAsync<JsonElement?>(
            """
            () => Promise.all(Array.from(document.querySelectorAll('img.chart')).map(async img => {
                try { await img.decode(); } catch { }
                return { src: img.getAttribute('src') ?? '', complete: img.complete, width: img.naturalWidth, height: img.naturalHeight, shownWidth: img.clientWidth, shownHeight: img.clientHeight };
            }))
            """);
        Assert.NotNull(result);
        JsonElement[] charts = [.. result.Value.EnumerateArray()];
        Assert.Equal(expectedCharts ?? chartFiles, charts.Length);
        foreach (JsonElement chart in charts)
        {
            string src = chart.GetProperty("src").GetString() ?? "";
            bool complete = chart.GetProperty("complete").GetBoolean();
            int width = chart.GetProperty("width").GetInt32();
            int height = chart.GetProperty("height").GetInt32();
            Assert.True(complete && width > 0 && height > 0, $"chart {src} did not load ({width}x{height}, complete={complete})");

            // Shown at its native size: the text drawn into the chart is read at the size it was drawn.
            Assert.Equal(width, chart.GetProperty("shownWidth").GetDouble(), 0.5);
            Assert.Equal(height, chart.GetProperty("shownHeight").GetDouble(), 0.5);
        }

        // The page's text is in the charts' font.
        string font = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).fontFamily");
        Assert.StartsWith("\"DejaVu Sans\"", font, StringComparison.Ordinal);

        string screenshot = Path.Combine(work, "report.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        var shot = new FileInfo(screenshot);
        Assert.True(shot.Exists, screenshot);
        Assert.True(shot.Length > 50_000, $"screenshot is only {shot.Length} bytes");
        byte[] signature = new byte[8];
        using (FileStream stream = shot.OpenRead())
        {
            stream.ReadExactly(signature);
        }

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, signature);
        string text = await page.InnerTextAsync("body");

        string[] seen;
        lock (requests) { seen = [.. requests]; }
        Assert.NotEmpty(seen);
        string folder = Path.GetFullPath(report) + Path.DirectorySeparatorChar;
        List<string> problems = [.. seen.Where(url => !IsInside(url, folder)).Select(url => "request outside the report folder: " + url)];
        lock (errors)
        {
            problems.AddRange(errors);
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        return text;
    }

    private static bool IsInside(string url, string folder)
    {
        if (url.StartsWith("data:", StringComparison.Ordinal))
        {
            return true;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || !uri.IsFile)
        {
            return false;
        }

        return Path.GetFullPath(uri.LocalPath).StartsWith(folder, StringComparison.Ordinal);
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
