using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LossLab.Cli.Tests;

/// <summary>
/// Every relative link in README.md and docs/*.md points at a file that exists, and every #anchor at a heading of that
/// file, with GitHub's heading ids: the heading's text, lower-cased, with punctuation removed and spaces turned into
/// hyphens (a repeated heading gets -1, -2, …).
/// </summary>
public sealed partial class MarkdownLinkTests
{
    [Fact]
    public void Every_relative_link_and_anchor_in_the_docs_resolves()
    {
        var broken = new List<string>();
        int checkedLinks = 0;
        foreach (string file in DocsPaths.MarkdownFiles)
        {
            string name = Path.GetRelativePath(DocsPaths.Root, file);
            foreach (var (target, line) in Links(file))
            {
                if (UriScheme().IsMatch(target))
                {
                    continue;
                }

                checkedLinks++;
                int hash = target.IndexOf('#', StringComparison.Ordinal);
                string path = hash < 0 ? target : target[..hash];
                string? anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
                string resolved = path.Length == 0 ? file : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, Uri.UnescapeDataString(path)));
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{name}:{line}: {target}: no such file");
                }
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(anchor))
                {
                    broken.Add($"{name}:{line}: {target}: no heading with the id '{anchor}' in {Path.GetFileName(resolved)}");
                }
            }
        }

        Assert.True(checkedLinks > 20, $"only {checkedLinks} relative links found");
        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Theory]
    [InlineData("Reports (`--out DIR`)", "reports---out-dir")]
    [InlineData("L3 — L1 is robust: 10× larger", "l3--l1-is-robust-10-larger")]
    [InlineData("The demo (`losslab demo`)", "the-demo-losslab-demo")]
    [InlineData("What's new, v2.0?", "whats-new-v20")]
    public void Heading_ids_follow_github(string heading, string id) => Assert.Equal(id, Slug(heading));

    /// <summary>GitHub's id for a heading's text.</summary>
    internal static string Slug(string heading)
    {
        string text = LinkText().Replace(heading.Trim(), "$1").ToLowerInvariant();
        var slug = new StringBuilder();
        foreach (char c in text)
        {
            UnicodeCategory category = char.GetUnicodeCategory(c);
            if (c is ' ')
            {
                slug.Append('-');
            }
            else if (c is '-' or '_' || char.IsLetterOrDigit(c) || category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                slug.Append(c);
            }
        }

        return slug.ToString();
    }

    private static HashSet<string> Anchors(string file)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (text, _) in Lines(file))
        {
            Match heading = Heading().Match(text);
            if (heading.Success)
            {
                string slug = Slug(heading.Groups[1].Value);
                int n = seen.GetValueOrDefault(slug);
                seen[slug] = n + 1;
                anchors.Add(n == 0 ? slug : $"{slug}-{n}");
            }
        }

        return anchors;
    }

    private static IEnumerable<(string Target, int Line)> Links(string file)
    {
        foreach (var (text, line) in Lines(file))
        {
            string withoutCode = InlineCode().Replace(text, string.Empty);
            foreach (Match m in Link().Matches(withoutCode))
            {
                yield return (m.Groups[1].Value, line);
            }
        }
    }

    /// <summary>The lines outside fenced code blocks, with their numbers.</summary>
    private static IEnumerable<(string Text, int Line)> Lines(string file)
    {
        bool inFence = false;
        string[] lines = File.ReadAllLines(file);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (!inFence)
            {
                yield return (lines[i], i + 1);
            }
        }
    }

    [GeneratedRegex(@"^#{1,6}\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkText();

    [GeneratedRegex(@"`+[^`]*`+")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[a-z][a-z0-9+.-]*:", RegexOptions.IgnoreCase)]
    private static partial Regex UriScheme();
}
