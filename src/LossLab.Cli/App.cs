using System.CommandLine;
using LossLab.Cli.Commands;
using LossLab.Specs;

namespace LossLab.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 success, 1 user error, 2 internal error.</summary>
internal static partial class App
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

        string[] names = [.. root.Subcommands.Select(c => c.Name)];
        if (args.Length == 0)
        {
            stderr.WriteLine($"losslab: error: a command is needed: {string.Join(", ", names)} (see 'losslab --help'; start with 'losslab demo')");
            return 1;
        }

        if (!args[0].StartsWith('-') && !names.Contains(args[0], StringComparer.Ordinal))
        {
            string? near = names.OrderBy(n => Distance(n, args[0])).FirstOrDefault(n => Distance(n, args[0]) <= Math.Max(2, n.Length / 3));
            stderr.WriteLine($"losslab: error: unknown command '{Shorten(args[0])}'{(near is null ? string.Empty : $"; did you mean '{near}'?")} (commands: {string.Join(", ", names)}; see 'losslab --help')");
            return 1;
        }

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
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions is [Exception inner] && inner is UserException or SpecException or LossLab.Lab.Data.DataException or ArgumentException)
        {
            // An input error raised inside parallel runs is the same one-line error as anywhere else.
            stderr.WriteLine($"losslab: error: {inner.Message.Split(" (Parameter", 2)[0]}");
            return 1;
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

/// <summary>Small text helpers of the command line.</summary>
internal static partial class App
{
    /// <summary>The Levenshtein distance of two words (for "did you mean").</summary>
    internal static int Distance(string a, string b)
    {
        int[] previous = [.. Enumerable.Range(0, b.Length + 1)];
        for (int i = 1; i <= a.Length; i++)
        {
            int[] current = new int[b.Length + 1];
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }

    /// <summary>Text echoed in an error, cut to 60 characters.</summary>
    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>Where a command writes.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, CancellationToken Cancellation = default);

/// <summary>An error in what the user gave: reported as one line, exit code 1.</summary>
internal sealed class UserException(string message) : Exception(message);
