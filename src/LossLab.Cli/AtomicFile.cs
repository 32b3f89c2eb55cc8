using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace LossLab.Cli;

/// <summary>Writes an output file in one go (see <see cref="OutputFile"/>).</summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>: whole or not at all for a regular file, through for a device or pipe.</summary>
    /// <exception cref="UserException">It cannot be written; the message names <paramref name="option"/> and the path as given.</exception>
    public static void Write(string path, string text, string option, CancellationToken cancellation = default)
    {
        using OutputFile file = OutputFile.Open(path, option, cancellation);
        file.Writer.Write(text);
        file.Commit();
    }
}

/// <summary>
/// An output file being written. A regular file (or a new one) is written whole or not at all: into a temporary file
/// beside it, renamed over it on <see cref="Commit"/> and removed if the write fails. Anything else (a character
/// device such as /dev/null, a named pipe) is written through and never replaced. A symbolic link is followed to its
/// final target, which gets the same treatment; the link itself stays. Every failure is a <see cref="UserException"/>
/// naming the option and the path as the user gave it, never the temporary file.
/// </summary>
internal sealed partial class OutputFile : IDisposable
{
    private readonly string _option;
    private readonly string _shown;
    private readonly string? _target;
    private readonly string? _temp;
    private readonly Stream _stream;
    private readonly StreamWriter _writer;
    private bool _done;

    private OutputFile(string option, string shown, string? target, string? temp, Stream stream)
    {
        _option = option;
        _shown = shown;
        _target = target;
        _temp = temp;
        _stream = stream;
        _writer = new StreamWriter(new GuardedStream(stream, Fail), new UTF8Encoding(false), 1 << 16);
    }

    /// <summary>The command's cancellation, used when a caller passes none (set by <see cref="App.Run"/> for the command it runs).</summary>
    internal static AsyncLocal<CancellationToken> Ambient { get; } = new();

    /// <summary>Where to write the text (UTF-8); write errors surface as <see cref="UserException"/>.</summary>
    public TextWriter Writer => _writer;

    /// <summary>Whether the output is written through (a device or a pipe) rather than replaced whole.</summary>
    public bool WritesThrough => _temp is null;

    /// <summary>Opens <paramref name="path"/> for writing (opening a pipe waits for a reader; cancellation stops the wait).</summary>
    /// <exception cref="UserException">The folder is missing, the path is a folder, or it cannot be opened.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting for a pipe's reader.</exception>
    public static OutputFile Open(string path, string option, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        cancellation = cancellation.CanBeCanceled ? cancellation : Ambient.Value;
        string full = Path.GetFullPath(path);
        string target = IsWrittenThrough(full) ? full : Resolve(full, path, option);

        switch (IsWrittenThrough(full) ? FileKind.Special : FileKinds.Of(target))
        {
            case FileKind.Directory:
                throw new UserException($"{option} {path}: is a folder; give a file name inside it");
            case FileKind.Special when Standard(full) is { } standard:
                return new OutputFile(option, path, null, null, standard);
            case FileKind.Special:
                FileStream through = Blocking(() => new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 0), option, path, target, cancellation);
                return new OutputFile(option, path, null, null, through);
            default:
                string directory = Path.GetDirectoryName(target) ?? ".";
                if (!Directory.Exists(directory))
                {
                    throw new UserException($"{option} {path}: the folder '{directory}' does not exist; create it first");
                }

                string temp = Path.Combine(directory, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
                FileStream stream = Guard(() => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0), option, path, temp);
                return new OutputFile(option, path, target, temp, stream);
        }
    }

    /// <summary>
    /// Whether <paramref name="full"/> is written through rather than replaced: it is (or links to) a device or a pipe,
    /// or it is an existing entry of /dev or /proc, whose links (/dev/stdout → /proc/self/fd/1 → the shell's file) name
    /// an open file that must be written, not a path to rename over.
    /// </summary>
    internal static bool IsWrittenThrough(string full)
    {
        FileKind kind = FileKinds.Of(full);
        return kind == FileKind.Special
            || (kind == FileKind.Regular && (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal)));
    }

    /// <summary>
    /// This process's standard output or error when <paramref name="full"/> names it (/dev/stdout, /dev/fd/1,
    /// /proc/self/fd/1 and the same for 2): written through the open descriptor, so that the text lands after what the
    /// command already printed there (opening the path anew would start at offset 0 of a redirected file).
    /// </summary>
    private static Stream? Standard(string full) => full switch
    {
        "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1" => Console.OpenStandardOutput(),
        "/dev/stderr" or "/dev/fd/2" or "/proc/self/fd/2" => Console.OpenStandardError(),
        _ => null,
    };

    /// <summary>The final target of a symbolic link (which need not exist yet), or <paramref name="full"/> itself when it is no link.</summary>
    /// <exception cref="UserException">The link cannot be followed (a loop, too many levels).</exception>
    internal static string Resolve(string full, string shown, string option)
    {
        if (new FileInfo(full).LinkTarget is null)
        {
            return full;
        }

        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException e)
        {
            throw new UserException($"{option} {shown}: cannot follow the link ({Reason(e, full)}); give a plain file name");
        }
    }

    /// <summary>Writes out what is buffered and, for a regular file, puts it in place.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _writer.Flush();
        try
        {
            _stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(e);
        }

        _done = true;
        _stream.Dispose();
        if (_temp is not null)
        {
            try
            {
                Guard(() => File.Move(_temp, _target!, overwrite: true), _option, _shown, _temp, _target!);
            }
            finally
            {
                Delete(_temp);
            }
        }
    }

    /// <summary>Closes the file; without <see cref="Commit"/> the temporary file is removed and the target left as it was.</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        try
        {
            // The stream has no buffer of its own, so closing it writes nothing more (and cannot fail on a full disk).
            _stream.Dispose();
        }
        catch (IOException)
        {
        }

        if (_temp is not null)
        {
            Delete(_temp);
        }
    }

    /// <summary>The reason of an I/O error without the path .NET appends (which may be the temporary file).</summary>
    internal static string Reason(Exception e, params string[] paths)
    {
        string message = e is UnauthorizedAccessException ? "permission denied" : e.Message;
        foreach (string p in paths.Where(p => p.Length > 0))
        {
            message = message.Replace($" : '{p}'", string.Empty, StringComparison.Ordinal)
                .Replace($" '{p}'", string.Empty, StringComparison.Ordinal)
                .Replace($"'{p}'", "the file", StringComparison.Ordinal);
        }

        return TrailingPath().Replace(message, string.Empty).TrimEnd('.', ' ');
    }

    private void Fail(Exception e) => throw new UserException($"{_option} {_shown}: write failed: {Reason(e, _temp ?? string.Empty, _target ?? string.Empty)}");

    private static T Guard<T>(Func<T> action, string option, string shown, params string[] paths)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"{option} {shown}: cannot write ({Reason(e, paths)})");
        }
    }

    private static void Guard(Action action, string option, string shown, params string[] paths)
        => Guard(() => { action(); return 0; }, option, shown, paths);

    /// <summary>Opens on a worker thread, so that cancellation ends the wait for a pipe's other end (the thread is abandoned).</summary>
    private static FileStream Blocking(Func<FileStream> open, string option, string shown, string path, CancellationToken cancellation)
    {
        Task<FileStream> task = Task.Run(() => Guard(open, option, shown, path), CancellationToken.None);
        try
        {
            task.Wait(cancellation);
        }
        catch (AggregateException)
        {
        }

        return task.GetAwaiter().GetResult();
    }

    private static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"\s*:\s*'[^']*'\s*$")]
    private static partial Regex TrailingPath();

    /// <summary>A stream that reports the write errors of the one it wraps through a callback (which throws).</summary>
    private sealed class GuardedStream(Stream inner, Action<Exception> fail) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            try
            {
                inner.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                fail(e);
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                fail(e);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            // The owner closes the inner stream.
            base.Dispose(disposing);
        }
    }
}

/// <summary>What a path names (following symbolic links).</summary>
internal enum FileKind
{
    /// <summary>Nothing there.</summary>
    Missing,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A folder.</summary>
    Directory,

    /// <summary>Anything else: a character or block device, a named pipe, a socket.</summary>
    Special,
}

/// <summary>Tells regular files from devices and pipes (which .NET's file attributes do not distinguish on Unix).</summary>
internal static class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;

    /// <summary>The kind of <paramref name="path"/>, following links.</summary>
    public static FileKind Of(string path)
    {
        if (Mode(path) is int mode)
        {
            return (mode & TypeMask) switch
            {
                RegularType => FileKind.Regular,
                DirectoryType => FileKind.Directory,
                _ => FileKind.Special,
            };
        }

        if (Directory.Exists(path))
        {
            return FileKind.Directory;
        }

        if (!File.Exists(path))
        {
            return FileKind.Missing;
        }

        // Without stat(2): the device and process folders hold no regular files worth replacing.
        return path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/proc/", StringComparison.Ordinal) ? FileKind.Special : FileKind.Regular;
    }

    /// <summary>st_mode from stat(2) on Linux (x64 and arm64 layouts), or null when missing or not available.</summary>
    private static int? Mode(string path)
    {
        int offset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => -1,
        };
        if (!OperatingSystem.IsLinux() || offset < 0)
        {
            return null;
        }

        byte[] buffer = new byte[256];
        try
        {
            return Stat(path, buffer) == 0 ? BitConverter.ToInt32(buffer, offset) : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "stat")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // A plain P/Invoke: the buffer is blittable and the path a UTF-8 string.
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
