using System.Net;
using System.Text;

namespace LossLab.Reports;

/// <summary>
/// Writes a report folder: everything goes to a new hidden sibling folder first and is moved into the target folder
/// only when complete. The target is a new folder, an empty one, or one a LossLab report wrote before (it holds the
/// <see cref="Manifest"/> file listing that report's files); the files of the previous report that the new one does
/// not write are removed, and no other file is touched. Every user-supplied string in the HTML passes through
/// <see cref="Escape"/>.
/// </summary>
public sealed class ReportWriter
{
    /// <summary>The file that lists a report folder's files, so that the next report can replace them.</summary>
    public const string Manifest = ".losslab-report";

    private readonly string _target;
    private readonly string _staging;
    private readonly List<string> _files = [];

    /// <summary>Starts a report for <paramref name="directory"/> (created when missing; its parent must exist).</summary>
    public ReportWriter(string directory)
    {
        _target = Check(directory);
        string parent = Path.GetDirectoryName(_target)!;
        _staging = Path.Combine(parent, "." + Path.GetFileName(_target) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Directory.CreateDirectory(_staging);
    }

    /// <summary>
    /// Checks that a report can go to <paramref name="directory"/> and returns its full path (without a trailing
    /// separator): its parent folder exists; it is not a file, not the root, and either missing, empty, or a previous
    /// report's folder.
    /// </summary>
    /// <exception cref="IOException">It cannot (the message names the option and says what to do).</exception>
    public static string Check(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        string? parent = Path.GetDirectoryName(full);
        if (parent is null)
        {
            throw new IOException($"--out {directory}: is the root folder; give a folder of its own");
        }

        if (!Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"--out {directory}: the folder '{parent}' does not exist; create it first");
        }

        if (File.Exists(full))
        {
            throw new IOException($"--out {directory}: is a file; give a folder");
        }

        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !File.Exists(Path.Combine(full, Manifest)))
        {
            throw new IOException($"--out {directory}: the folder already holds files that are not a LossLab report; give a new or empty folder");
        }

        return full;
    }

    /// <summary>The staging path of a file of the report.</summary>
    public string PathOf(string name)
    {
        _files.Add(name);
        return Path.Combine(_staging, name);
    }

    /// <summary>Writes a text file of the report (UTF-8).</summary>
    public void WriteText(string name, string text) => File.WriteAllText(PathOf(name), text, new UTF8Encoding(false));

    /// <summary>
    /// Moves every staged file into the target folder, removes the files of the previous report there that this one
    /// did not write, records this report's files in the manifest, and removes the staging folder.
    /// </summary>
    public void Commit()
    {
        string[] written = [.. _files.Distinct(StringComparer.Ordinal)];
        File.WriteAllLines(Path.Combine(_staging, Manifest), written);
        Directory.CreateDirectory(_target);
        string previous = Path.Combine(_target, Manifest);
        if (File.Exists(previous))
        {
            foreach (string name in File.ReadAllLines(previous).Except(written, StringComparer.Ordinal))
            {
                // Only plain names a report wrote: never a path that leaves the folder.
                string old = Path.Combine(_target, name);
                if (name.Length > 0 && name == Path.GetFileName(name) && File.Exists(old))
                {
                    File.Delete(old);
                }
            }
        }

        foreach (string file in Directory.GetFiles(_staging))
        {
            File.Move(file, Path.Combine(_target, Path.GetFileName(file)), overwrite: true);
        }

        Directory.Delete(_staging, recursive: true);
    }

    /// <summary>Removes the staging folder (after a failure).</summary>
    public void Abandon()
    {
        if (Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }
    }

    /// <summary>HTML-escapes text (&lt;, &gt;, &amp;, quotes).</summary>
    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);
}
