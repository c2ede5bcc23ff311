namespace Analytics.Alerts.Incidents;

/// <summary>An operator named an incident the manager or the store does not know.</summary>
internal sealed class IncidentNotFoundException : IncidentsException
{
    public IncidentNotFoundException(string id)
        : base($"There is no incident {id}. List them with: analytics incidents list")
    {
        Id = id;
    }

    public string Id { get; }

    public override bool IsTransient => false;
}
