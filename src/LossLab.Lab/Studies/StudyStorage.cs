namespace LossLab.Lab.Studies;

/// <summary>Opens a study storage from the URL a user gives.</summary>
public static class StudyStorage
{
    /// <summary>The storage URL used when none is given: a SQLite file in the current folder.</summary>
    public const string DefaultUrl = "sqlite:losslab-studies.db";

    /// <summary>Opens the storage at <paramref name="url"/> (<c>sqlite:PATH</c>) and makes sure its schema exists.</summary>
    /// <exception cref="StudyException">An unknown URL scheme, or a storage that cannot be opened.</exception>
    public static IStudyStorage Open(string url)
    {
        IStudyStorage storage = Create(url);
        try
        {
            storage.EnsureSchema();
        }
        catch
        {
            storage.Dispose();
            throw;
        }

        return storage;
    }

    /// <summary>The storage of <paramref name="url"/>, not yet touched (no schema check).</summary>
    /// <exception cref="StudyException">An unknown URL scheme or an empty path.</exception>
    public static IStudyStorage Create(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = url["sqlite:".Length..];
            return path.Length > 0
                ? new SqliteStudyStorage(path)
                : throw new StudyException($"--storage {url}: no file after 'sqlite:'; write sqlite:PATH, e.g. {DefaultUrl}");
        }

        throw new StudyException($"--storage {Redact(url)}: not a study storage; write sqlite:PATH (one machine) or postgresql://user@host:port/db (several)");
    }

    /// <summary>A URL with any password in it replaced by <c>***</c> (<c>scheme://user:secret@host</c> → <c>scheme://user:***@host</c>).</summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int at = url.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return url;
        }

        int colon = url.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? url[..(colon + 1)] + "***" + url[at..] : url;
    }
}
