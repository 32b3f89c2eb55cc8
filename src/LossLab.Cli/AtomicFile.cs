using System.Text;

namespace LossLab.Cli;

/// <summary>Output files are written whole or not at all: a temporary file beside the target, then a rename.</summary>
internal static class AtomicFile
{
    public static void Write(string path, string text, string option)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new UserException($"{option} {path}: directory '{directory}' does not exist; create it first");
        }

        if (Directory.Exists(full))
        {
            throw new UserException($"{option} {path}: is a directory; give a file name");
        }

        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
