using System.Net.Http.Headers;

namespace Analytics.Alerts.Notifiers.Webhook;

/// <summary>
/// Posts each notification as a <see cref="WebhookBody"/> signed with <see cref="WebhookSignature"/>, with
/// <c>Idempotency-Key</c> = the body's <c>event_id</c>, so an endpoint can drop a retried delivery it already has.
/// Any 2xx is delivered; <see cref="HttpDelivery"/> sorts failures into transient and permanent.
/// </summary>
internal sealed class WebhookReceiver(string name, WebhookSettings settings, Secret secret, ReceiverServices services) : IReceiver
{
    public const string IdempotencyHeader = "Idempotency-Key";
    public const string UserAgent = "analytics-webhook/1";

    public string Name => name;

    public string Kind => "webhook";

    public ReceiverScope Scope => ReceiverScope.Routed;

    public TimeSpan? RefreshInterval => null;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var now = services.Time.GetUtcNow();
        var body = WebhookBody.Build(notification, services.PublicUrl, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation(IdempotencyHeader, notification.Id);
        foreach (var (header, value) in settings.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        WebhookSignature.Apply(request, secret.Reveal(), now, body);
        await HttpDelivery.SendAsync(services.Http, name, request, [secret], ct);
    }

    public void Dispose()
    {
        // The HTTP client is shared by all receivers.
    }
}
