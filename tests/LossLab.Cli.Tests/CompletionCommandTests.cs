using System.Diagnostics;

namespace LossLab.Cli.Tests;

/// <summary><c>losslab completion SHELL</c> and the <c>[suggest]</c> directive its scripts call (issue 17).</summary>
public sealed class CompletionCommandTests
{
    [Theory]
    [InlineData("bash", "complete -o default -F _losslab_complete losslab")]
    [InlineData("zsh", "compdef _losslab losslab")]
    [InlineData("fish", "complete -c losslab")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName losslab")]
    public void Each_shell_gets_a_script_that_registers_losslab_and_asks_the_program(string shell, string registration)
    {
        (int code, string output, string error) = CliRunner.Run("completion", shell);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains(registration, output, StringComparison.Ordinal);
        Assert.Contains("[suggest:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_shell_is_a_one_line_error_naming_the_accepted_ones()
    {
        (int code, string output, string error) = CliRunner.Run("completion", "tcsh");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal("losslab: error: completion tcsh: unknown shell; accepted: bash, zsh, fish, pwsh", error.TrimEnd());
    }

    [Fact]
    public void Suggest_with_nothing_typed_lists_every_command()
    {
        (int code, string output, _) = CliRunner.Run("[suggest:0]", string.Empty);

        Assert.Equal(0, code);
        string[] lines = Lines(output);
        foreach (string command in new[] { "losses", "eval", "optimizers", "optimize", "fit", "demo", "claims", "compare", "advise", "bench", "serve", "study", "completion" })
        {
            Assert.Contains(command, lines);
        }
    }

    [Fact]
    public void Suggest_after_fit_lists_its_options_and_completes_a_prefix()
    {
        (int code, string output, _) = CliRunner.Run("[suggest:4]", "fit ");
        Assert.Equal(0, code);
        string[] lines = Lines(output);
        foreach (string option in new[] { "--data", "--target", "--loss", "--optimizer", "--task", "--epochs", "--json" })
        {
            Assert.Contains(option, lines);
        }

        // Words that start with what was typed come first (the scripts keep only those); words containing it follow.
        string[] o = Lines(CliRunner.Run("[suggest:1]", "o").Out);
        Assert.Equal(["optimize", "optimizers"], o[..2]);
        Assert.All(o[2..], word => Assert.False(word.StartsWith('o')));
        Assert.Equal(["--target", "--task"], Lines(CliRunner.Run("[suggest:8]", "fit --ta").Out));
    }

    [Fact]
    public void Suggest_offers_the_fixed_values_of_task()
    {
        Assert.Equal(["binary", "multiclass", "regression"], Lines(CliRunner.Run("[suggest:11]", "fit --task ").Out));
        Assert.Equal(["binary"], Lines(CliRunner.Run("[suggest:15]", "advise --task b").Out));
    }

    [Fact]
    public void The_bash_script_completes_through_the_real_program()
    {
        // A stand-in 'losslab' runs the built program, the way an installed tool would be run.
        string folder = Directory.CreateTempSubdirectory("losslab-completion-").FullName;
        try
        {
            string program = Path.Combine(folder, "losslab");
            File.WriteAllText(program, $"#!/usr/bin/env bash\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll")}' \"$@\"\n");
            string script = Path.Combine(folder, "losslab.bash");
            File.WriteAllText(script, CliRunner.Run("completion", "bash").Out);
            string probe = $$"""
                chmod +x '{{program}}'
                source '{{script}}'
                COMP_LINE='{{program}} fit --task m'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=('{{program}}' fit --task m); COMP_CWORD=3
                _losslab_complete; echo "${COMPREPLY[*]}"
                COMP_LINE='{{program}} st'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=('{{program}}' st); COMP_CWORD=1
                _losslab_complete; echo "${COMPREPLY[*]}"
                """;
            var info = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            using Process bash = Process.Start(info)!;
            bash.StandardInput.Write(probe);
            bash.StandardInput.Close();
            string output = bash.StandardOutput.ReadToEnd();
            bash.WaitForExit();

            Assert.Equal(["multiclass", "study"], Lines(output));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
