using System.Net;
using Microsoft.AspNetCore.Http;

namespace LossLab.Cli.Playground;

/// <summary>
/// DNS-rebinding and cross-origin protection: a request is served only when its <c>Host</c> header names this server
/// (<c>127.0.0.1:PORT</c>, <c>localhost:PORT</c>, <c>[::1]:PORT</c> or the <c>--host</c> address with the port), and,
/// when it carries an <c>Origin</c> header (WebSocket upgrades and posts from a page do), only when that origin is one
/// of the same addresses. A page of another site, even one whose name resolves to 127.0.0.1, is refused with 403.
/// </summary>
internal sealed class HostGuard(IPAddress address)
{
    /// <summary>The port served; 0 until the server is bound (every request is refused until then).</summary>
    public int Port { get; set; }

    /// <summary>The <c>host:port</c> forms accepted (lower case).</summary>
    public IReadOnlyList<string> Allowed
    {
        get
        {
            List<string> names = [$"127.0.0.1:{Port}", $"localhost:{Port}", $"[::1]:{Port}"];
            if (!IPAddress.IsLoopback(address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
            {
                names.Add(Authority(address, Port).ToLowerInvariant());
            }

            return names;
        }
    }

    /// <summary><c>host:port</c> of an address, IPv6 in brackets.</summary>
    public static string Authority(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }

    /// <summary>Null when the request may be served, else the one-line reason for the 403.</summary>
    public string? Check(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Port == 0)
        {
            return "losslab serve: the server is starting; try again";
        }

        IReadOnlyList<string> allowed = Allowed;
        string host = request.Headers.Host.ToString().Trim().ToLowerInvariant();
        if (!allowed.Contains(host))
        {
            return $"losslab serve: forbidden: the Host header '{Shorten(host)}' is not this server's address; open {allowed[0]} instead";
        }

        string origin = request.Headers.Origin.ToString().Trim();
        if (origin.Length > 0)
        {
            string? authority = Uri.TryCreate(origin, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" ? $"{uri.Host}:{uri.Port}".ToLowerInvariant() : null;
            if (authority is null || !allowed.Contains(authority))
            {
                return $"losslab serve: forbidden: requests from the origin '{Shorten(origin)}' are refused; only the playground's own page ({allowed[0]}) may connect";
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
