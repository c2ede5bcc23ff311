using System.Globalization;
using System.Net;
using System.Text.Json;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.PagerDuty;
using Analytics.Alerts.Rules;
using Analytics.Testing.Http;
using static Analytics.Alerts.Tests.Notifiers.NotifierFixtures;

namespace Analytics.Alerts.Tests.Notifiers.PagerDuty;

/// <summary>
/// The PagerDuty receiver against a stand-in for the Events API v2, checked field by field against
/// "Send an Alert Event" (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/) and the
/// documented response codes (https://developer.pagerduty.com/docs/events-api-v2/overview/#response-codes--retry-logic).
/// </summary>
public sealed class PagerDutyReceiverTests : IAsyncLifetime
{
    private const string RoutingKey = "R0123456789abcdef0123456789ABCD";
    private CapturingHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await CapturingHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_trigger_carries_the_documented_fields_with_their_types()
    {
        _server.Respond = _ => new CannedResponse(202, """{"status":"success","message":"Event processed","dedup_key":"INC-3f9a2c"}""");
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v2/enqueue", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var body = Json(request.Text);
        Assert.Equal(["client", "client_url", "dedup_key", "event_action", "links", "payload", "routing_key"], Names(body));
        Assert.Equal(RoutingKey, body.GetProperty("routing_key").GetString());
        Assert.Equal("trigger", body.GetProperty("event_action").GetString());
        Assert.Equal("INC-3f9a2c", body.GetProperty("dedup_key").GetString());
        Assert.Equal("Analytics", body.GetProperty("client").GetString());
        Assert.Equal("http://grafana:3000", body.GetProperty("client_url").GetString());

        var payload = body.GetProperty("payload");
        Assert.Equal(["class", "component", "custom_details", "group", "severity", "source", "summary", "timestamp"], Names(payload));
        Assert.Equal("VSF 46 % at CDN oca, POP iad-2 since 14:02", payload.GetProperty("summary").GetString());
        Assert.Equal("alerts-01", payload.GetProperty("source").GetString());
        Assert.Equal("error", payload.GetProperty("severity").GetString());
        Assert.Equal(Now.AddMinutes(-1), DateTimeOffset.Parse(payload.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal("cdn=oca,pop=iad-2", payload.GetProperty("component").GetString());
        Assert.Equal("PopStartFailures", payload.GetProperty("group").GetString());
        Assert.Equal("vsf_rate", payload.GetProperty("class").GetString());

        var details = payload.GetProperty("custom_details");
        Assert.Equal("vsf_rate", details.GetProperty("metric").GetString());
        Assert.Equal("cdn=oca,pop=iad-2", details.GetProperty("slice").GetString());
        Assert.Equal(0.46, details.GetProperty("value").GetDouble());
        Assert.Equal(0.02, details.GetProperty("baseline").GetDouble());
        Assert.Equal(0.05, details.GetProperty("threshold").GetDouble());
        Assert.Contains("isp=comcast", Assert.Single(details.GetProperty("culprits").EnumerateArray()).GetString(), StringComparison.Ordinal);
        Assert.Equal("noc", details.GetProperty("labels").GetProperty("team").GetString());
        Assert.Equal("P1", details.GetProperty("labels").GetProperty("severity").GetString());
        Assert.Equal("https://runbooks.example/vsf?pop=iad-2&x=1", details.GetProperty("links").GetProperty("runbook").GetString());

        // links: an array of {href (required), text}.
        var links = body.GetProperty("links").EnumerateArray().ToList();
        Assert.Equal(2, links.Count);
        Assert.All(links, l => Assert.Equal(["href", "text"], Names(l)));
        Assert.Equal("https://runbooks.example/vsf?pop=iad-2&x=1", links[0].GetProperty("href").GetString());
        Assert.StartsWith("http://grafana:3000/d/", links[1].GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Contains("var-pop=iad-2", links[1].GetProperty("href").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P0", "critical")]
    [InlineData("P1", "error")]
    [InlineData("P2", "warning")]
    [InlineData("P3", "info")]
    public async Task Severities_map_to_the_four_documented_values(string severity, string expected)
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(Incident(Enum.Parse<Severity>(severity))), CancellationToken.None);

        Assert.Equal(expected, Json(Assert.Single(_server.Requests).Text).GetProperty("payload").GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Acknowledge_and_resolve_send_only_the_three_required_fields_with_the_triggers_dedup_key()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(), CancellationToken.None);
        await receiver.SendAsync(Acknowledged(), CancellationToken.None);
        await receiver.SendAsync(Resolved(), CancellationToken.None);

        var bodies = _server.Requests.Select(r => Json(r.Text)).ToList();
        Assert.Equal(["trigger", "acknowledge", "resolve"], bodies.Select(b => b.GetProperty("event_action").GetString()));
        Assert.Single(bodies.Select(b => b.GetProperty("dedup_key").GetString()).Distinct());
        Assert.All(bodies.Skip(1), b => Assert.Equal(["dedup_key", "event_action", "routing_key"], Names(b)));
    }

    [Fact]
    public async Task The_summary_is_cut_to_1024_characters()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(Incident(title: new string('x', 5000))), CancellationToken.None);

        var summary = Json(Assert.Single(_server.Requests).Text).GetProperty("payload").GetProperty("summary").GetString()!;
        Assert.Equal(1024, summary.Length);
        Assert.EndsWith("…", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_JSON_cannot_carry_is_sent_as_null_instead_of_failing()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(Incident() with { Value = double.NaN, Baseline = double.PositiveInfinity }), CancellationToken.None);

        var details = Json(Assert.Single(_server.Requests).Text).GetProperty("payload").GetProperty("custom_details");
        Assert.Equal(JsonValueKind.Null, details.GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, details.GetProperty("baseline").ValueKind);
    }

    [Fact]
    public async Task An_invalid_event_is_permanent_and_its_message_and_errors_are_the_reason()
    {
        _server.Respond = _ => new CannedResponse(400, """{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect (should be 32 characters)"]}""");
        using var receiver = Receiver();

        var error = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("Event object is invalid", error.Reason, StringComparison.Ordinal);
        Assert.Contains("Length of 'routing_key' is incorrect", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_is_transient_with_the_retry_after()
    {
        _server.Respond = _ => new CannedResponse(429, "", Headers: new Dictionary<string, string> { ["Retry-After"] = "30" });
        using var receiver = Receiver();

        var error = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
    }

    [Fact]
    public async Task A_server_error_is_transient()
    {
        _server.Respond = _ => new CannedResponse(503, "upstream unavailable");
        using var receiver = Receiver();

        var error = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        using var receiver = Receiver(ClosedUrl("/v2/enqueue"));

        var error = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public async Task The_routing_key_never_appears_in_the_error_even_when_the_server_echoes_it()
    {
        _server.Respond = r => new CannedResponse(400, $$"""{"status":"invalid event","message":"Event object is invalid","errors":["unknown key {{RoutingKey}}"],"echo":{{r.Text}}}""");
        using var receiver = Receiver();

        var error = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.DoesNotContain(RoutingKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RoutingKey, error.Reason, StringComparison.Ordinal);
        Assert.Contains("unknown key ***", error.Message, StringComparison.Ordinal);
    }

    private IReceiver Receiver(string? url = null)
    {
        var (settings, problems) = Parse(PagerDutySettings.Parse, "pagerduty", $"""
            routing_key_env: PD_KEY
            url: {url ?? _server.Url + "/v2/enqueue"}
            source: alerts-01
            """);
        Assert.Empty(problems);
        return settings!.Create("pd", Services(new Dictionary<string, string> { ["PD_KEY"] = RoutingKey }));
    }
}
