using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers;

/// <summary>What a receiver is asked to do with an incident (PagerDuty's <c>event_action</c>).</summary>
internal enum NotificationAction
{
    Trigger,
    Acknowledge,
    Resolve,
}

/// <summary>
/// One incident change owed to one receiver. <see cref="Id"/> (incident, event, receiver) is stable, so the
/// same change judged twice is queued once; <see cref="DedupKey"/> (the incident) groups trigger,
/// acknowledge and resolve of one incident at the receiver.
/// </summary>
internal sealed record Notification(string Receiver, IncidentChange Change)
{
    public string Id => $"{Change.Incident.Id}:{Change.Seq}:{Receiver}";

    public Incident Incident => Change.Incident;

    /// <summary>The incident id: the same for every event of one incident, unique across incidents.</summary>
    public string DedupKey => Change.Incident.Id;

    /// <summary>True for a periodic re-send of a still-open incident (Alertmanager needs one), not a new event.</summary>
    public bool IsRefresh { get; init; }

    public NotificationAction Action => Change.Kind switch
    {
        IncidentChangeKind.Acknowledged => NotificationAction.Acknowledge,
        IncidentChangeKind.Resolved => NotificationAction.Resolve,
        _ when Change.Incident.Status == IncidentStatus.Resolved => NotificationAction.Resolve,
        _ => NotificationAction.Trigger,
    };

    /// <summary>E.g. "[P1] INC-3f9a2c opened: VSF 46 % at CDN oca, POP iad-2 since 14:02".</summary>
    public string Text => new IncidentNotification(Change).Text;
}
