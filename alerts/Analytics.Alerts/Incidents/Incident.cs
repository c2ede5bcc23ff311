using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents;

/// <summary>Where an incident stands for on-call.</summary>
internal enum IncidentStatus
{
    Triggered,
    Acknowledged,
    Resolved,
}

/// <summary>
/// One problem, as on-call sees it: the root alert (rule + slice) with its symptoms, culprits and
/// lifecycle. Immutable: the manager replaces it on every change, so a snapshot handed out never moves.
/// Event times (<c>…WindowMs</c>, <see cref="OpenedAtMs"/>) follow the data; wall times (<c>…AtMs</c>) follow the clock.
/// </summary>
internal sealed record Incident
{
    /// <summary>Printable and stable: <c>INC-</c> and six hex digits of the key and the opening window.</summary>
    public required string Id { get; init; }

    /// <summary>Root rule + root slice (<see cref="AlertSignal.Key"/>): the same problem has the same key.</summary>
    public required string Key { get; init; }

    public required string Rule { get; init; }

    public required Severity Severity { get; init; }

    public required string Metric { get; init; }

    public required Slice Slice { get; init; }

    public string Title { get; init; } = "";

    public IncidentStatus Status { get; init; }

    /// <summary>Event time the breach started (the root signal's <see cref="AlertSignal.SinceMs"/>).</summary>
    public long OpenedAtMs { get; init; }

    /// <summary>Wall time the incident was opened (or last reopened); escalation counts from it.</summary>
    public long TriggeredAtMs { get; init; }

    public long? AcknowledgedAtMs { get; init; }

    public string? AcknowledgedBy { get; init; }

    public long? ResolvedAtMs { get; init; }

    public string? ResolvedBy { get; init; }

    /// <summary>Event time of the window the incident resolved in: the cooling period counts from it.</summary>
    public long? ResolvedWindowMs { get; init; }

    public double? Value { get; init; }

    public double? Baseline { get; init; }

    public double? Threshold { get; init; }

    /// <summary>Keys (rule/slice) of the alerts explained by this incident's root; they never page on their own.</summary>
    public IReadOnlyList<string> Symptoms { get; init; } = [];

    /// <summary>Keys of alerts inside this incident's slice whose pages it suppressed.</summary>
    public IReadOnlyList<string> Inhibited { get; init; } = [];

    /// <summary>The dimension values that explain a coarse anomaly (localisation), largest share first.</summary>
    public IReadOnlyList<Culprit> Culprits { get; init; } = [];

    public int NotifyCount { get; init; }

    public int EscalationLevel { get; init; }

    public long? LastNotifiedAtMs { get; init; }

    /// <summary>Wall time of the last escalation (or of triggering): the next deadline counts from it.</summary>
    public long LastEscalatedAtMs { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>Event time of the last window the root fired in.</summary>
    public long LastWindowMs { get; init; }

    /// <summary>Whether the root fired in the last evaluated window.</summary>
    public bool FiringNow { get; init; }

    /// <summary>Consecutive evaluated windows without the root firing.</summary>
    public int ClearWindows { get; init; }

    /// <summary>Event times of recent fire/clear changes, for flap detection.</summary>
    public IReadOnlyList<long> Transitions { get; init; } = [];

    public bool Flapping { get; init; }

    /// <summary>Whether a silence or maintenance window muted the incident's last notification.</summary>
    public bool Muted { get; init; }

    /// <summary>Sequence number of the incident's last event; events are keyed by (id, seq), so replays overwrite.</summary>
    public int Seq { get; init; }

    public bool IsOpen => Status != IncidentStatus.Resolved;
}
