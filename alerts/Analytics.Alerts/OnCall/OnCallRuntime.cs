using Analytics.Alerts.Actions;
using Analytics.Alerts.Delivery;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Ingest.Kafka;
using Analytics.Processors.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.OnCall;

/// <summary>
/// What the on-call file sets running beside the alert service: delivery to the receivers (with the
/// outbox) and the automated actions. <see cref="Notifiers"/> is what the alert service is given.
/// </summary>
internal sealed class OnCallRuntime : IAsyncDisposable
{
    private readonly ISteeringPublisher _steering;
    private readonly HttpClient _actionsHttp;

    private OnCallRuntime(OnCallConfig config, Dispatcher delivery, ActionRunner actions, ISteeringPublisher steering, HttpClient actionsHttp)
    {
        Config = config;
        Delivery = delivery;
        Actions = actions;
        _steering = steering;
        _actionsHttp = actionsHttp;
    }

    public OnCallConfig Config { get; }

    public Dispatcher Delivery { get; }

    public ActionRunner Actions { get; }

    public IReadOnlyList<INotifier> Notifiers => [Delivery, Actions];

    /// <summary>
    /// Starts delivery and the actions; a missing secret or a wrong setting is an <see cref="OnCallConfigException"/>
    /// naming the key. Without <paramref name="kafka"/>, steering commands cannot be published (recorded failed).
    /// </summary>
    public static async Task<OnCallRuntime> StartAsync(
        OnCallConfig config, RuleSet rules, DeliveryOptions delivery, KafkaOptions? kafka, IClickHouseConnection store, string database, TimeProvider time, ILogger log, CancellationToken ct)
    {
        var services = ReceiverServices.Create(time, log, config.PublicUrl, delivery.RequestTimeout);
        var open = await new IncidentStore(store, database, time).ListAsync(openOnly: true, severity: null, ct);
        var dispatcher = await Dispatcher.StartAsync(config, services, new NotificationLog(store, database), delivery, open, ct);
        ISteeringPublisher steering = kafka is null ? new UnconfiguredSteeringPublisher() : new KafkaSteeringPublisher(kafka, config.Actions.SteeringTopic, log);
        var http = new HttpClient { Timeout = delivery.RequestTimeout };
        ActionRunner actions;
        try
        {
            actions = new ActionRunner(config.Actions, rules, store, database, steering, http, time, log);
            await actions.StartAsync(ct);
        }
        catch
        {
            await dispatcher.DisposeAsync();
            steering.Dispose();
            http.Dispose();
            throw;
        }

        log.LogInformation(
            "On-call: {Receivers} receivers from {File} ({Names}); actions {Mode}.",
            config.Receivers.Count,
            config.File,
            string.Join(", ", config.Receivers.Select(r => $"{r.Name}: {r.Kind}")),
            actions.KillSwitch is { } why ? $"stopped by the kill switch ({why})" : actions.DryRun ? "in dry run" : "live");
        return new OnCallRuntime(config, dispatcher, actions, steering, http);
    }

    /// <summary>One line for status logs: what each receiver sent and still owes, and the actions' mode.</summary>
    public string Describe()
    {
        var receivers = string.Join(", ", Delivery.Queues.Select(q =>
            $"{q.Receiver.Name} {q.Delivered} sent{(q.Pending > 0 ? $", {q.Pending} owed" : "")}{(q.Failed > 0 ? $", {q.Failed} failed" : "")}{(q.LastError is null ? "" : " (failing)")}"));
        var mode = Actions.KillSwitch is not null ? "kill switch" : Actions.DryRun ? "dry run" : "live";
        return $"delivery: {receivers}; actions: {mode}";
    }

    public async ValueTask DisposeAsync()
    {
        await Actions.DisposeAsync();
        await Delivery.DisposeAsync();
        _steering.Dispose();
        _actionsHttp.Dispose();
    }
}
