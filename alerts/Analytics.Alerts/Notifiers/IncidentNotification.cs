using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers;

/// <summary>What a receiver is told: the change and the incident as it stands, with a one-line text.</summary>
internal sealed record IncidentNotification(IncidentChange Change)
{
    public Incident Incident => Change.Incident;

    /// <summary>E.g. "[P1] INC-3f9a2c opened: VSF 46 % at CDN oca, POP iad-2 since 14:02".</summary>
    public string Text => $"[{Incident.Severity}] {Incident.Id} {Change.KindName}: {Incident.Title}"
        + (Change.Kind is IncidentChangeKind.Opened || Change.Detail == Incident.Title ? "" : $" ({Change.Detail})");

    public static IEnumerable<IncidentNotification> From(IEnumerable<IncidentChange> changes)
        => changes.Where(c => c.Notify).Select(c => new IncidentNotification(c));
}
