using System.CommandLine;
using System.Diagnostics;
using System.Net;

namespace LossLab.Cli.Playground;

/// <summary><c>losslab serve</c>: the interactive playground in the browser, served on loopback by default.</summary>
internal static class ServeCommand
{
    /// <summary>The default port.</summary>
    public const int DefaultPort = 8765;

    public static Command Create(CliContext context)
    {
        var port = new Option<int>("--port") { Description = $"Port to listen on (0: any free port; the first output line names it)", DefaultValueFactory = _ => DefaultPort };
        var host = new Option<string>("--host") { Description = "Address to listen on; anything but loopback lets other machines reach the playground (a warning says so)", DefaultValueFactory = _ => "127.0.0.1" };
        var noOpen = new Option<bool>("--no-open") { Description = "Do not open the browser (it is not opened without a display either)" };
        var command = new Command("serve", "Open the interactive playground: fit a line with any loss and optimizer while dragging outliers, and race optimizers on test surfaces. Stops on Ctrl-C (exit code 0)")
        {
            port, host, noOpen,
        };
        command.SetAction(parsed =>
        {
            IPAddress address = Address(parsed.GetValue(host)!);
            int portNumber = parsed.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw new UserException($"--port {portNumber}: give a port between 1 and 65535, or 0 for any free port");
            }

            if (!IPAddress.IsLoopback(address))
            {
                context.Error.WriteLine($"warning: --host {address}: the playground is reachable from other machines on this network; it has no login (use 127.0.0.1 to keep it local)");
            }

            PlaygroundServer server;
            try
            {
                server = PlaygroundServer.StartAsync(address, portNumber, context.Error, context.Cancellation).GetAwaiter().GetResult();
            }
            catch (IOException ex)
            {
                throw new UserException($"--port {portNumber}: cannot listen on {HostGuard.Authority(address, portNumber)} ({ex.Message.Split(" (", 2)[0].TrimEnd('.')}); choose another port or --port 0");
            }

            try
            {
                context.Out.WriteLine($"LossLab playground: {server.Url}");
                context.Out.Flush();
                if (!parsed.GetValue(noOpen))
                {
                    OpenBrowser(server.Url, context.Error);
                }

                context.Error.WriteLine("Press Ctrl-C to stop.");
                WaitHandle.WaitAny([context.Cancellation.WaitHandle, server.Stopping.WaitHandle]);
            }
            finally
            {
                server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            return 0;
        });
        return command;
    }

    /// <summary>An IP address, <c>localhost</c> (127.0.0.1) or an error naming the option.</summary>
    internal static IPAddress Address(string text)
    {
        if (text == "localhost")
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(text.Trim('[', ']'), out IPAddress? address)
            ? address
            : throw new UserException($"--host {App.Shorten(text)}: give an IP address of this machine (127.0.0.1 for this machine only, 0.0.0.0 for every network)");
    }

    private static void OpenBrowser(string url, TextWriter error)
    {
        bool display = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        if (!OperatingSystem.IsWindows() && !OperatingSystem.IsMacOS() && !display)
        {
            return;
        }

        string opener = OperatingSystem.IsWindows() ? "explorer" : OperatingSystem.IsMacOS() ? "open" : "xdg-open";
        try
        {
            using Process? process = Process.Start(new ProcessStartInfo(opener, url) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true });
        }
        catch (System.ComponentModel.Win32Exception)
        {
            error.WriteLine($"note: could not start {opener}; open {url} in a browser");
        }
    }
}
