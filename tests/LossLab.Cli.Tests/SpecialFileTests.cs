using System.Diagnostics;
using LossLab.Lab.Tests;

namespace LossLab.Cli.Tests;

/// <summary>Outputs to devices, pipes and links, and data from pipes (issue 14, findings 1 and 4).</summary>
public sealed class SpecialFileTests
{
    private const string Csv = "x,y\n1,2.5\n2,4.1\n3,6.2\n4,7.9\n5,10.1\n6,12.2\n";

    private static readonly string[] Eval = ["eval", "--loss", "mse", "--pred", "1,2", "--target", "1,3"];

    internal static string Folder()
    {
        return TestFolders.Create("special");
    }

    internal static string Fifo(string dir, string name = "pipe")
    {
        string path = Path.Combine(dir, name);
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        Assert.Equal(FileKind.Special, FileKinds.Of(path));
        return path;
    }

    [Fact]
    public void A_full_device_is_written_through_and_its_error_reported_in_one_line()
    {
        if (!(File.Exists("/dev/full")))
        {
            return; // Linux device files only
        }

        var (code, _, error) = CliRunner.Run([.. Eval, "--json", "/dev/full"]);
        Assert.Equal(1, code);
        Assert.Equal("losslab: error: --json /dev/full: write failed: No space left on device", error.TrimEnd());
        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/full"));
    }

    [Fact]
    public void The_null_device_takes_json_and_trace_and_stays_a_device()
    {
        if (!(File.Exists("/dev/null")))
        {
            return; // Linux device files only
        }

        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/null"));
        var (code, _, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--start", "-1,1", "--optimizer", "adam:lr=0.01", "--steps", "20", "--json", "/dev/null", "--trace", "/dev/null");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/null"));
    }

    [Fact]
    public async Task A_pipe_as_output_is_written_through_to_its_reader_and_stays_a_pipe()
    {
        string dir = Folder();
        string pipe = Fifo(dir);
        Task<string> reader = Task.Run(() => File.ReadAllText(pipe));
        var (code, _, error) = CliRunner.Run([.. Eval, "--json", pipe]);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        string written = await reader.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("\"value\": 0.5", written, StringComparison.Ordinal);
        Assert.Equal(FileKind.Special, FileKinds.Of(pipe));
        Assert.Equal([pipe], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_link_to_a_regular_file_replaces_the_target_and_keeps_the_link()
    {
        string dir = Folder();
        string target = Path.Combine(dir, "real.json");
        File.WriteAllText(target, "old");
        string link = Path.Combine(dir, "link.json");
        File.CreateSymbolicLink(link, "real.json");
        var (code, _, error) = CliRunner.Run([.. Eval, "--json", link]);
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Equal("real.json", new FileInfo(link).LinkTarget);
        Assert.Contains("\"value\": 0.5", File.ReadAllText(target), StringComparison.Ordinal);
        Assert.Equal(2, Directory.GetFileSystemEntries(dir).Length);
    }

    [Fact]
    public void A_link_to_the_data_or_to_the_other_output_is_refused()
    {
        string dir = Folder();
        string data = Path.Combine(dir, "v.csv");
        File.WriteAllText(data, Csv);
        string link = Path.Combine(dir, "trace.csv");
        File.CreateSymbolicLink(link, "v.csv");
        var (code, _, error) = CliRunner.Run("fit", "--data", data, "--target", "y", "--trace", link);
        Assert.Equal(1, code);
        Assert.Contains("that is the --data file (through a link)", error, StringComparison.Ordinal);
        Assert.Equal(Csv, File.ReadAllText(data));
        string json = Path.Combine(dir, "out.json"), other = Path.Combine(dir, "other.json");
        File.CreateSymbolicLink(other, "out.json");
        var (same, _, message) = CliRunner.Run("fit", "--data", "builtin:seed", "--json", json, "--trace", other);
        Assert.Equal(1, same);
        Assert.Contains("--json writes the same file", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_to_dev_stdout_redirected_to_a_file_follows_the_printed_text_and_keeps_the_file()
    {
        if (!File.Exists("/dev/stdout"))
        {
            return; // Linux device files only
        }

        string dir = Folder();
        string file = Path.Combine(dir, "out.txt");
        string dll = Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll");
        using var shell = Process.Start("sh", ["-c", $"dotnet '{dll}' eval --loss mse --pred 1,2 --target 1,3 --json /dev/stdout > '{file}'"]);
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, shell.ExitCode);
        string text = File.ReadAllText(file);
        Assert.StartsWith("{\n  \"loss\": \"mse\"", text, StringComparison.Ordinal);
        int human = text.IndexOf("loss:      mse", StringComparison.Ordinal);
        Assert.True(human > 0, text);
        Assert.EndsWith("}\n", text[..human], StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public void A_dangling_link_creates_its_target()
    {
        string dir = Folder();
        string link = Path.Combine(dir, "link.json");
        File.CreateSymbolicLink(link, "new.json");
        var (code, _, _) = CliRunner.Run([.. Eval, "--json", link]);
        Assert.Equal(0, code);
        Assert.Equal("new.json", new FileInfo(link).LinkTarget);
        Assert.Contains("\"value\": 0.5", File.ReadAllText(Path.Combine(dir, "new.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unwritable_place_is_named_without_any_temporary_file()
    {
        if (!(File.Exists("/proc/version")))
        {
            return; // Linux device files only
        }

        var (code, _, error) = CliRunner.Run([.. Eval, "--json", "/proc/version"]);
        Assert.Equal(1, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("losslab: error: --json /proc/version: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", error, StringComparison.Ordinal);
        Assert.DoesNotContain("write-check", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_write_to_a_regular_file_leaves_no_temporary_file_and_the_old_content()
    {
        string dir = Folder();
        string target = Path.Combine(dir, "out.csv");
        File.WriteAllText(target, "old");
        using (OutputFile file = OutputFile.Open(target, "--trace"))
        {
            file.Writer.Write("half written");
            Assert.False(file.WritesThrough);
        }

        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task Data_from_a_pipe_with_a_writer_is_read_in_one_pass()
    {
        string dir = Folder();
        string pipe = Fifo(dir);
        Task writer = Task.Run(() => File.WriteAllText(pipe, Csv));
        var (code, output, error) = CliRunner.Run("fit", "--data", pipe, "--target", "y", "--solver", "closed_form");
        await writer.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(code == 0, error);
        Assert.Contains("train:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_from_the_null_device_is_the_empty_file_error_and_a_folder_or_zero_device_are_named()
    {
        if (!(File.Exists("/dev/null") && File.Exists("/dev/zero")))
        {
            return; // Linux device files only
        }

        var (empty, _, message) = CliRunner.Run("fit", "--data", "/dev/null", "--target", "y");
        Assert.Equal(1, empty);
        Assert.Equal("losslab: error: /dev/null: the file is empty; give a CSV with a header and at least two rows", message.TrimEnd());
        var (zero, _, binary) = CliRunner.Run("fit", "--data", "/dev/zero", "--target", "y");
        Assert.Equal(1, zero);
        Assert.Contains("looks like a binary file", binary, StringComparison.Ordinal);
        string dir = Folder();
        var (folder, _, directory) = CliRunner.Run("fit", "--data", dir, "--target", "y");
        Assert.Equal(1, folder);
        Assert.Contains("is a directory; give a CSV file", directory, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_on_standard_input_is_read_with_a_dash()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "LossLab.Cli.dll"), "fit", "--data", "-", "--target", "y", "--solver", "closed_form", "--json" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(Csv);
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await error);
        Assert.Contains("\"params\"", await output, StringComparison.Ordinal);
    }
}
