namespace Analytics.Alerts.Notifiers;

/// <summary>Which incident changes a receiver takes.</summary>
internal enum ReceiverScope
{
    /// <summary>The notifying changes of incidents the route tree sends to it (pages, acks, resolves).</summary>
    Routed,

    /// <summary>Every change of every incident, notifying or not (an archive such as Elasticsearch); routes do not name it.</summary>
    Everything,
}

/// <summary>
/// A place notifications are delivered to (PagerDuty, Slack, Alertmanager, a webhook, Elasticsearch).
/// The delivery queue calls <see cref="SendAsync"/> one notification at a time, in order, and retries it
/// while it throws a transient <see cref="DeliveryFailedException"/>; so a receiver sends exactly one
/// request per call and never retries on its own.
/// </summary>
internal interface IReceiver : IDisposable
{
    /// <summary>The name in the config (<c>receivers[].name</c>).</summary>
    string Name { get; }

    /// <summary>The kind: <c>pagerduty</c>, <c>slack</c>, <c>alertmanager</c>, <c>webhook</c>, <c>elasticsearch</c> or <c>log</c>.</summary>
    string Kind { get; }

    ReceiverScope Scope { get; }

    /// <summary>
    /// How often still-open incidents are sent again (Alertmanager resolves alerts that are not re-sent),
    /// or null for never.
    /// </summary>
    TimeSpan? RefreshInterval { get; }

    /// <summary>Prepares the receiver once before the first notification (Elasticsearch installs its index template).</summary>
    Task StartAsync(CancellationToken ct);

    /// <summary>Delivers one notification; throws <see cref="DeliveryFailedException"/> when it was not taken.</summary>
    Task SendAsync(Notification notification, CancellationToken ct);
}
