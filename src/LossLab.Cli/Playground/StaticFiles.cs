using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace LossLab.Cli.Playground;

/// <summary>The page's files, embedded in the assembly under <c>wwwroot/</c> and served from memory (nothing is read from disk).</summary>
internal sealed class StaticFiles
{
    private const string Prefix = "wwwroot/";
    private readonly FrozenDictionary<string, byte[]> _files;

    private StaticFiles(FrozenDictionary<string, byte[]> files) => _files = files;

    /// <summary>The embedded paths, relative to <c>wwwroot/</c>.</summary>
    public IEnumerable<string> Paths => _files.Keys;

    /// <summary>Reads every embedded <c>wwwroot/</c> resource once.</summary>
    public static StaticFiles Load()
    {
        var assembly = typeof(StaticFiles).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            files[name[Prefix.Length..].Replace('\\', '/')] = memory.ToArray();
        }

        return new StaticFiles(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The content type of a file name.</summary>
    public static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".txt" or ".md" => "text/plain; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".woff2" => "font/woff2",
        _ => "application/octet-stream",
    };

    /// <summary>Writes the file, or 404.</summary>
    public Task Serve(HttpContext context, string path)
    {
        if (!_files.TryGetValue(path, out byte[]? bytes))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("not found\n", context.RequestAborted);
        }

        context.Response.ContentType = ContentType(path);
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }
}
