using System.Net;
using System.Net.WebSockets;
using System.Text;
using LossLab.Functions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LossLab.Cli.Playground;

/// <summary>
/// The playground's web server (<c>losslab serve</c>): Kestrel on one address, static files from the assembly, the JSON
/// endpoints and the two WebSocket sessions. Every request passes the <see cref="HostGuard"/> first (DNS-rebinding and
/// cross-origin protection) and gets the security headers.
/// </summary>
internal sealed class PlaygroundServer : IAsyncDisposable
{
    /// <summary>The Content-Security-Policy of every response: nothing but this server; inline styles and blob: images for the charts.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'";

    /// <summary>The largest request body or WebSocket message accepted (bytes).</summary>
    public const int MaxMessageBytes = 1 << 20;

    private readonly WebApplication _app;
    private int _activeRuns;
    private long _framesSent;

    private PlaygroundServer(WebApplication app, IPAddress address, int port, HostGuard guard)
    {
        _app = app;
        Address = address;
        Port = port;
        Guard = guard;
    }

    /// <summary>The address listened on.</summary>
    public IPAddress Address { get; }

    /// <summary>The port bound (the real one when 0 was asked).</summary>
    public int Port { get; }

    /// <summary>Cancelled when the server stops of its own (the host's SIGTERM handling, for one).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    /// <summary>The Host/Origin check in force.</summary>
    public HostGuard Guard { get; }

    /// <summary>The page's address: <c>http://127.0.0.1:PORT/</c> on loopback or any address, else the address given.</summary>
    public string Url => $"http://{HostGuard.Authority(IPAddress.IsLoopback(Address) || Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : Address, Port)}/";

    /// <summary>Runs (fit or race) in progress: computing or streaming. A closed socket brings its run's count back down.</summary>
    public int ActiveRuns => Volatile.Read(ref _activeRuns);

    /// <summary>Frames sent so far over every socket.</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    internal void RunStarted() => Interlocked.Increment(ref _activeRuns);

    internal void RunEnded() => Interlocked.Decrement(ref _activeRuns);

    internal void FrameSent() => Interlocked.Increment(ref _framesSent);

    /// <summary>Starts listening on <paramref name="address"/>:<paramref name="port"/> (0: any free port); warnings go to <paramref name="log"/>.</summary>
    public static async Task<PlaygroundServer> StartAsync(IPAddress address, int port, TextWriter log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(log);
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(PlaygroundServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
        {
            options.Listen(address, port);
            options.AddServerHeader = false;
            options.Limits.MaxRequestBodySize = MaxMessageBytes;
            options.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.Services.AddRoutingCore();
        // A failed start (a port in use) comes back as an exception with a one-line message; the host's own log line would repeat it.
        builder.Services.AddLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None).AddProvider(new StderrLoggerProvider(log)));
        WebApplication app = builder.Build();
        PlaygroundServer? server = null;
        var guard = new HostGuard(address);
        app.Use(async (context, next) =>
        {
            IHeaderDictionary headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.CacheControl = "no-store";
            string? refusal = guard.Check(context.Request);
            if (refusal is not null)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(refusal + "\n", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseRouting();
        StaticFiles files = StaticFiles.Load();
        app.MapGet("/", (HttpContext context) => files.Serve(context, "index.html"));
        app.MapGet("/static/{**path}", (HttpContext context, string path) => files.Serve(context, path));
        app.MapGet("/api/catalog", (HttpContext context) => Send(context, 200, "application/json", PlaygroundCatalog.Json()));
        app.MapGet("/api/data", (HttpContext context) => Answer(context, () => PointsData.Json(context.Request.Query)));
        app.MapGet("/api/surface/grid", (HttpContext context) => Answer(context, () =>
        {
            string name = context.Request.Query["function"].ToString();
            ITestFunction function = TestFunctions.Find(name) is { Dimension: 2 } f
                ? f
                : throw new PlaygroundException($"function '{name}': unknown; accepted: {string.Join(", ", TestFunctions.All.Where(t => t.Dimension == 2).Select(t => t.Name))}");
            return Encoding.UTF8.GetString(SurfacePlan.Grid(function));
        }));
        app.MapPost("/api/fit/trace", async (HttpContext context) =>
        {
            string? body = await ReadBody(context).ConfigureAwait(false);
            if (body is null)
            {
                return;
            }

            await Answer(context, () => FitPlan.Parse(body).Trace(context.RequestAborted), "text/csv; charset=utf-8").ConfigureAwait(false);
        });
        app.Map("/api/fit", (HttpContext context) => Socket(context, socket => new FitSession(socket, server!)));
        app.Map("/api/surface", (HttpContext context) => Socket(context, socket => new SurfaceSession(socket, server!)));

        await app.StartAsync(cancellation).ConfigureAwait(false);
        int bound = port;
        if (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is string first
            && Uri.TryCreate(first, UriKind.Absolute, out Uri? uri))
        {
            bound = uri.Port;
        }

        guard.Port = bound;
        server = new PlaygroundServer(app, address, bound, guard);
        return server;
    }

    /// <summary>Stops listening and ends the open sessions.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        await _app.StopAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task Socket(HttpContext context, Func<WebSocket, StreamSession> create)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Send(context, 400, "text/plain; charset=utf-8", "this address takes a WebSocket connection\n").ConfigureAwait(false);
            return;
        }

        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using StreamSession session = create(socket);
        await session.RunAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<string?> ReadBody(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        try
        {
            return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            await Send(context, 400, "text/plain; charset=utf-8", $"the request is larger than {MaxMessageBytes / 1024 / 1024} MB; send fewer points\n").ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Answers with what <paramref name="make"/> returns, or 400 and the one-line message of a bad request.</summary>
    private static Task Answer(HttpContext context, Func<string> make, string contentType = "application/json")
    {
        string text;
        try
        {
            text = make();
        }
        catch (PlaygroundException ex)
        {
            return Send(context, 400, "text/plain; charset=utf-8", ex.Message + "\n");
        }

        return Send(context, 200, contentType, text);
    }

    private static Task Send(HttpContext context, int status, string contentType, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType.Contains("charset", StringComparison.Ordinal) ? contentType : contentType + "; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}

/// <summary>A bad request from the page: one line saying what and how to fix it (a 400 or an error frame).</summary>
internal sealed class PlaygroundException(string message) : Exception(message);

/// <summary>Writes the server's warnings and errors to standard error, one line each (never to standard output).</summary>
internal sealed class StderrLoggerProvider(TextWriter error) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(error);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter error) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            string line = formatter(state, exception).ReplaceLineEndings(" ");
            lock (error)
            {
                error.WriteLine($"losslab serve: {logLevel.ToString().ToLowerInvariant()}: {line}{(exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})")}");
            }
        }
    }
}
