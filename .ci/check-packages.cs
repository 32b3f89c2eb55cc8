// Checks the packages that .ci/pack-check packed into a folder: every package has the MIT licence expression, the
// README at its root (named as its readme), a real description and tags, a .snupkg symbol package beside it, and the
// SourceLink repository element with its commit; where git's "origin" remote is a public (http/https) address, the
// repository URL and the project URL must be that address (a clone from a local folder has none, and then neither URL is
// set, which is reported); every LossLab.Cli tool package weighs at most 30 MB.
// Usage: dotnet run .ci/check-packages.cs -- FOLDER [--require-url]
using System.IO.Compression;
using System.Xml.Linq;

bool requireUrl = args.Length == 2 && args[1] == "--require-url";
if (args.Length is < 1 or > 2 || (args.Length == 2 && !requireUrl) || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: dotnet run .ci/check-packages.cs -- FOLDER [--require-url] (FOLDER: where dotnet pack wrote)");
    return 1;
}

const long MaxToolBytes = 30L * 1024 * 1024;
string[] expected = ["LossLab", "LossLab.Lab", "LossLab.Reports", "LossLab.Cli"];
var failures = new List<string>();
var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
foreach (string path in Directory.GetFiles(args[0], "*.nupkg").Order(StringComparer.Ordinal))
{
    string file = Path.GetFileName(path);
    long size = new FileInfo(path).Length;
    using ZipArchive zip = ZipFile.OpenRead(path);
    ZipArchiveEntry nuspecEntry = zip.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.Name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
    XDocument nuspec;
    using (Stream s = nuspecEntry.Open()) nuspec = XDocument.Load(s);
    XElement meta = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    string Get(string name) => meta.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim() ?? "";
    string id = Get("id");
    ids.Add(id);
    void Check(bool ok, string what) { if (!ok) failures.Add($"{file}: {what}"); }
    XElement? license = meta.Elements().FirstOrDefault(e => e.Name.LocalName == "license");
    Check(license?.Attribute("type")?.Value == "expression" && license.Value.Trim() == "MIT", "the licence is not the MIT expression");
    string readme = Get("readme");
    Check(readme == "README.md", $"the readme is '{readme}', not README.md");
    Check(zip.GetEntry("README.md") is { Length: > 1000 }, "README.md is not at the package's root");
    string description = Get("description");
    Check(description.Length >= 40 && description != "Package Description", $"the description is not a real one: '{description}'");
    Check(Get("tags").Length > 0, "no tags");
    Check(File.Exists(Path.ChangeExtension(path, ".snupkg")), "no .snupkg symbol package beside it");
    XElement? repository = meta.Elements().FirstOrDefault(e => e.Name.LocalName == "repository");
    string commit = repository?.Attribute("commit")?.Value ?? "";
    Check(commit.Length == 40, "no SourceLink repository element with the commit");
    string repositoryUrl = repository?.Attribute("url")?.Value ?? "";
    string projectUrl = Get("projectUrl");
    string urls;
    if (repositoryUrl.Length == 0)
    {
        Check(!requireUrl, "no repository URL (git's origin remote is not a public address)");
        Check(projectUrl.Length == 0, $"a project URL '{projectUrl}' without a repository URL");
        urls = "no URL (origin is not a public address)";
    }
    else
    {
        Check(repositoryUrl.StartsWith("https://", StringComparison.Ordinal) || repositoryUrl.StartsWith("http://", StringComparison.Ordinal), $"the repository URL '{repositoryUrl}' is not a web address");
        Check(projectUrl == (repositoryUrl.EndsWith(".git", StringComparison.Ordinal) ? repositoryUrl[..^4] : repositoryUrl), $"the project URL '{projectUrl}' is not the repository's '{repositoryUrl}'");
        urls = projectUrl;
    }
    if (id.StartsWith("LossLab.Cli", StringComparison.Ordinal))
    {
        Check(size <= MaxToolBytes, $"the tool package weighs {size / 1e6:F1} MB, over 30 MB");
        Check(zip.Entries.Any(e => e.Name == "DotnetToolSettings.xml"), "not a tool package (no DotnetToolSettings.xml)");
    }
    Console.WriteLine($"{file}: {size / 1e6:F2} MB, MIT, README.md, snupkg, commit {commit[..Math.Min(7, commit.Length)]}, {urls}, \"{description[..Math.Min(50, description.Length)]}…\"");
}
foreach (string id in expected.Where(i => !ids.Contains(i))) failures.Add($"no package {id} in {args[0]}");
foreach (string f in failures) Console.Error.WriteLine("check-packages: " + f);
return failures.Count == 0 ? 0 : 1;
