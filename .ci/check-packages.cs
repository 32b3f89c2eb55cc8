// Checks the packages that .ci/pack-check packed into a folder: every package has the MIT licence expression, the
// README at its root (named as its readme), a real description and tags, and a .snupkg symbol package beside it; every
// LossLab.Cli tool package weighs at most 30 MB. Usage: dotnet run .ci/check-packages.cs -- FOLDER
using System.IO.Compression;
using System.Xml.Linq;

if (args.Length != 1 || !Directory.Exists(args[0]))
{
    Console.Error.WriteLine("usage: dotnet run .ci/check-packages.cs -- FOLDER (the folder dotnet pack wrote to)");
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
    if (id.StartsWith("LossLab.Cli", StringComparison.Ordinal))
    {
        Check(size <= MaxToolBytes, $"the tool package weighs {size / 1e6:F1} MB, over 30 MB");
        Check(zip.Entries.Any(e => e.Name == "DotnetToolSettings.xml"), "not a tool package (no DotnetToolSettings.xml)");
    }
    Console.WriteLine($"{file}: {size / 1e6:F2} MB, MIT, README.md, snupkg, \"{description[..Math.Min(50, description.Length)]}…\"");
}
foreach (string id in expected.Where(i => !ids.Contains(i))) failures.Add($"no package {id} in {args[0]}");
foreach (string f in failures) Console.Error.WriteLine("check-packages: " + f);
return failures.Count == 0 ? 0 : 1;
