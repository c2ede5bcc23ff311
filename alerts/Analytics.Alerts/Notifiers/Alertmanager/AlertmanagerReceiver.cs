using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Analytics.Alerts.Notifiers.Alertmanager;

/// <summary>
/// Posts incidents to Prometheus Alertmanager (<c>POST {url}/api/v2/alerts</c>, one alert per request), so
/// teams that route through Alertmanager keep their routes, grouping, silences and inhibitions.
/// Alertmanager resolves an alert whose <c>endsAt</c> passes, so open incidents are posted again every
/// <see cref="RefreshInterval"/> (the delivery queue does it) and each post pushes <c>endsAt</c> four
/// intervals ahead, as Prometheus does. It has no acknowledgement: an acknowledged incident stays firing
/// with an <c>acknowledged_by</c> annotation. A 400 (an alert it refuses) is permanent with its message;
/// 5xx and network errors are transient (<see cref="HttpDelivery"/>).
/// </summary>
internal sealed class AlertmanagerReceiver : IReceiver
{
    private readonly AlertmanagerSettings _settings;
    private readonly ReceiverServices _services;
    private readonly Uri _endpoint;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly IReadOnlyList<Secret> _secrets;

    public AlertmanagerReceiver(string name, AlertmanagerSettings settings, Secret? password, ReceiverServices services)
    {
        Name = name;
        _settings = settings;
        _services = services;
        _endpoint = new Uri(settings.Url.ToString().TrimEnd('/') + "/api/v2/alerts");
        var auth = settings.Username is { } user && password is not null ? BasicAuth.Of(user, password) : null;
        _auth = auth?.Header;
        _secrets = auth?.Secrets ?? [];
    }

    public string Name { get; }

    public string Kind => "alertmanager";

    public ReceiverScope Scope => ReceiverScope.Routed;

    public TimeSpan? RefreshInterval => _settings.Resend;

    /// <summary>Where alerts are posted, for status lines.</summary>
    public Uri Endpoint => _endpoint;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var alert = AlertmanagerAlert.From(notification, _services.Time.GetUtcNow(), _settings.Resend, _services.PublicUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint)
        {
            Content = HttpDelivery.Json(AlertmanagerAlert.ToJson([alert])),
        };
        request.Headers.Authorization = _auth;
        try
        {
            await HttpDelivery.SendAsync(_services.Http, Name, request, _secrets, ct);
        }
        catch (DeliveryFailedException ex) when (ex.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new DeliveryFailedException(Name, transient: false, ex.StatusCode, HttpDelivery.Redact(_secrets, $"Alertmanager refused the alert of {notification.Incident.Id} (HTTP 400): {ServerMessage(ex.Reason)}"), inner: ex);
        }
    }

    public void Dispose()
    {
        // The HTTP client is shared (ReceiverServices) and not ours to dispose.
    }

    /// <summary>Alertmanager answers a 400 with a JSON string (e.g. <c>"invalid label set: …"</c>); unquote it for the log.</summary>
    private static string ServerMessage(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        var body = colon < 0 ? reason : reason[(colon + 2)..];
        try
        {
            return JsonSerializer.Deserialize<string>(body) ?? body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
