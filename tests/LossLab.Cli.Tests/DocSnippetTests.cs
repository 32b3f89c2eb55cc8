using System.Reflection;
using System.Text.RegularExpressions;
using LossLab.Lab.Experiments;
using LossLab.Losses;
using LossLab.Reports;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LossLab.Cli.Tests;

/// <summary>
/// Every ```csharp block in README.md and docs/*.md compiles against the built LossLab assemblies and runs. A block
/// marked ```csharp no-run (a declaration shown for its shape) is compiled as a library and not run. Each block is
/// compiled alone, as a fresh console project would compile it: its own usings plus the SDK's implicit ones.
/// </summary>
public sealed partial class DocSnippetTests
{
    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (string file in DocsPaths.MarkdownFiles)
        {
            int count = Blocks(file).Count;
            for (int i = 0; i < count; i++)
            {
                data.Add(Path.GetRelativePath(DocsPaths.Root, file), i);
            }
        }

        return data;
    }

    [Fact]
    public void The_docs_have_csharp_snippets()
        => Assert.True(Snippets().Count >= 5, "expected the README and docs snippets");

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_compiles_and_runs(string file, int index)
    {
        (string info, string code, int line) = Blocks(Path.Combine(DocsPaths.Root, file))[index];
        bool run = !info.Contains("no-run", StringComparison.Ordinal);
        string source = string.Concat(ImplicitUsings.Select(u => $"global using {u};\n")) + code;
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: $"{file}:{line}");
        var compilation = CSharpCompilation.Create(
            "Snippet_" + Guid.NewGuid().ToString("N"),
            [tree],
            References.Value,
            new CSharpCompilationOptions(run ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        string[] errors = [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString())];
        Assert.True(result.Success, $"{file} block at line {line} does not compile:\n" + string.Join("\n", errors));
        if (run)
        {
            Assembly assembly = Assembly.Load(image.ToArray());
            MethodInfo entry = assembly.EntryPoint!;
            var stdout = Console.Out;
            try
            {
                Console.SetOut(TextWriter.Null);
                entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            }
            finally
            {
                Console.SetOut(stdout);
            }
        }
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        // The framework the tests run on, and LossLab's own assemblies as built.
        string[] framework = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        string[] own = [typeof(ILoss).Assembly.Location, typeof(Guide).Assembly.Location, typeof(Report).Assembly.Location, typeof(App).Assembly.Location];
        return [.. framework.Concat(own).Where(p => p.Length > 0).DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Select(p => MetadataReference.CreateFromFile(p))];
    });

    /// <summary>The ```csharp blocks of a markdown file: info string, code, and the line of the opening fence.</summary>
    internal static List<(string Info, string Code, int Line)> Blocks(string path)
    {
        var blocks = new List<(string, string, int)>();
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            Match open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            int start = i;
            var code = new List<string>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal); i++)
            {
                code.Add(lines[i]);
            }

            if (open.Groups["lang"].Value == "csharp")
            {
                blocks.Add((open.Groups["info"].Value, string.Join('\n', code), start + 1));
            }
        }

        return blocks;
    }

    [GeneratedRegex(@"^\s*```(?<info>(?<lang>[\w#+-]*).*)$")]
    private static partial Regex Fence();
}
