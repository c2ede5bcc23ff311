using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.OnCall;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.Delivery;

/// <summary>
/// Turns incident changes into notifications: the route tree picks the receivers of each notifying change,
/// and archive receivers (Elasticsearch) take every change. Each notification is recorded as owed in
/// <c>notification_log</c> before it is handed to its receiver's queue, so a crash or a receiver that is
/// down loses nothing: <see cref="StartAsync"/> queues again whatever is still owed.
/// </summary>
internal sealed partial class Dispatcher : INotifier, IAsyncDisposable
{
    private readonly OnCallConfig _config;
    private readonly NotificationLog _log;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ReceiverQueue> _queues;
    private readonly DeliveryMetrics _metrics;

    private Dispatcher(OnCallConfig config, NotificationLog log, DeliveryOptions options, TimeProvider time, ILogger logger, IReadOnlyList<IReceiver> receivers)
    {
        _config = config;
        _log = log;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = new DeliveryMetrics(() => _queues!.Values.Select(q => new System.Diagnostics.Metrics.Measurement<long>(q.Pending, new KeyValuePair<string, object?>("receiver", q.Receiver.Name))));
        _queues = receivers.ToDictionary(r => r.Name, r => new ReceiverQueue(r, log, options, time, logger, _metrics), StringComparer.Ordinal);
    }

    /// <summary>Each receiver's queue, for status lines and tests.</summary>
    public IReadOnlyCollection<ReceiverQueue> Queues => _queues.Values;

    /// <summary>
    /// Creates the receivers (reading their secrets: a missing one is an <see cref="OnCallConfigException"/>
    /// naming its key), queues again what the last run still owed, and starts delivering.
    /// </summary>
    public static async Task<Dispatcher> StartAsync(
        OnCallConfig config, ReceiverServices services, NotificationLog log, DeliveryOptions options, IEnumerable<Incident> open, CancellationToken ct)
    {
        options.Validate();
        var receivers = new List<IReceiver>();
        try
        {
            foreach (var r in config.Receivers)
            {
                receivers.Add(r.Settings.Create(r.Name, services));
            }
        }
        catch
        {
            receivers.ForEach(r => r.Dispose());
            throw;
        }

        var dispatcher = new Dispatcher(config, log, options, services.Time, services.Log, receivers);
        await dispatcher.RestoreAsync(open, ct);
        foreach (var queue in dispatcher._queues.Values)
        {
            queue.Start();
        }

        return dispatcher;
    }

    /// <summary>Records the notifications these changes owe, then queues them; changes already queued (a window judged again) are skipped.</summary>
    public async Task NotifyAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        var notifications = new List<Notification>();
        foreach (var change in changes)
        {
            notifications.AddRange(Route(change).Select(receiver => new Notification(receiver, change)));
        }

        if (notifications.Count == 0)
        {
            return;
        }

        var known = await _log.QueuedAsync([.. notifications.Select(n => n.Id)], ct);
        var fresh = notifications.Where(n => !known.Contains(n.Id)).ToList();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await _log.RecordAsync(
            [.. fresh.Select(n => new NotificationAttempt(
                n.Id, n.Receiver, _queues[n.Receiver].Receiver.Kind, n.Incident.Id, n.Change.Seq, n.Change.KindName, n.DedupKey, 0,
                DeliveryStatus.Queued, 0, "", 0, now, NotificationLog.WriteChange(n.Change)))],
            ct);
        foreach (var n in fresh)
        {
            _queues[n.Receiver].Enqueue(n, 0, now);
        }
    }

    /// <summary>The receivers a change goes to: the routed ones for a notifying change, and every archive.</summary>
    public IEnumerable<string> Route(IncidentChange change)
    {
        var routed = change.Notify ? _config.Route.Select(IncidentLabels.Of(change.Incident)) : [];
        foreach (var name in routed.Where(_queues.ContainsKey))
        {
            if (_queues[name].Receiver.Scope == ReceiverScope.Routed)
            {
                yield return name;
            }
        }

        foreach (var queue in _queues.Values.Where(q => q.Receiver.Scope == ReceiverScope.Everything))
        {
            yield return queue.Receiver.Name;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var queue in _queues.Values)
        {
            await queue.DisposeAsync();
        }

        _metrics.Dispose();
    }

    private async Task RestoreAsync(IEnumerable<Incident> open, CancellationToken ct)
    {
        var since = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.GiveUpAfter.TotalMilliseconds;
        var owed = await _log.OwedAsync(since, ct);
        var orphans = new List<NotificationAttempt>();
        foreach (var o in owed)
        {
            if (_queues.TryGetValue(o.Notification.Receiver, out var queue))
            {
                queue.Enqueue(o.Notification, o.Attempts, o.QueuedAtMs);
            }
            else
            {
                var n = o.Notification;
                orphans.Add(new NotificationAttempt(
                    n.Id, n.Receiver, o.ReceiverKind, n.Incident.Id, n.Change.Seq, n.Change.KindName, n.DedupKey, o.Attempts + 1,
                    DeliveryStatus.Expired, 0, "the receiver is no longer configured", 0, _time.GetUtcNow().ToUnixTimeMilliseconds(), ""));
            }
        }

        await _log.RecordAsync(orphans, ct);
        if (owed.Count > 0)
        {
            Restored(_logger, owed.Count - orphans.Count, orphans.Count);
        }

        // Receivers that need open incidents re-sent (Alertmanager) learn of those open before the restart.
        foreach (var incident in open.Where(i => i.IsOpen))
        {
            var change = new IncidentChange(IncidentChangeKind.Updated, incident, incident.Seq, true, false, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), "auto", "restored");
            foreach (var name in Route(change))
            {
                _queues[name].Track(new Notification(name, change));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery: {Owed} notifications still owed from the last run are queued again; {Orphans} were for receivers no longer configured.")]
    private static partial void Restored(ILogger log, int owed, int orphans);
}
