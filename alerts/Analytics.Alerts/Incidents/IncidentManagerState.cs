namespace Analytics.Alerts.Incidents;

/// <summary>Everything a manager needs to continue after a restart: its incidents (open and cooling), silences and last window.</summary>
internal sealed record IncidentManagerState(long? LastWindowMs, IReadOnlyList<Incident> Incidents, IReadOnlyList<Silence> Silences);

/// <summary>What an operator asked for outside the running service (the CLI): acknowledge or resolve an incident.</summary>
internal sealed record OperatorAction(string IncidentId, IncidentChangeKind Kind, string By, long AtMs);
