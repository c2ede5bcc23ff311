namespace Analytics.Benchmarks.Harness;

/// <summary>Where results go: .artifacts/benchmarks under the repository (found from the binaries), else under the current directory.</summary>
internal static class ArtifactPaths
{
    public static string DefaultDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Analytics.sln")))
            {
                return Path.Combine(dir.FullName, ".artifacts", "benchmarks");
            }
        }

        return Path.GetFullPath(Path.Combine(".artifacts", "benchmarks"));
    }
}
