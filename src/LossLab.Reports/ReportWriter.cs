using System.Net;
using System.Text;

namespace LossLab.Reports;

/// <summary>
/// Writes a report folder whole or not at all: everything goes to a new sibling folder first, which then replaces
/// the files of the target folder. Every user-supplied string in the HTML passes through <see cref="Escape"/>.
/// </summary>
public sealed class ReportWriter
{
    private readonly string _target;
    private readonly string _staging;

    /// <summary>Starts a report for <paramref name="directory"/> (created when missing; its parent must exist).</summary>
    public ReportWriter(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        _target = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(_target) ?? ".";
        if (!Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException($"--out {directory}: the folder '{parent}' does not exist; create it first");
        }

        if (File.Exists(_target))
        {
            throw new IOException($"--out {directory}: is a file; give a folder");
        }

        _staging = Path.Combine(parent, "." + Path.GetFileName(_target) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Directory.CreateDirectory(_staging);
    }

    /// <summary>The staging path of a file of the report.</summary>
    public string PathOf(string name) => Path.Combine(_staging, name);

    /// <summary>Writes a text file of the report (UTF-8).</summary>
    public void WriteText(string name, string text) => File.WriteAllText(PathOf(name), text, new UTF8Encoding(false));

    /// <summary>Moves every staged file into the target folder and removes the staging folder.</summary>
    public void Commit()
    {
        Directory.CreateDirectory(_target);
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
