using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// Hears of every incident change the alert service makes, before the changes are stored (so a crash in
/// between judges the window again and hands over the same changes): the delivery dispatcher, the action
/// runner, the log. Each decides which changes concern it (<see cref="IncidentChange.Notify"/> for pages).
/// </summary>
internal interface INotifier
{
    Task NotifyAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct);
}
