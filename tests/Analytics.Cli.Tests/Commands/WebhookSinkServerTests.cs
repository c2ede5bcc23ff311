using System.Net;
using System.Text;
using System.Text.Json;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.PagerDuty;
using Analytics.Alerts.Notifiers.Slack;
using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Cli.WebhookSink;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Cli.Tests.Commands;

/// <summary>
/// The local webhook sink as a receiver sees it: signed bodies verified (200, or 401 with the reason),
/// PagerDuty- and Slack-shaped posts answered as those services answer, 503 while told to fail, and
/// one printed line of at most 80 columns per request. The receivers themselves post to it.
/// </summary>
public sealed class WebhookSinkServerTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 14, 5, 0, TimeSpan.Zero);
    private readonly ManualTimeProvider _clock = new(Now);
    private readonly List<string> _lines = [];
    private readonly HttpClient _http = new();
    private WebhookSinkServer _sink = null!;

    public async Task InitializeAsync() => _sink = await Start(TimeSpan.Zero);

    public async Task DisposeAsync() => await _sink.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task A_signed_delivery_is_taken_and_printed_as_one_line()
    {
        var body = Encoding.UTF8.GetBytes("""{"version":"1","action":"trigger","incident":{"id":"INC-3f9a2c","severity":"P1","title":"VSF 46 % at CDN oca, POP iad-2 since 14:02 and a long tail of words"}}""");

        using var response = await Post("/", body, Secret, Now.AddSeconds(-2));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(Lines());
        Assert.Matches(@"^\d\d:\d\d:\d\d trigger +P1 INC-3f9a2c VSF 46 % at CDN oca, POP .*…  signature ok$", line);
        Assert.Equal(80, line.Length);
    }

    [Fact]
    public async Task A_badly_signed_delivery_is_refused_with_the_reason()
    {
        var body = """{"version":"1","action":"trigger","incident":{"id":"INC-3f9a2c"}}"""u8.ToArray();

        using var wrongSecret = await Post("/", body, "not the secret", Now);
        using var old = await Post("/", body, Secret, Now.AddMinutes(-6));
        using var unsigned = await Post("/", body, null, Now);

        Assert.All(new[] { wrongSecret, old, unsigned }, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("signature does not match", await wrongSecret.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("timestamp is 360 s from this clock", await old.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("missing or malformed X-Analytics-Timestamp", await unsigned.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var lines = Lines();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d 401 POST /: ", l));
        Assert.All(lines, l => Assert.InRange(l.Length, 1, 80));
    }

    [Fact]
    public async Task The_webhook_receiver_pointed_at_the_sink_is_verified()
    {
        using var receiver = new WebhookSettings(new Uri(_sink.Url + "/"), new SecretRef("k", "HOOK_SECRET", null), new Dictionary<string, string>()).Create("hook", Services());

        await receiver.SendAsync(Notify(IncidentChangeKind.Opened), CancellationToken.None);
        await receiver.SendAsync(Notify(IncidentChangeKind.Resolved), CancellationToken.None);

        var lines = Lines();
        Assert.Matches(@" trigger +P1 INC-3f9a2c VSF 46 % at oca/iad-2  signature ok$", lines[0]);
        Assert.Matches(@" resolve +P1 INC-3f9a2c VSF 46 % at oca/iad-2  signature ok$", lines[1]);
    }

    [Fact]
    public async Task The_pagerduty_receiver_pointed_at_the_sink_gets_pagerdutys_answers()
    {
        using var receiver = new PagerDutySettings(new SecretRef("k", "PD_KEY", null), new Uri(_sink.Url + "/pagerduty"), "alerts-01", null, null).Create("pd", Services());

        await receiver.SendAsync(Notify(IncidentChangeKind.Opened), CancellationToken.None);
        await receiver.SendAsync(Notify(IncidentChangeKind.Acknowledged), CancellationToken.None);
        using var invalid = await _http.PostAsync(_sink.Url + "/pagerduty", new StringContent("""{"event_action":"trigger","payload":{}}"""));

        var lines = Lines();
        Assert.Matches(@" trigger +error +INC-3f9a2c VSF 46 % at oca/iad-2  pagerduty$", lines[0]);
        Assert.Matches(@" acknowledge +INC-3f9a2c +pagerduty$", lines[1]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var answer = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync());
        Assert.Equal("invalid event", answer.RootElement.GetProperty("status").GetString());
        Assert.Contains("'routing_key' is missing", answer.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task The_slack_receiver_pointed_at_the_sink_is_printed()
    {
        using var receiver = new SlackSettings(new SecretRef("k", "SLACK_URL", null), null, "<!here>").Create("slack", Services());

        await receiver.SendAsync(Notify(IncidentChangeKind.Opened), CancellationToken.None);
        using var invalid = await _http.PostAsync(_sink.Url + "/slack", new StringContent("""{"channel":"#x"}"""));

        Assert.Matches(@" opened +P1 INC-3f9a2c VSF 46 % at oca/iad-2  slack$", Lines()[0]);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("invalid_payload", await invalid.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task While_told_to_fail_it_answers_503_and_a_receiver_sees_a_transient_failure()
    {
        await using var failing = await Start(TimeSpan.FromSeconds(30));
        using var receiver = new WebhookSettings(new Uri(failing.Url + "/"), new SecretRef("k", "HOOK_SECRET", null), new Dictionary<string, string>()).Create("hook", Services());

        var error = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Notify(IncidentChangeKind.Opened), CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(31));
        await receiver.SendAsync(Notify(IncidentChangeKind.Opened), CancellationToken.None);

        Assert.True(error.IsTransient);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        var lines = Lines();
        Assert.Matches(@" 503 POST /: failing on purpose \(--fail-for\) for 30 s more$", lines[0]);
        Assert.EndsWith("signature ok", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_body_cannot_break_the_line()
    {
        var body = Encoding.UTF8.GetBytes("""{"action":"trigger\u001b[2J","incident":{"id":"INC-1\nINC-2","severity":42,"title":"a\r\nb\u0007"}}""");

        using var response = await Post("/", body, Secret, Now);
        using var notJson = await Post("/", "{"u8.ToArray(), Secret, Now);
        using var get = await _http.GetAsync(_sink.Url + "/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        var lines = Lines();
        Assert.Equal(3, lines.Count);
        Assert.All(lines, l => Assert.DoesNotContain(l, char.IsControl));
        Assert.All(lines, l => Assert.InRange(l.Length, 1, 80));
        Assert.Contains(" ? ", lines[0], StringComparison.Ordinal);
    }

    private static Notification Notify(IncidentChangeKind kind)
    {
        var status = kind switch
        {
            IncidentChangeKind.Resolved => IncidentStatus.Resolved,
            IncidentChangeKind.Acknowledged => IncidentStatus.Acknowledged,
            _ => IncidentStatus.Triggered,
        };
        var incident = new Incident
        {
            Id = "INC-3f9a2c",
            Key = "vsf|cdn=oca,pop=iad-2",
            Rule = "vsf",
            Severity = Severity.P1,
            Metric = "vsf_rate",
            Slice = Slice.Parse("cdn=oca,pop=iad-2"),
            Title = "VSF 46 % at oca/iad-2",
            Status = status,
            Value = 0.46,
            Baseline = 0.02,
        };
        var seq = (int)kind + 1;
        return new Notification("rx", new IncidentChange(kind, incident, seq, true, false, null, Now.ToUnixTimeMilliseconds(), "auto", incident.Title));
    }

    private ReceiverServices Services()
        => new(_http, _clock, NullLogger.Instance, "", name => name switch
        {
            "HOOK_SECRET" => Secret,
            "PD_KEY" => "R0123456789abcdef0123456789ABCD",
            "SLACK_URL" => _sink.Url + "/slack",
            _ => null,
        });

    private Task<WebhookSinkServer> Start(TimeSpan failFor)
        => WebhookSinkServer.StartAsync(new WebhookSinkOptions(0, Secret, failFor), _clock, line =>
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }, CancellationToken.None);

    private List<string> Lines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    private async Task<HttpResponseMessage> Post(string path, byte[] body, string? secret, DateTimeOffset signedAt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _sink.Url + path) { Content = new ByteArrayContent(body) };
        if (secret is not null)
        {
            WebhookSignature.Apply(request, secret, signedAt, body);
        }

        return await _http.SendAsync(request);
    }
}
