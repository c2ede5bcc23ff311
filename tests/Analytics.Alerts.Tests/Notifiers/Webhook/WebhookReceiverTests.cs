using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Testing;
using Analytics.Testing.Http;
using static Analytics.Alerts.Tests.Notifiers.NotifierFixtures;

namespace Analytics.Alerts.Tests.Notifiers.Webhook;

/// <summary>
/// The signed webhook against a local endpoint: the version 1 body as docs/oncall.md documents it, the
/// signature (HMAC-SHA256 over "{timestamp}.{body}", as Stripe's and GitHub's) checked with
/// <see cref="WebhookSignature.Verify"/>, and the error classes every receiver shares.
/// </summary>
public sealed class WebhookReceiverTests : IAsyncLifetime
{
    private const string Secret = "whsec_4b1d0c5e9f2a7b3c8d6e1f0a2b4c6d8e";
    private CapturingHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await CapturingHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_body_is_schema_version_1_with_every_key_and_its_type()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Acknowledged(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        var body = Json(request.Text);
        Assert.Equal(["action", "dedup_key", "event_id", "incident", "kind", "sent_at", "version"], Names(body));
        Assert.Equal("1", body.GetProperty("version").GetString());
        Assert.Equal("INC-3f9a2c:2:rx", body.GetProperty("event_id").GetString());
        Assert.Equal("INC-3f9a2c", body.GetProperty("dedup_key").GetString());
        Assert.Equal("acknowledge", body.GetProperty("action").GetString());
        Assert.Equal("acknowledged", body.GetProperty("kind").GetString());
        Assert.Equal(Now, DateTimeOffset.Parse(body.GetProperty("sent_at").GetString()!, CultureInfo.InvariantCulture));

        var incident = body.GetProperty("incident");
        Assert.Equal(
            ["acknowledged_at", "acknowledged_by", "annotations", "baseline", "culprits", "id", "labels", "links", "metric", "opened_at", "resolved_at", "resolved_by", "rule", "severity", "slice", "status", "threshold", "title", "value"],
            Names(incident));
        Assert.Equal("INC-3f9a2c", incident.GetProperty("id").GetString());
        Assert.Equal("P1", incident.GetProperty("severity").GetString());
        Assert.Equal("acknowledged", incident.GetProperty("status").GetString());
        Assert.Equal("PopStartFailures", incident.GetProperty("rule").GetString());
        Assert.Equal("vsf_rate", incident.GetProperty("metric").GetString());
        Assert.Equal("""{"cdn":"oca","pop":"iad-2"}""", incident.GetProperty("slice").GetRawText());
        Assert.Equal(0.46, incident.GetProperty("value").GetDouble());
        Assert.Equal(0.02, incident.GetProperty("baseline").GetDouble());
        Assert.Equal(0.05, incident.GetProperty("threshold").GetDouble());
        Assert.Equal(Now.AddMinutes(-3), DateTimeOffset.Parse(incident.GetProperty("opened_at").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(Now.AddSeconds(-30), DateTimeOffset.Parse(incident.GetProperty("acknowledged_at").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("alice", incident.GetProperty("acknowledged_by").GetString());
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("resolved_at").ValueKind);
        Assert.Equal("noc", incident.GetProperty("labels").GetProperty("team").GetString());
        Assert.Equal("https://runbooks.example/vsf?pop=iad-2&x=1", incident.GetProperty("annotations").GetProperty("runbook").GetString());
        var culprit = Assert.Single(incident.GetProperty("culprits").EnumerateArray());
        Assert.Equal(["actual", "expected", "share_percent", "slice"], Names(culprit));
        Assert.Equal("comcast", culprit.GetProperty("slice").GetProperty("isp").GetString());
        Assert.Equal(81.5, culprit.GetProperty("share_percent").GetDouble());
        Assert.Equal(["Runbook", "Dashboard"], incident.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task The_signature_verifies_and_fails_for_a_changed_body_or_an_old_timestamp()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        var timestamp = request.Header(WebhookSignature.TimestampHeader);
        var signature = request.Header(WebhookSignature.SignatureHeader);
        Assert.Equal(Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), timestamp);
        Assert.Matches("^v1=[0-9a-f]{64}$", signature);
        Assert.Null(WebhookSignature.Verify(Secret, timestamp, signature, request.Body, Now.AddSeconds(3)));

        var changed = Encoding.UTF8.GetBytes(request.Text.Replace("\"P1\"", "\"P3\"", StringComparison.Ordinal));
        Assert.Contains("signature does not match", WebhookSignature.Verify(Secret, timestamp, signature, changed, Now), StringComparison.Ordinal);
        Assert.Contains("timestamp is 600 s from this clock", WebhookSignature.Verify(Secret, timestamp, signature, request.Body, Now.AddMinutes(10)), StringComparison.Ordinal);
        Assert.Contains("signature does not match", WebhookSignature.Verify("another secret", timestamp, signature, request.Body, Now), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_acknowledge_and_resolve_share_the_dedup_key_and_each_event_has_its_own_id_as_idempotency_key()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(), CancellationToken.None);
        await receiver.SendAsync(Opened(), CancellationToken.None);
        await receiver.SendAsync(Acknowledged(), CancellationToken.None);
        await receiver.SendAsync(Resolved(), CancellationToken.None);

        var requests = _server.Requests;
        var bodies = requests.Select(r => Json(r.Text)).ToList();
        Assert.Equal(["trigger", "trigger", "acknowledge", "resolve"], bodies.Select(b => b.GetProperty("action").GetString()));
        Assert.Single(bodies.Select(b => b.GetProperty("dedup_key").GetString()).Distinct());
        Assert.Equal(["INC-3f9a2c:1:rx", "INC-3f9a2c:1:rx", "INC-3f9a2c:2:rx", "INC-3f9a2c:3:rx"], requests.Select(r => r.Header("Idempotency-Key")));
        Assert.Equal(requests.Select(r => r.Header("Idempotency-Key")), bodies.Select(b => b.GetProperty("event_id").GetString()));
        Assert.Equal("resolved", bodies[3].GetProperty("incident").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Configured_headers_are_sent_and_each_send_is_signed_at_its_own_time()
    {
        var clock = new ManualTimeProvider(Now);
        using var receiver = Receiver("headers: {X-Team: noc, X-Env: prod}", clock);

        await receiver.SendAsync(Opened(), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(7));
        await receiver.SendAsync(Opened(), CancellationToken.None);

        var requests = _server.Requests;
        Assert.All(requests, r => Assert.Equal("noc", r.Header("X-Team")));
        Assert.All(requests, r => Assert.Equal("prod", r.Header("X-Env")));
        Assert.Null(WebhookSignature.Verify(Secret, requests[1].Header(WebhookSignature.TimestampHeader), requests[1].Header(WebhookSignature.SignatureHeader), requests[1].Body, clock.GetUtcNow()));
        Assert.NotNull(WebhookSignature.Verify(Secret, requests[0].Header(WebhookSignature.TimestampHeader), requests[0].Header(WebhookSignature.SignatureHeader), requests[0].Body, clock.GetUtcNow()));
    }

    [Theory]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(408, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public async Task Errors_are_sorted_into_transient_and_permanent(int status, bool transient)
    {
        _server.Respond = _ => new CannedResponse(status, """{"error":"nope"}""");
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.Equal(transient, failure.IsTransient);
        Assert.Equal((HttpStatusCode)status, failure.StatusCode);
        Assert.Contains("nope", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_is_transient_with_the_retry_after()
    {
        _server.Respond = _ => new CannedResponse(429, "", Headers: new Dictionary<string, string> { ["Retry-After"] = "5" });
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(5), failure.RetryAfter);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var (settings, _) = Parse(WebhookSettings.Parse, "webhook", $"url: {ClosedUrl()}\nsecret_env: HOOK_SECRET");
        using var receiver = settings!.Create("hook", Services(new Dictionary<string, string> { ["HOOK_SECRET"] = Secret }));

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Null(failure.StatusCode);
    }

    [Fact]
    public async Task The_secret_never_appears_in_the_error_even_when_the_endpoint_echoes_it()
    {
        _server.Respond = _ => new CannedResponse(401, $"bad signature, expected secret {Secret}");
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
        Assert.Contains("expected secret ***", failure.Message, StringComparison.Ordinal);
    }

    private IReceiver Receiver(string yaml = "", TimeProvider? time = null)
    {
        var (settings, problems) = Parse(WebhookSettings.Parse, "webhook", $"url: {_server.Url}/hook\nsecret_env: HOOK_SECRET\n{yaml}");
        Assert.Empty(problems);
        return settings!.Create("hook", Services(new Dictionary<string, string> { ["HOOK_SECRET"] = Secret }, time: time));
    }
}
