using Analytics.Alerts.Delivery;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Processors.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.OnCall;

/// <summary>
/// What the on-call file sets running beside the alert service: delivery to the receivers (with the
/// outbox) and the automated actions. <see cref="Notifiers"/> is what the alert service is given.
/// </summary>
internal sealed class OnCallRuntime : IAsyncDisposable
{
    private OnCallRuntime(OnCallConfig config, Dispatcher delivery)
    {
        Config = config;
        Delivery = delivery;
    }

    public OnCallConfig Config { get; }

    public Dispatcher Delivery { get; }

    public IReadOnlyList<INotifier> Notifiers => [Delivery];

    /// <summary>Starts delivery; a missing secret or a wrong setting is an <see cref="OnCallConfigException"/> naming the key.</summary>
    public static async Task<OnCallRuntime> StartAsync(
        OnCallConfig config, DeliveryOptions delivery, IClickHouseConnection store, string database, TimeProvider time, ILogger log, CancellationToken ct)
    {
        var services = ReceiverServices.Create(time, log, config.PublicUrl, delivery.RequestTimeout);
        var open = await new IncidentStore(store, database, time).ListAsync(openOnly: true, severity: null, ct);
        var dispatcher = await Dispatcher.StartAsync(config, services, new NotificationLog(store, database), delivery, open, ct);
        log.LogInformation(
            "On-call: {Receivers} receivers from {File} ({Names}).",
            config.Receivers.Count,
            config.File,
            string.Join(", ", config.Receivers.Select(r => $"{r.Name}: {r.Kind}")));
        return new OnCallRuntime(config, dispatcher);
    }

    /// <summary>One line for status logs: what each receiver still owes.</summary>
    public string Describe() => "delivery: " + string.Join(", ", Delivery.Queues.Select(q =>
        $"{q.Receiver.Name} {q.Delivered} sent{(q.Pending > 0 ? $", {q.Pending} owed" : "")}{(q.Failed > 0 ? $", {q.Failed} failed" : "")}{(q.LastError is null ? "" : " (failing)")}"));

    public async ValueTask DisposeAsync() => await Delivery.DisposeAsync();
}
