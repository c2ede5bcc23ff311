namespace Analytics.Alerts.Notifiers.Slack;

/// <summary>
/// Posts each notification to a Slack incoming webhook as one Block Kit message. Slack answers 200
/// <c>ok</c>; 400 <c>invalid_payload</c>, 403 <c>action_prohibited</c>, 404 <c>no_service</c> or
/// <c>channel_not_found</c> and 410 <c>channel_is_archived</c> are permanent; 429 is transient with its
/// Retry-After. The URL is a secret: it and the token in its path are redacted from every error.
/// https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
/// </summary>
internal sealed class SlackReceiver : IReceiver
{
    private readonly Uri _url;
    private readonly IReadOnlyList<Secret> _secrets;
    private readonly ReceiverServices _services;
    private readonly SlackMessage _messages;

    public SlackReceiver(string name, SlackSettings settings, Uri url, Secret secret, ReceiverServices services)
    {
        Name = name;
        _url = url;
        _services = services;
        _secrets = Redactions(url, secret);
        _messages = new SlackMessage(settings.Channel, settings.Mention, services.PublicUrl);
    }

    public string Name { get; }

    public string Kind => "slack";

    public ReceiverScope Scope => ReceiverScope.Routed;

    public TimeSpan? RefreshInterval => null;

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var json = _messages.Build(notification, _services.Time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = HttpDelivery.Json(json) };
        await HttpDelivery.SendAsync(_services.Http, Name, request, _secrets, ct);
    }

    public void Dispose()
    {
        // The HTTP client is shared by all receivers.
    }

    /// <summary>
    /// The URL as given and as a JSON body may echo it (<c>\/</c> for <c>/</c>), and the token segments
    /// of its path (<c>T…/B…/…</c>: those with a digit, or long), so no error text can carry the token.
    /// </summary>
    private static List<Secret> Redactions(Uri url, Secret secret)
    {
        var value = secret.Reveal();
        var texts = new List<string> { value, value.Replace("/", "\\/", StringComparison.Ordinal), url.AbsoluteUri, url.PathAndQuery };
        texts.AddRange(url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s.Length >= 8 && (s.Any(char.IsAsciiDigit) || s.Length >= 16)));
        return [.. texts.Where(t => t.Length >= 8).Distinct().OrderByDescending(t => t.Length).Select(t => new Secret(t, secret.Source))];
    }
}
