namespace Analytics.Alerts.Incidents;

/// <summary>One row of <c>incident_events</c>, as <c>analytics incidents show</c> lists it.</summary>
internal sealed record StoredIncidentEvent(
    string IncidentId, string Source, long Seq, string Kind, long EventTimeMs, long WallTimeMs, string Actor, bool Notified, bool Muted, string Detail);
