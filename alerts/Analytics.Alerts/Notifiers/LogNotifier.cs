using Analytics.Alerts.Incidents;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.Notifiers;

/// <summary>Writes notifications to the log: pages as warnings, the rest as information.</summary>
internal sealed partial class LogNotifier : INotifier
{
    private readonly ILogger _log;

    public LogNotifier(ILogger log)
    {
        _log = log;
    }

    public Task NotifyAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        foreach (var notification in IncidentNotification.From(changes))
        {
            Write(notification);
        }

        return Task.CompletedTask;
    }

    private void Write(IncidentNotification notification)
    {
        if (notification.Change.IsPage)
        {
            Page(_log, notification.Incident.Id, notification.Change.Kind, notification.Text);
        }
        else
        {
            Notice(_log, notification.Incident.Id, notification.Change.Kind, notification.Text);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Incident {IncidentId} {Kind}: {Text}")]
    private static partial void Page(ILogger log, string incidentId, IncidentChangeKind kind, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {IncidentId} {Kind}: {Text}")]
    private static partial void Notice(ILogger log, string incidentId, IncidentChangeKind kind, string text);
}
