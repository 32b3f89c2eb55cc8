using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace LossLab.Bench;

/// <summary>
/// A throw-away PostgreSQL server for the study bench: <c>initdb</c> into a temporary folder, <c>pg_ctl start</c> on a free
/// loopback port with password login (SCRAM), the password in a pgpass file that <c>PGPASSFILE</c> names; as root the server
/// runs as <c>postgres</c> (or <c>nobody</c>) through <c>runuser</c>. Stopped and deleted on dispose. Same approach as the
/// tests' fixture (tests/LossLab.Lab.Tests/Studies/PostgresServer.cs), without its xUnit parts.
/// </summary>
internal sealed class BenchPostgres : IDisposable
{
    private const string User = "losslab";
    private readonly string _bin;
    private readonly string _folder;
    private readonly string? _runAs;
    private readonly string _passFile;
    private bool _started;

    private BenchPostgres(string bin)
    {
        _bin = bin;
        bool root = Environment.UserName == "root";
        if (root)
        {
            _runAs = File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)) ? "postgres" : "nobody";
        }

        _folder = Path.Combine(Path.GetTempPath(), "losslab-bench-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_folder);
        _passFile = Path.Combine(Path.GetTempPath(), "losslab-bench-pgpass-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            string pwFile = Path.Combine(_folder, "pw");
            File.WriteAllText(pwFile, password + "\n");
            string data = Path.Combine(_folder, "data");
            string sockets = Path.Combine(_folder, "sock");
            Directory.CreateDirectory(sockets);
            if (_runAs is not null)
            {
                Run("chown", ["-R", _runAs, _folder]);
            }

            int port = FreePort();
            RunPg("initdb", ["-D", data, "-U", User, "--auth=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--no-sync", "--no-instructions"]);
            File.Delete(pwFile);

            // Default durability settings (fsync on, synchronous commit): the overhead measured is that of a real server.
            RunPg("pg_ctl", [
                "-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60", "-o",
                $"-c listen_addresses=127.0.0.1 -p {port} -k {sockets}", "start",
            ]);
            _started = true;
            File.WriteAllText(_passFile, $"127.0.0.1:{port}:*:{User}:{password}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_passFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            Environment.SetEnvironmentVariable("PGPASSFILE", _passFile);
            Url = $"postgresql://{User}@127.0.0.1:{port}/postgres";
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The storage URL (no password: that is in the pgpass file).</summary>
    public string Url { get; } = string.Empty;

    /// <summary>A started server, or null with <paramref name="why"/> when the binaries are missing.</summary>
    public static BenchPostgres? TryStart(out string? why)
    {
        string? bin = FindBin();
        if (bin is null)
        {
            why = "no /usr/lib/postgresql/*/bin/initdb (install Debian's postgresql package, or pass --storage postgresql://…)";
            return null;
        }

        why = null;
        return new BenchPostgres(bin);
    }

    /// <summary>Runs <paramref name="sql"/> as the server's superuser (e.g. to change a setting and reload).</summary>
    public void Execute(string sql)
    {
        var uri = new Uri(Url);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port,
            Username = User,
            Database = "postgres",
            Pooling = false,
            Passfile = _passFile,
        };
        using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        connection.Open();
        foreach (string statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            using var command = new Npgsql.NpgsqlCommand(statement, connection);
            _ = command.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        if (_started)
        {
            _started = false;
            try
            {
                RunPg("pg_ctl", ["-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        File.Delete(_passFile);
    }

    private static string? FindBin()
    {
        string? configured = Environment.GetEnvironmentVariable("LOSSLAB_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb")) ? configured : null;
        }

        const string Root = "/usr/lib/postgresql";
        return !Directory.Exists(Root) ? null : Directory.GetDirectories(Root)
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

    private void RunPg(string tool, IReadOnlyList<string> arguments)
    {
        string exe = Path.Combine(_bin, tool);
        if (_runAs is null)
        {
            Run(exe, arguments);
        }
        else
        {
            Run("runuser", ["-u", _runAs, "--", exe, .. arguments]);
        }
    }

    private static void Run(string file, IReadOnlyList<string> arguments)
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
            throw new InvalidOperationException($"{file} did not finish in 120 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {output.Result} {error.Result}");
        }
    }
}
