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

    /// <summary>Starts the built program as a child process with its output (and, when asked, its input) redirected.</summary>
    public static Process Start(bool redirectInput, params string[] args) => Start(redirectInput, null, args);

    /// <summary>Starts the built program as a child process, with <paramref name="environment"/> added to this process's environment.</summary>
    public static Process Start(bool redirectInput, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll"));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    public static (int Code, string Out, string Err) RunProcess(params string[] args)
    {
        using Process process = Start(false, args);
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
