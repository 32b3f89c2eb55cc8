using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace LossLab.Lab.Tests.Studies;

/// <summary>
/// A real, throw-away PostgreSQL server for the tests: <c>initdb</c> into a temporary folder, started with <c>pg_ctl</c> on a
/// free loopback port (unix socket in the same folder), password login (SCRAM) with the password in a pgpass file that
/// <c>PGPASSFILE</c> points to, stopped and deleted at the end. PostgreSQL refuses to run as root, so as root the server runs
/// as the <c>postgres</c> user (or <c>nobody</c>) through <c>runuser</c>. Without the binaries (Debian's
/// <c>postgresql</c> package) <see cref="Unavailable"/> says why, and the tests skip, or fail when <c>CI</c> is set.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>The role the tests log in as.</summary>
    public const string User = "losslab";

    private readonly string? _bin;
    private readonly string? _folder;
    private readonly string? _runAs;
    private bool _started;

    /// <summary>Starts the server, or records in <see cref="Unavailable"/> why it cannot.</summary>
    public PostgresServer()
    {
        _bin = FindBin();
        if (_bin is null)
        {
            string where = Environment.GetEnvironmentVariable("LOSSLAB_PG_BIN") is { Length: > 0 } configured
                ? $"no initdb in LOSSLAB_PG_BIN={configured}"
                : "no /usr/lib/postgresql/*/bin/initdb";
            Unavailable = $"PostgreSQL binaries not found ({where}): install Debian's postgresql package "
                + "(apt-get install postgresql) to run the PostgreSQL study tests.";
            return;
        }

        bool root = Environment.UserName == "root" || (OperatingSystem.IsLinux() && GetUid() == 0);
        if (root)
        {
            _runAs = UserExists("postgres") ? "postgres" : "nobody";
        }

        _folder = Path.Combine(Path.GetTempPath(), "losslab-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string pwFile = Path.Combine(_folder, "pw");
        File.WriteAllText(pwFile, password + "\n");
        string data = Path.Combine(_folder, "data");
        string sockets = Path.Combine(_folder, "sock");
        Directory.CreateDirectory(sockets);
        if (_runAs is not null)
        {
            RunChecked("chown", ["-R", _runAs, _folder]);
        }

        Port = FreePort();
        RunPg("initdb", ["-D", data, "-U", User, "--auth=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--no-sync", "--no-instructions"]);
        File.Delete(pwFile);
        StartServer();
        _started = true;

        // The password reaches Npgsql the way a user's does: through a pgpass file (PGPASSFILE names it here, ~/.pgpass by
        // default), never through the URL.
        string passFile = Path.Combine(Path.GetTempPath(), "losslab-pgpass-" + Guid.NewGuid().ToString("N")[..12]);
        File.WriteAllText(passFile, $"127.0.0.1:{Port}:*:{User}:{password}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        PassFile = passFile;
        Environment.SetEnvironmentVariable("PGPASSFILE", passFile);
        Url = $"postgresql://{User}@127.0.0.1:{Port}/postgres";
    }

    /// <summary>Why the server could not start, or null when it runs.</summary>
    public string? Unavailable { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>The storage URL of its <c>postgres</c> database (no password: that is in <see cref="PassFile"/>).</summary>
    public string Url { get; } = string.Empty;

    /// <summary>The pgpass file holding the password.</summary>
    public string PassFile { get; } = string.Empty;

    /// <summary>Skips the calling test when the server is not available (fails it under CI, which must have it).</summary>
    public void SkipIfUnavailable()
    {
        if (Unavailable is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(Unavailable);
        }

        Skip.If(true, Unavailable);
    }

    /// <summary>An administrative connection (for killing other connections and looking at the tables).</summary>
    public NpgsqlConnection Connect()
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = User,
            Database = "postgres",
            ApplicationName = "LossLab tests",
            Pooling = false,
            Passfile = PassFile,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Terminates every connection LossLab's storage holds open; the number terminated.</summary>
    public int TerminateStorageConnections()
    {
        using NpgsqlConnection connection = Connect();
        using var command = new NpgsqlCommand(
            "SELECT count(*)::int FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = @app AND pid <> pg_backend_pid()) t",
            connection);
        command.Parameters.AddWithValue("app", LossLab.Lab.Studies.PostgresStudyStorage.ApplicationName);
        return (int)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Restarts the server on the same port and data: a fast shutdown (every connection is cut, open transactions roll
    /// back), <paramref name="down"/> with nothing listening, then a start; returns once it accepts connections again.
    /// </summary>
    /// <param name="down">How long the server stays down between the stop and the start.</param>
    public void Restart(TimeSpan down)
    {
        if (!_started || _folder is null)
        {
            throw new InvalidOperationException("The server is not running: " + Unavailable);
        }

        RunPg("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "-t", "60", "stop"]);
        Thread.Sleep(down);
        StartServer();
    }

    /// <summary>Stops the server and deletes its folder.</summary>
    public void Dispose()
    {
        if (_started && _folder is not null)
        {
            try
            {
                RunPg("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped: nothing to do.
            }
        }

        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        if (PassFile.Length > 0)
        {
            File.Delete(PassFile);
        }
    }

    /// <summary>Starts the server on <see cref="Port"/> and waits until it accepts connections.</summary>
    private void StartServer()
    {
        string folder = _folder!;
        RunPg("pg_ctl", [
            "-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "-o",
            $"-c listen_addresses=127.0.0.1 -p {Port} -k {Path.Combine(folder, "sock")} -c fsync=off -c max_connections=100", "start",
        ]);
    }

    private static string? FindBin()
    {
        string? configured = Environment.GetEnvironmentVariable("LOSSLAB_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        const string Root = "/usr/lib/postgresql";
        if (!Directory.Exists(Root))
        {
            return null;
        }

        return Directory.GetDirectories(Root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out int v) ? v : 0))
            .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")) && File.Exists(Path.Combine(d.Dir, "pg_ctl")))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Dir)
            .FirstOrDefault();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static int GetUid()
    {
        try
        {
            string status = File.ReadAllText("/proc/self/status");
            string line = status.Split('\n').First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return int.Parse(line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static bool UserExists(string name) =>
        File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith(name + ":", StringComparison.Ordinal));

    private void RunPg(string tool, IReadOnlyList<string> arguments)
    {
        string exe = Path.Combine(_bin!, tool);
        if (_runAs is null)
        {
            RunChecked(exe, arguments);
        }
        else
        {
            RunChecked("runuser", ["-u", _runAs, "--", exe, .. arguments]);
        }
    }

    private static void RunChecked(string file, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} did not finish in 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {output.Result} {error.Result}");
        }
    }
}

/// <summary>The tests that share one <see cref="PostgresServer"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresServerGroup : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "PostgreSQL server";
}
