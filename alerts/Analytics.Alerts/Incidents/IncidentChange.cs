namespace Analytics.Alerts.Incidents;

/// <summary>What happened to an incident; stored as the event's kind (lower case).</summary>
internal enum IncidentChangeKind
{
    Opened,
    SymptomAttached,
    Updated,
    Acknowledged,
    Resolved,
    Reopened,
    Escalated,
    Repeated,
    Flapping,
    Inhibited,
    Muted,
}

/// <summary>
/// One event of an incident, with the incident as it stands after it. <see cref="Notify"/> says whether
/// receivers should hear of it (false when muted, while flapping, and for bookkeeping such as symptoms).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Incident">The incident after the change.</param>
/// <param name="Seq">The incident's event number: (incident id, seq) is the event's identity in storage.</param>
/// <param name="Notify">Whether receivers should hear of it.</param>
/// <param name="Muted">Whether a silence suppressed its notification.</param>
/// <param name="WindowStartMs">The evaluated window that caused it; null for wall-clock and operator changes.</param>
/// <param name="AtMs">Wall time.</param>
/// <param name="Actor">Who did it: "auto", or the operator for acknowledgements and manual resolves.</param>
/// <param name="Detail">A short text for humans: the symptom key, the reason, the title.</param>
internal sealed record IncidentChange(
    IncidentChangeKind Kind,
    Incident Incident,
    int Seq,
    bool Notify,
    bool Muted,
    long? WindowStartMs,
    long AtMs,
    string Actor,
    string Detail)
{
    /// <summary>A page: a notification that asks someone to act (not a resolution or a notice).</summary>
    public bool IsPage => Notify && Kind is IncidentChangeKind.Opened or IncidentChangeKind.Reopened or IncidentChangeKind.Repeated or IncidentChangeKind.Escalated;

    /// <summary>The kind as stored in <c>incident_events.kind</c>.</summary>
    public string KindName => IncidentKinds.Name(Kind);
}

internal static class IncidentKinds
{
    public static string Name(IncidentChangeKind kind) => kind switch
    {
        IncidentChangeKind.SymptomAttached => "symptom",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
