namespace LossLab.Browser.Tests;

/// <summary>Runs the command in process (a copy of the helper in LossLab.Cli.Tests, which this project does not reference).</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = LossLab.Cli.App.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
