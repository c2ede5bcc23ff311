namespace Analytics.Testing;

/// <summary>The checkout the tests were built from: the nearest directory above the test binaries holding Analytics.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(Find);

    public static string Path => Found.Value;

    /// <summary>A path inside the repository, from its parts (e.g. "docs", "metrics.md").</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Analytics.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Analytics.sln above {AppContext.BaseDirectory}: run the tests from a checkout of the repository.");
    }
}
