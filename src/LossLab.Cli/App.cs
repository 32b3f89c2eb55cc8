using System.CommandLine;
using System.Globalization;
using LossLab.Cli.Commands;
using LossLab.Cli.Playground;
using LossLab.Specs;

namespace LossLab.Cli;

/// <summary>Builds the command tree and maps failures to exit codes: 0 success, 1 user error, 2 internal error, 3 a diverged training run (<c>fit</c>), 130 interrupted (Ctrl-C).</summary>
internal static partial class App
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        var context = new CliContext(stdout, stderr, cancellation);
        OutputFile.Ambient.Value = cancellation;
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
            ServeCommand.Create(context),
            StudyCommand.Create(context),
            CompletionCommand.Create(context),
        };

        // The completion scripts ask for candidates with "[suggest:POSITION]" "TEXT"; that directive prints them and
        // does nothing else, so the checks for a command and for parse errors below do not apply to it.
        bool suggest = args.Length > 0 && args[0].StartsWith("[suggest", StringComparison.Ordinal);
        if (suggest && !root.Directives.OfType<System.CommandLine.Completions.SuggestDirective>().Any())
        {
            root.Directives.Add(new System.CommandLine.Completions.SuggestDirective());
        }

        string[] names = [.. root.Subcommands.Select(c => c.Name)];
        if (args.Length == 0)
        {
            stderr.WriteLine($"losslab: error: a command is needed: {string.Join(", ", names)} (see 'losslab --help'; start with 'losslab demo')");
            return 1;
        }

        if (!suggest && !args[0].StartsWith('-') && !names.Contains(args[0], StringComparer.Ordinal))
        {
            string? near = names.OrderBy(n => Distance(n, args[0])).FirstOrDefault(n => Distance(n, args[0]) <= Math.Max(2, n.Length / 3));
            stderr.WriteLine($"losslab: error: unknown command '{Shorten(args[0])}'{(near is null ? string.Empty : $"; did you mean '{near}'?")} (commands: {string.Join(", ", names)}; see 'losslab --help')");
            return 1;
        }

        ParseResult parsed = root.Parse(args);
        if (!suggest && parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command.Name;
            string help = command == root.Name ? "losslab --help" : $"losslab {command} --help";
            stderr.WriteLine($"losslab: error: {parsed.Errors[0].Message} (see '{help}')");
            return 1;
        }

        try
        {
            CheckOutputs(parsed);
            int code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            // serve runs until Ctrl-C: there the signal is its normal end (exit code 0), not an interruption.
            if (code == 0 && cancellation.IsCancellationRequested && parsed.CommandResult.Command.Name != "serve")
            {
                // A command that stopped early on Ctrl-C and reported what it finished still ends with the code of a cancel.
                stderr.WriteLine("losslab: cancelled");
                return 130;
            }

            return code;
        }
        catch (Exception ex) when (ex is UserException or SpecException or LossLab.Optim.NonFiniteGradientException or LossLab.Lab.Data.DataException or LossLab.Lab.Studies.StudyException)
        {
            stderr.WriteLine($"losslab: error: {Cap(ex.Message)}");
            return 1;
        }
        catch (ArgumentException ex)
        {
            // Library argument checks (shapes, target ranges) are input errors from the user's point of view.
            stderr.WriteLine($"losslab: error: {Cap(ex.Message.Split(" (Parameter", 2)[0])}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("losslab: cancelled");
            return 130;
        }
        catch (Exception ex) when (IsOutOfMemory(ex))
        {
            // Out of memory, possibly inside a parallel run: one line that says what ran out and what to try, no trace.
            string command = parsed.CommandResult.Command.Name;
            string? data = parsed.CommandResult.Command.Options.FirstOrDefault(o => o.Name == "--data") is Option option ? parsed.GetResult(option)?.Tokens is { Count: > 0 } tokens ? tokens[0].Value : null : null;
            bool threads = parsed.CommandResult.Command.Options.Any(o => o.Name == "--threads");
            stderr.WriteLine($"losslab: error: {OutOfMemoryMessage(command, data, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, threads)}");
            return 1;
        }
        catch (AggregateException ex) when (ex.Flatten().InnerExceptions is { Count: > 0 } inners && inners.All(IsUserError))
        {
            // Input or storage errors raised inside parallel runs (or by several study workers at once) are the same
            // one-line error as anywhere else: the first one is reported.
            stderr.WriteLine($"losslab: error: {Cap(ex.Flatten().InnerExceptions[0].Message.Split(" (Parameter", 2)[0])}");
            return 1;
        }
        catch (IOException ex)
        {
            stderr.WriteLine($"losslab: error: {Cap(ex.Message)}");
            return 1;
        }
        catch (UnauthorizedAccessException ex)
        {
            stderr.WriteLine($"losslab: error: {Cap(ex.Message)}");
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

    /// <summary>Whether a failure is the process running out of memory (also inside a parallel run's <see cref="AggregateException"/>).</summary>
    internal static bool IsOutOfMemory(Exception e)
        => e is OutOfMemoryException || (e is AggregateException a && a.Flatten().InnerExceptions.Any(i => i is OutOfMemoryException));

    /// <summary>
    /// The one-line error of a command that ran out of memory: the command, the memory the process may use, the size of
    /// its --data file when it has one, and what to try.
    /// </summary>
    internal static string OutOfMemoryMessage(string command, string? dataPath, long availableBytes, bool hasThreads)
    {
        string limit = availableBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $" (the process may use {availableBytes / (1 << 20):N0} MB)") : string.Empty;
        string data = string.Empty;
        if (dataPath is not null && File.Exists(dataPath))
        {
            data = string.Create(CultureInfo.InvariantCulture, $"; --data {Shorten(dataPath)} is {new FileInfo(dataPath).Length / (double)(1 << 20):N0} MB");
        }

        string threads = hasThreads ? "fewer runs at once (--threads 1), " : string.Empty;
        return $"out of memory: '{command}' needed more memory than it could get{limit}{data}; try {threads}a sample of the rows, or a higher memory limit (DOTNET_GCHeapHardLimit, the container's limit)";
    }

    /// <summary>An error in what the user gave or in the study storage they named (a one-line message, exit 1).</summary>
    private static bool IsUserError(Exception e)
        => e is UserException or SpecException or LossLab.Lab.Data.DataException or LossLab.Lab.Studies.StudyException or ArgumentException;
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

    /// <summary>
    /// Checks the output files before any work: <c>--json FILE</c> and <c>--trace FILE</c> must not be the <c>--data</c>
    /// file or each other (also through links), must not be a folder, and must go into a folder that exists and can be written; a link is checked at its target; devices
    /// and pipes are accepted (they are written through). A failure here costs nothing, where after a long run it would lose it.
    /// </summary>
    private static void CheckOutputs(ParseResult parsed)
    {
        string? Value(string name) => parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .FirstOrDefault(o => o.Option.Name == name) is { } r && r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
        string? data = Value("--data");
        string? dataPath = data is not null && !data.StartsWith("builtin:", StringComparison.Ordinal) ? Path.GetFullPath(data) : null;
        string? dataTarget = dataPath is null ? null : OutputFile.Resolve(dataPath, data!, "--data");
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string option in new[] { "--json", "--trace" })
        {
            if (Value(option) is not string file || file.Length == 0)
            {
                continue;
            }

            string full = Path.GetFullPath(file);
            if (OutputFile.IsWrittenThrough(full))
            {
                // A device, a pipe, /dev/stdout: written through, never replaced, so nothing to check beside it.
                continue;
            }

            string target = OutputFile.Resolve(full, file, option);
            if (dataPath is not null && (full == dataPath || target == dataTarget))
            {
                throw new UserException($"{option} {file}: that is the --data file{(full == dataPath ? string.Empty : " (through a link)")}; writing it would overwrite the data — choose another file");
            }

            if (seen.TryGetValue(target, out string? other) && FileKinds.Of(target) != FileKind.Special)
            {
                throw new UserException($"{option} {file}: {other} writes the same file; give them different files");
            }

            seen[target] = option;
            FileKind kind = FileKinds.Of(target);
            if (kind == FileKind.Directory)
            {
                throw new UserException($"{option} {file}: is a folder; give a file name inside it");
            }

            if (kind == FileKind.Special)
            {
                // A device or a pipe is written through, never replaced: nothing to create beside it.
                continue;
            }

            string folder = Path.GetDirectoryName(target) ?? ".";
            if (!Directory.Exists(folder))
            {
                throw new UserException($"{option} {file}: the folder '{folder}' does not exist; create it first");
            }

            // A regular file is replaced by a new one written beside it, so its folder must take new files too.
            if (kind is FileKind.Missing or FileKind.Regular)
            {
                string probe = Path.Combine(folder, $".losslab-write-check-{Environment.ProcessId}");
                try
                {
                    using (File.Create(probe, 1, FileOptions.DeleteOnClose))
                    {
                    }
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    throw new UserException($"{option} {file}: the folder '{folder}' cannot be written ({OutputFile.Reason(e, probe)}); choose another place");
                }
            }
        }
    }

    /// <summary>An error message cut to at most 500 characters (a 100 KB spec echoed whole helps nobody): its start and end with "…" between.</summary>
    internal static string Cap(string message)
        => message.Length <= 500 ? message : $"{message[..300]} … ({message.Length - 480:N0} characters left out) … {message[^180..]}";

    /// <summary>Text echoed in an error, cut to 60 characters.</summary>
    internal static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>Where a command writes.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, CancellationToken Cancellation = default);

/// <summary>An error in what the user gave: reported as one line, exit code 1.</summary>
internal sealed class UserException(string message) : Exception(message);
