namespace Analytics.Alerts.Detectors;

/// <summary>A detector name that the catalog does not have.</summary>
internal sealed class UnknownDetectorException : AlertsException
{
    public UnknownDetectorException(string name, IEnumerable<string> known)
        : base($"There is no detector \"{name}\". Choose one of: {string.Join(", ", known)}.")
    {
        Name = name;
    }

    public string Name { get; }

    public override bool IsTransient => false;
}
