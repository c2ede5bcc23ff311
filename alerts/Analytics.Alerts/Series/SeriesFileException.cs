namespace Analytics.Alerts.Series;

/// <summary>A series file cannot be opened or read at all (missing, a folder, no permission, an I/O error).</summary>
internal sealed class SeriesFileException : AlertsException
{
    public SeriesFileException(string path, string reason)
        : base($"{path}: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }

    public string Reason { get; }

    // A missing file does not appear by retrying; an I/O error is reported as such, not retried here.
    public override bool IsTransient => false;
}
