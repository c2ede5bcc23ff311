using System.Globalization;
using System.Net;
using System.Text.Json;
using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Processors.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Cli.WebhookSink;

/// <summary>How the sink listens.</summary>
/// <param name="Port">On 127.0.0.1; 0 picks a free one.</param>
/// <param name="Secret">The shared secret signed webhooks are checked with.</param>
/// <param name="FailFor">Answer 503 to everything for this long after start (to watch a receiver retry).</param>
internal sealed record WebhookSinkOptions(int Port, string Secret, TimeSpan FailFor);

/// <summary>
/// A local stand-in for on-call endpoints (Kestrel on 127.0.0.1): <c>/pagerduty</c> takes PagerDuty events
/// and answers as PagerDuty does (202, or 400 "invalid event"), <c>/slack</c> takes Slack messages and answers
/// <c>ok</c>, and every other path takes our signed webhook: 200 when the signature verifies, 401 with the
/// reason when not. Each request is printed as one line.
/// </summary>
internal sealed class WebhookSinkServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 1 << 20;
    private readonly WebhookSinkOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string> _print;
    private readonly DateTimeOffset _started;
    private WebApplication? _app;

    private WebhookSinkServer(WebhookSinkOptions options, TimeProvider time, Action<string> print)
    {
        _options = options;
        _time = time;
        _print = print;
        _started = time.GetUtcNow();
    }

    /// <summary>E.g. <c>http://127.0.0.1:9099</c> (no trailing slash).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts listening; an <see cref="IOException"/> when the port is taken.</summary>
    public static async Task<WebhookSinkServer> StartAsync(WebhookSinkOptions options, TimeProvider time, Action<string> print, CancellationToken ct)
    {
        var server = new WebhookSinkServer(options, time, print);
        var (app, url) = await KestrelApp.StartAsync(IPAddress.Loopback, options.Port, server.HandleAsync, MaxBodyBytes, ct);
        server._app = app;
        server.Url = url.ToString().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var now = _time.GetUtcNow();
        var path = request.Path.Value is { Length: > 0 } p ? p : "/";
        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            await Answer(context, now, 405, "deliveries are POSTed");
            return;
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, context.RequestAborted);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            await Answer(context, now, ex.StatusCode, ex.Message);
            return;
        }

        var failing = _options.FailFor - (now - _started);
        if (failing > TimeSpan.Zero)
        {
            await Answer(context, now, 503, string.Create(CultureInfo.InvariantCulture, $"failing on purpose (--fail-for) for {Math.Ceiling(failing.TotalSeconds):0} s more"));
            return;
        }

        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            await Answer(context, now, 400, $"the body is not JSON: {ex.Message}");
            return;
        }

        switch (path.TrimEnd('/').ToLowerInvariant())
        {
            case "/pagerduty":
                await PagerDutyAsync(context, now, json);
                break;
            case "/slack":
                await SlackAsync(context, now, json);
                break;
            default:
                await SignedAsync(context, now, body, json);
                break;
        }
    }

    private async Task SignedAsync(HttpContext context, DateTimeOffset now, byte[] body, JsonElement json)
    {
        var headers = context.Request.Headers;
        if (WebhookSignature.Verify(_options.Secret, headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.SignatureHeader], body, now) is { } reason)
        {
            await Answer(context, now, 401, reason);
            return;
        }

        _print(SinkLine.Delivery(now.ToLocalTime(), SinkDelivery.FromWebhook(json), "signature ok"));
        await Reply(context, 200, "application/json", """{"ok":true}""");
    }

    // Answers as "Send an Alert Event" documents: 202 {status, message, dedup_key}, or 400 {status: "invalid event", message, errors}.
    private async Task PagerDutyAsync(HttpContext context, DateTimeOffset now, JsonElement json)
    {
        var (delivery, errors) = SinkDelivery.FromPagerDuty(json);
        if (errors.Count > 0)
        {
            await Answer(context, now, 400, string.Join("; ", errors), JsonSerializer.Serialize(new { status = "invalid event", message = "Event object is invalid", errors }));
            return;
        }

        _print(SinkLine.Delivery(now.ToLocalTime(), delivery, "pagerduty"));
        await Reply(context, 202, "application/json", JsonSerializer.Serialize(new { status = "success", message = "Event processed", dedup_key = delivery.Id }));
    }

    // Slack's incoming webhooks answer 200 "ok", or 400 "invalid_payload" (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
    private async Task SlackAsync(HttpContext context, DateTimeOffset now, JsonElement json)
    {
        var hasText = json.ValueKind == JsonValueKind.Object && (json.TryGetProperty("text", out _) || json.TryGetProperty("blocks", out _));
        if (!hasText)
        {
            await Answer(context, now, 400, "no text or blocks", "invalid_payload", "text/plain");
            return;
        }

        _print(SinkLine.Delivery(now.ToLocalTime(), SinkDelivery.FromSlack(json), "slack"));
        await Reply(context, 200, "text/plain", "ok");
    }

    /// <summary>A refusal: printed, and answered with the reason (or <paramref name="body"/>).</summary>
    private async Task Answer(HttpContext context, DateTimeOffset now, int status, string reason, string? body = null, string contentType = "application/json")
    {
        _print(SinkLine.Refused(now.ToLocalTime(), status, context.Request.Method, context.Request.Path.Value ?? "/", reason));
        await Reply(context, status, body is null ? "text/plain" : contentType, body ?? reason + "\n");
    }

    private static async Task Reply(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
