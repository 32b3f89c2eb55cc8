using System.CommandLine;

namespace LossLab.Cli.Commands;

/// <summary>
/// <c>losslab completion SHELL</c>: prints a completion script for bash, zsh, fish or PowerShell. Each script asks the
/// program itself for the candidates through the <c>[suggest:POSITION]</c> directive, so commands, options and the
/// values of options with a fixed set (such as <c>--task</c>) are always those of the installed version.
/// </summary>
internal static class CompletionCommand
{
    /// <summary>The shells a script is written for, in the order they are listed.</summary>
    internal static readonly string[] Shells = ["bash", "zsh", "fish", "pwsh"];

    public static Command Create(CliContext context)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh, fish or pwsh" };
        shell.CompletionSources.Add(Shells);
        var command = new Command(
            "completion",
            "Print a shell completion script: bash (source <(losslab completion bash)), zsh, fish or pwsh (PowerShell)") { shell };
        command.SetAction(parsed =>
        {
            string name = parsed.GetValue(shell)!;
            context.Out.Write(Script(name));
        });
        return command;
    }

    /// <summary>The completion script for <paramref name="shell"/>.</summary>
    /// <exception cref="UserException">The shell is not one of <see cref="Shells"/>.</exception>
    internal static string Script(string shell) => shell switch
    {
        "bash" => Bash,
        "zsh" => Zsh,
        "fish" => Fish,
        "pwsh" or "powershell" => Pwsh,
        _ => throw new UserException($"completion {App.Shorten(shell)}: unknown shell; accepted: {string.Join(", ", Shells)}"),
    };

    // Every script passes the text before the cursor, less the program's name, and its length as the position. The
    // directive lists the words that start with the typed prefix first and then those that only contain it: bash
    // (compgen), zsh (compadd) and PowerShell (-like) keep the first kind.
    private const string Bash = """
        # bash completion for losslab; load it with: source <(losslab completion bash)
        _losslab_complete()
        {
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"${COMP_WORDS[0]}"}"
            line="${line#"${line%%[![:space:]]*}"}"
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _losslab_complete losslab
        complete -o default -F _losslab_complete ./losslab

        """;

    private const string Zsh = """
        #compdef losslab
        # zsh completion for losslab; load it with: source <(losslab completion zsh)
        _losslab()
        {
            local line="${(j: :)words[2,CURRENT]}"
            local -a candidates
            candidates=("${(@f)$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)}")
            compadd -- ${candidates:#}
        }
        if (( $+functions[compdef] )); then
            compdef _losslab losslab
        fi

        """;

    private const string Fish = """
        # fish completion for losslab; load it with: losslab completion fish | source
        function __losslab_complete
            set -l tokens (commandline -opc)
            set -l program $tokens[1]
            set -e tokens[1]
            set -l line (string join ' ' $tokens (commandline -ct))
            $program "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
        end
        complete -c losslab -f -a '(__losslab_complete)'

        """;

    private const string Pwsh = """
        # PowerShell completion for losslab; load it with: losslab completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName losslab -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $program = $commandAst.CommandElements[0].Extent.Text
            $end = [Math]::Min($cursorPosition - $commandAst.Extent.StartOffset, $commandAst.Extent.Text.Length)
            $line = $commandAst.Extent.Text.Substring(0, $end).Substring($program.Length).TrimStart()
            if ($cursorPosition -gt $commandAst.Extent.EndOffset) { $line += ' ' }
            & $program "[suggest:$($line.Length)]" "$line" 2>$null | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
