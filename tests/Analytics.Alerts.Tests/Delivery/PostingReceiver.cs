using System.Text.Json;
using Analytics.Alerts.Notifiers;

namespace Analytics.Alerts.Tests.Delivery;

/// <summary>
/// The smallest real HTTP receiver: posts the notification's identity as JSON with a bearer secret,
/// through <see cref="HttpDelivery"/> like every receiver. Delivery is what these tests are about.
/// </summary>
internal sealed class PostingReceiver(string name, string url, Secret secret, HttpClient http) : IReceiver
{
    public string Name => name;

    public string Kind => "test";

    public ReceiverScope Scope { get; init; } = ReceiverScope.Routed;

    public TimeSpan? RefreshInterval { get; init; }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = HttpDelivery.Json(JsonSerializer.Serialize(new
            {
                event_id = notification.Id,
                dedup_key = notification.DedupKey,
                action = notification.Action.ToString(),
                seq = notification.Change.Seq,
                refresh = notification.IsRefresh,
            })),
        };
        request.Headers.Authorization = new("Bearer", secret.Reveal());
        await HttpDelivery.SendAsync(http, name, request, [secret], ct);
    }

    public void Dispose()
    {
    }
}

/// <summary>Settings that hand out a prepared receiver, so the dispatcher can be tested without the on-call file.</summary>
internal sealed record PreparedSettings(Func<string, ReceiverServices, IReceiver> Factory) : IReceiverSettings
{
    public string Kind => "test";

    public IReadOnlyList<SecretRef> Secrets => [];

    public IReceiver Create(string name, ReceiverServices services) => Factory(name, services);
}
