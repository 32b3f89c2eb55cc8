using System.CommandLine;
using LossLab.Cli.Commands;
using LossLab.Specs;

namespace LossLab.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 success, 1 user error, 2 internal error.</summary>
internal static class App
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        var context = new CliContext(stdout, stderr, cancellation);
        RootCommand root = new("LossLab: choose and understand loss functions and optimizers.")
        {
            LossesCommand.Create(context),
            EvalCommand.Create(context),
            OptimizersCommand.Create(context),
            OptimizeCommand.Create(context),
            FitCommand.Create(context),
            DemoCommand.Create(context),
            ClaimsCommand.Create(context),
            CompareCommand.Create(context),
            AdviseCommand.Create(context),
            BenchCommand.Create(context),
        };

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command.Name;
            string help = command == root.Name ? "losslab --help" : $"losslab {command} --help";
            stderr.WriteLine($"losslab: error: {parsed.Errors[0].Message} (see '{help}')");
            return 1;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is UserException or SpecException or LossLab.Optim.NonFiniteGradientException or LossLab.Lab.Data.DataException)
        {
            stderr.WriteLine($"losslab: error: {ex.Message}");
            return 1;
        }
        catch (ArgumentException ex)
        {
            // Library argument checks (shapes, target ranges) are input errors from the user's point of view.
            stderr.WriteLine($"losslab: error: {ex.Message.Split(" (Parameter", 2)[0]}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("losslab: cancelled");
            return 130;
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"losslab: error: {ex.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException ex)
        {
            stderr.WriteLine($"losslab: error: {ex.Message}");
            return 1;
        }
#pragma warning disable CA1031 // The last line of defence: an internal error is reported, not thrown at the user.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            stderr.WriteLine($"losslab: internal error: {ex.GetType().Name}: {ex.Message}");
            return 2;
        }
    }
}

/// <summary>Where a command writes.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, CancellationToken Cancellation = default);

/// <summary>An error in what the user gave: reported as one line, exit code 1.</summary>
internal sealed class UserException(string message) : Exception(message);
