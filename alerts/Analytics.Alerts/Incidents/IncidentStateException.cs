namespace Analytics.Alerts.Incidents;

/// <summary>Stored incident state could not be read back (a row whose snapshot is not valid JSON for this build).</summary>
internal sealed class IncidentStateException : IncidentsException
{
    public IncidentStateException(string id, string reason, Exception? inner = null)
        : base($"The stored state of incident {id} cannot be restored: {reason}", inner)
    {
        Id = id;
    }

    public string Id { get; }

    public override bool IsTransient => false;
}
