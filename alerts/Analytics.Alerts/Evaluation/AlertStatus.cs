using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Evaluation;

/// <summary>A point-in-time view of the evaluator, for the demo's live view and logs.</summary>
internal sealed record AlertStatus(
    long WindowsJudged,
    long? LastWindowStartMs,
    long? GroupFinalThroughMs,
    string? Waiting,
    int Series,
    long IncidentsOpened,
    IReadOnlyList<Incident> Incidents,
    TimeSpan? LastEvaluation)
{
    public static AlertStatus Starting { get; } = new(0, null, null, "starting", 0, 0, [], null);

    /// <summary>The longest time from seeing windows final to their incidents stored and notified, so far.</summary>
    public TimeSpan MaxFinalToNotified { get; init; }
}
