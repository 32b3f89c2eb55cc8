using System.Diagnostics;

namespace LossLab.Cli.Tests;

/// <summary>Runs the command in process (fast) or as a real process (exit codes, no stack traces).</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = App.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static (int Code, string Out, string Err) RunProcess(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
