using System.Net.Http.Headers;
using System.Text;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>
/// Archives every change of every incident, routed or not (<see cref="ReceiverScope.Everything"/>), in
/// Elasticsearch: at start it installs the index template (<see cref="IndexTemplate"/>), then each
/// notification is one <c>_bulk</c> request (<see cref="BulkBody"/>) whose per-item answers are judged
/// by <see cref="BulkResponse"/>. A 401/403 is permanent (fix the credentials); 429 and 5xx are transient.
/// </summary>
internal sealed class ElasticsearchReceiver : IReceiver
{
    private readonly string _prefix;
    private readonly ReceiverServices _services;
    private readonly Uri _base;
    private readonly AuthenticationHeaderValue? _auth;
    private readonly IReadOnlyList<Secret> _secrets;

    public ElasticsearchReceiver(string name, Uri url, string indexPrefix, AuthenticationHeaderValue? auth, IReadOnlyList<Secret> secrets, ReceiverServices services)
    {
        Name = name;
        _prefix = indexPrefix;
        _services = services;
        _base = new Uri(url.ToString().TrimEnd('/') + "/");
        _auth = auth;
        _secrets = secrets;
    }

    public string Name { get; }

    public string Kind => "elasticsearch";

    public ReceiverScope Scope => ReceiverScope.Everything;

    public TimeSpan? RefreshInterval => null;

    /// <summary>Installs (or replaces) the index template, before the first document creates an index.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(_base, IndexTemplate.Path(_prefix)))
        {
            Content = HttpDelivery.Json(IndexTemplate.Body(_prefix).ToJsonString()),
        };
        request.Headers.Authorization = _auth;
        await HttpDelivery.SendAsync(_services.Http, Name, request, _secrets, ct);
    }

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var content = new StringContent(BulkBody.Build(_prefix, notification), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(BulkBody.ContentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "_bulk")) { Content = content };
        request.Headers.Authorization = _auth;
        var body = await HttpDelivery.SendAsync(_services.Http, Name, request, _secrets, ct);
        BulkResponse.Check(Name, body, _secrets);
    }

    public void Dispose()
    {
        // The HTTP client is shared (ReceiverServices) and not ours to dispose.
    }
}
