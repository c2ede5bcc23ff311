using System.Net;
using System.Net.Sockets;

namespace Analytics.Alerts.Notifiers.PagerDuty;

/// <summary>
/// Sends each notification as one PagerDuty Events API v2 alert event (trigger, acknowledge or resolve, keyed
/// by the incident id as <c>dedup_key</c>). PagerDuty answers 202; 400 (an invalid event) is permanent;
/// 429 and 5xx are transient, as <see cref="HttpDelivery"/> sorts them.
/// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
/// </summary>
internal sealed class PagerDutyReceiver : IReceiver
{
    private readonly PagerDutySettings _settings;
    private readonly Secret _routingKey;
    private readonly ReceiverServices _services;
    private readonly PagerDutyEvent _events;

    public PagerDutyReceiver(string name, PagerDutySettings settings, Secret routingKey, ReceiverServices services)
    {
        Name = name;
        _settings = settings;
        _routingKey = routingKey;
        _services = services;
        _events = new PagerDutyEvent(
            settings.Source ?? HostName(),
            settings.Client ?? "Analytics",
            settings.ClientUrl?.AbsoluteUri ?? (services.PublicUrl.Length > 0 ? services.PublicUrl : null),
            services.PublicUrl);
    }

    public string Name { get; }

    public string Kind => "pagerduty";

    public ReceiverScope Scope => ReceiverScope.Routed;

    public TimeSpan? RefreshInterval => null;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var json = _events.Build(notification, _routingKey.Reveal());
        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.Url) { Content = HttpDelivery.Json(json) };
        await HttpDelivery.SendAsync(_services.Http, Name, request, [_routingKey], ct);
    }

    public void Dispose()
    {
        // The HTTP client is shared by all receivers.
    }

    private static string HostName()
    {
        try
        {
            return Dns.GetHostName();
        }
        catch (SocketException)
        {
            return Environment.MachineName;
        }
    }
}
