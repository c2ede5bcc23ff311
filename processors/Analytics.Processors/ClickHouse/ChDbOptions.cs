using Analytics.Common;

namespace Analytics.Processors.ClickHouse;

/// <summary>How to open the embedded chDB engine.</summary>
internal sealed record ChDbOptions
{
    public const string Component = "ClickHouse:ChDb";

    /// <summary>The engine's data directory (<c>--path</c>); created if missing and kept across restarts.</summary>
    public string Path { get; init; } = ".data/chdb";

    /// <summary>Open with <c>readonly=1</c>: queries only, no INSERT, DDL or SET, for this connection alone.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The data directory as an absolute path without a trailing separator.</summary>
    public string FullPath => System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(Path));

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new OptionsValidationException(Component, nameof(Path), "must name a directory", Path);
        }

        if (Path.IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            throw new OptionsValidationException(Component, nameof(Path), "must be a valid directory path", Path);
        }

        if (File.Exists(Path))
        {
            throw new OptionsValidationException(Component, nameof(Path), "must be a directory, not a file", Path);
        }
    }
}
