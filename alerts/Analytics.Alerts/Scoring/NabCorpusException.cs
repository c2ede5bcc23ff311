namespace Analytics.Alerts.Scoring;

/// <summary>A labelled corpus (data, windows.json, profiles.json) is missing a part or has a malformed one.</summary>
internal sealed class NabCorpusException : AlertsException
{
    public NabCorpusException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file or folder at fault.</summary>
    public string Path { get; }

    public string Problem { get; }

    public override bool IsTransient => false;
}
