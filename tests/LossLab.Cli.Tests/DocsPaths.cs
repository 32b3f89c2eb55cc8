namespace LossLab.Cli.Tests;

/// <summary>The repository's files, found from the test's output folder.</summary>
internal static class DocsPaths
{
    /// <summary>The repository root: the nearest folder above the tests that holds LossLab.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>README.md and every docs/*.md, as paths.</summary>
    public static IReadOnlyList<string> MarkdownFiles =>
        [Path.Combine(Root, "README.md"), .. Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal)];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LossLab.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LossLab.slnx not found above " + AppContext.BaseDirectory);
    }
}
