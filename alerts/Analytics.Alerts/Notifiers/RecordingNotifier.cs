using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers;

/// <summary>Keeps every notification it receives, in order: for tests and dry runs.</summary>
internal sealed class RecordingNotifier : INotifier
{
    private readonly Lock _gate = new();
    private readonly List<IncidentNotification> _received = [];

    public IReadOnlyList<IncidentNotification> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public Task NotifyAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        lock (_gate)
        {
            _received.AddRange(IncidentNotification.From(changes));
        }

        return Task.CompletedTask;
    }
}
