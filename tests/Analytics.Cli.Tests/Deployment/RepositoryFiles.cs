using Analytics.Testing;
namespace Analytics.Cli.Tests.Deployment;

/// <summary>
/// The repository's files as the deployment checks see them, with some replaced in memory, so a test
/// can show that a broken copy of one file is caught without touching the working tree.
/// </summary>
internal sealed class RepositoryFiles
{
    private readonly IReadOnlyDictionary<string, string> _replaced;

    private RepositoryFiles(string root, IReadOnlyDictionary<string, string> replaced)
    {
        Root = root;
        _replaced = replaced;
    }

    public string Root { get; }

    /// <summary>The checkout these tests were built from: the nearest directory above the test binaries holding Analytics.sln.</summary>
    public static RepositoryFiles Checkout { get; } = new(RepositoryRoot.Path, new Dictionary<string, string>());

    public RepositoryFiles With(string relativePath, string content)
        => new(Root, new Dictionary<string, string>(_replaced) { [Normalize(relativePath)] = content });

    /// <summary>Applies <paramref name="edit"/> to a file's text; fails if the edit changed nothing, so a mutation test cannot pass vacuously.</summary>
    public RepositoryFiles Edit(string relativePath, Func<string, string> edit)
    {
        var before = Read(relativePath) ?? throw new FileNotFoundException($"{relativePath} is not in the repository.");
        var after = edit(before);
        if (after == before)
        {
            throw new InvalidOperationException($"The edit of {relativePath} changed nothing: the text it looks for is gone.");
        }

        return With(relativePath, after);
    }

    public string? Read(string relativePath)
    {
        var key = Normalize(relativePath);
        if (_replaced.TryGetValue(key, out var text))
        {
            return text;
        }

        var path = Path.Combine(Root, key);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public bool Exists(string relativePath)
    {
        var key = Normalize(relativePath);
        var path = Path.Combine(Root, key);
        return _replaced.ContainsKey(key) || File.Exists(path) || Directory.Exists(path);
    }

    public bool IsDirectory(string relativePath) => Directory.Exists(Path.Combine(Root, Normalize(relativePath)));

    /// <summary>A path relative to the root, with '/' separators and no "./" or "x/.." parts; null when it leaves the repository.</summary>
    public static string? Relative(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static string Normalize(string relativePath) => Relative(relativePath) ?? throw new ArgumentException($"{relativePath} leaves the repository.", nameof(relativePath));
}
