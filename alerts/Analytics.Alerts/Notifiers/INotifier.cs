namespace Analytics.Alerts.Notifiers;

/// <summary>A receiver of incident notifications (log, PagerDuty, Slack, …). Delivery failures are the receiver's to report.</summary>
internal interface INotifier
{
    Task NotifyAsync(IncidentNotification notification, CancellationToken ct);
}
