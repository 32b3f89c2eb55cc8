namespace LossLab.Lab.Tests;

/// <summary>
/// Temporary folders for tests, all under one folder per test process (<c>losslab-tests-PID</c> in the system's
/// temporary folder) that is deleted when the process exits, so that no run leaves files behind.
/// </summary>
internal static class TestFolders
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), $"losslab-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A child process may still hold a file; the folder is then left, named by the process id.
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return root;
    });

    /// <summary>Creates and returns a new empty folder whose name starts with <paramref name="prefix"/>.</summary>
    public static string Create(string prefix)
    {
        string dir = Path.Combine(Root.Value, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
