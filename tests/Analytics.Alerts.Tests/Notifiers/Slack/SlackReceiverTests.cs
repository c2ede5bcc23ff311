using System.Net;
using System.Text.Json;
using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.Slack;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Testing.Http;
using static Analytics.Alerts.Tests.Notifiers.NotifierFixtures;

namespace Analytics.Alerts.Tests.Notifiers.Slack;

/// <summary>
/// The Slack receiver against a stand-in incoming webhook: Block Kit as documented
/// (https://docs.slack.dev/reference/block-kit/blocks/header-block, …/section-block, …/context-block),
/// Slack's limits, and the webhook's error answers
/// (https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks).
/// </summary>
public sealed class SlackReceiverTests : IAsyncLifetime
{
    private const string Token = "T0A1B2C3D/B0E1F2G3H/XyZsecretToken0123456789";
    private CapturingHttpServer _server = null!;

    private string WebhookUrl => $"{_server.Url}/services/{Token}";

    public async Task InitializeAsync() => _server = await CapturingHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_page_is_a_block_kit_message_with_severity_slice_values_runbook_and_time()
    {
        _server.Respond = _ => new CannedResponse(200, "ok", "text/plain");
        using var receiver = Receiver("channel: \"#noc\"\nmention: \"<!subteam^S0123ABCD>\"");

        await receiver.SendAsync(Opened(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/services/{Token}", request.Path);
        var message = Json(request.Text);
        Assert.Equal(["blocks", "channel", "text"], Names(message));
        Assert.Equal("#noc", message.GetProperty("channel").GetString());
        Assert.StartsWith("<!subteam^S0123ABCD> [P1] INC-3f9a2c opened", message.GetProperty("text").GetString(), StringComparison.Ordinal);

        var blocks = message.GetProperty("blocks").EnumerateArray().ToList();
        Assert.All(blocks, b => Assert.Equal(JsonValueKind.String, b.GetProperty("type").ValueKind));
        var header = blocks[0];
        Assert.Equal("header", header.GetProperty("type").GetString());
        Assert.Equal("plain_text", header.GetProperty("text").GetProperty("type").GetString());
        Assert.Equal(":red_circle: P1 VSF 46 % at CDN oca, POP iad-2 since 14:02", header.GetProperty("text").GetProperty("text").GetString());
        Assert.StartsWith("<!subteam^S0123ABCD> INC-3f9a2c opened", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);

        var fields = blocks.Single(b => b.TryGetProperty("fields", out _)).GetProperty("fields").EnumerateArray().Select(f =>
        {
            Assert.Equal("mrkdwn", f.GetProperty("type").GetString());
            return f.GetProperty("text").GetString()!;
        }).ToList();
        Assert.Contains("*Slice*\n`cdn=oca,pop=iad-2`", fields);
        Assert.Contains("*Value*\n46 % against a baseline of 2 %", fields);
        Assert.Contains("*Threshold*\n5 %", fields);
        Assert.Contains("*Status*\ntriggered", fields);
        Assert.Contains("*Incident*\nINC-3f9a2c", fields);

        var texts = blocks.Where(b => b.GetProperty("type").GetString() == "section" && b.TryGetProperty("text", out _))
            .Select(b => b.GetProperty("text").GetProperty("text").GetString()!).ToList();
        Assert.Contains(texts, t => t.Contains("<https://runbooks.example/vsf?pop=iad-2&amp;x=1|Runbook>", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("<http://grafana:3000/d/", StringComparison.Ordinal) && t.Contains("|Dashboard>", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("`cdn=oca,isp=comcast,pop=iad-2`: 81.5 % of the change", StringComparison.Ordinal));

        var context = blocks[^1];
        Assert.Equal("context", context.GetProperty("type").GetString());
        Assert.Contains("sent 14:05:00 UTC", Assert.Single(context.GetProperty("elements").EnumerateArray()).GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acknowledge_and_resolve_say_so_and_do_not_mention()
    {
        using var receiver = Receiver("mention: \"<!subteam^S0123ABCD>\"");

        await receiver.SendAsync(Acknowledged(), CancellationToken.None);
        await receiver.SendAsync(Resolved(), CancellationToken.None);

        var headers = _server.Requests.Select(r => Json(r.Text).GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString()).ToList();
        Assert.Equal(":eyes: Acknowledged: P1 VSF 46 % at CDN oca, POP iad-2 since 14:02", headers[0]);
        Assert.Equal(":white_check_mark: Resolved: P1 VSF 46 % at CDN oca, POP iad-2 since 14:02", headers[1]);
        Assert.All(_server.Requests, r => Assert.DoesNotContain("subteam", r.Text, StringComparison.Ordinal));
        Assert.Contains("INC-3f9a2c acknowledged by alice", _server.Requests[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("P0", ":rotating_light:")]
    [InlineData("P1", ":red_circle:")]
    [InlineData("P2", ":large_orange_circle:")]
    [InlineData("P3", ":large_blue_circle:")]
    public async Task The_header_shows_the_severity(string severity, string emoji)
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(Incident(Enum.Parse<Severity>(severity))), CancellationToken.None);

        var header = Json(Assert.Single(_server.Requests).Text).GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString();
        Assert.StartsWith($"{emoji} {severity} ", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_huge_title_many_labels_and_culprits_stay_within_slacks_limits()
    {
        var labels = Enumerable.Range(0, 500).ToDictionary(i => $"label_{i:000}", i => new string('v', 40));
        var culprits = Enumerable.Range(0, 300).Select(i => new Culprit(Slice.Parse($"pop=p{i}"), 0.3, 1, 2)).ToList();
        var incident = Incident(title: new string('T', 10_000) + " & <b>") with
        {
            Labels = labels,
            Culprits = culprits,
            Slice = new Slice(Enumerable.Range(0, 200).Select(i => new KeyValuePair<string, string>($"dim{i:000}", new string('d', 30)))),
            AcknowledgedBy = "alice",
        };
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(incident), CancellationToken.None);

        var message = Json(Assert.Single(_server.Requests).Text);
        var blocks = message.GetProperty("blocks").EnumerateArray().ToList();
        Assert.InRange(blocks.Count, 1, 50);
        Assert.InRange(blocks[0].GetProperty("text").GetProperty("text").GetString()!.Length, 1, 150);
        foreach (var block in blocks.Where(b => b.GetProperty("type").GetString() == "section"))
        {
            if (block.TryGetProperty("text", out var text))
            {
                Assert.InRange(text.GetProperty("text").GetString()!.Length, 1, 3000);
            }

            if (block.TryGetProperty("fields", out var fields))
            {
                Assert.InRange(fields.GetArrayLength(), 1, 10);
                Assert.All(fields.EnumerateArray(), f => Assert.InRange(f.GetProperty("text").GetString()!.Length, 1, 2000));
            }
        }

        Assert.All(blocks.Where(b => b.GetProperty("type").GetString() == "context"), b => Assert.InRange(b.GetProperty("elements").GetArrayLength(), 1, 10));
        Assert.InRange(message.GetProperty("text").GetString()!.Length, 1, 3000);
    }

    [Fact]
    public async Task Text_from_the_incident_cannot_mention_or_link_in_mrkdwn()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(Opened(Incident(title: "<!channel> failures & <http://evil.example|click>")), CancellationToken.None);

        // mrkdwn (the fallback text, sections, fields) parses <…>; the header is plain_text, which does not.
        var message = Json(Assert.Single(_server.Requests).Text);
        var mrkdwn = message.GetProperty("blocks").EnumerateArray()
            .SelectMany<JsonElement, JsonElement>(b => b.TryGetProperty("fields", out var f) ? f.EnumerateArray() : b.TryGetProperty("elements", out var e) ? e.EnumerateArray() : [b.GetProperty("text")])
            .Where(t => t.GetProperty("type").GetString() == "mrkdwn")
            .Select(t => t.GetProperty("text").GetString()!)
            .Append(message.GetProperty("text").GetString()!)
            .ToList();
        Assert.All(mrkdwn, t => Assert.DoesNotContain("<!channel>", t, StringComparison.Ordinal));
        Assert.Contains("&lt;!channel&gt; failures &amp; &lt;http://evil.example|click&gt;", message.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(":red_circle: P1 <!channel> failures & <http://evil.example|click>", message.GetProperty("blocks")[0].GetProperty("text").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData(400, "invalid_payload")]
    [InlineData(403, "action_prohibited")]
    [InlineData(404, "no_service")]
    [InlineData(404, "channel_not_found")]
    [InlineData(410, "channel_is_archived")]
    public async Task Slacks_refusals_are_permanent_with_its_error_as_the_reason(int status, string error)
    {
        _server.Respond = _ => new CannedResponse(status, error, "text/plain");
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.False(failure.IsTransient);
        Assert.Equal((HttpStatusCode)status, failure.StatusCode);
        Assert.Contains(error, failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limiting_is_transient_with_the_retry_after()
    {
        _server.Respond = _ => new CannedResponse(429, "rate_limited", "text/plain", new Dictionary<string, string> { ["Retry-After"] = "12" });
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(12), failure.RetryAfter);
    }

    [Fact]
    public async Task A_server_error_is_transient()
    {
        _server.Respond = _ => new CannedResponse(503, "");
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(failure.IsTransient);
    }

    [Fact]
    public async Task A_refused_connection_is_transient_and_does_not_show_the_url()
    {
        var url = ClosedUrl($"/services/{Token}");
        using var receiver = Receiver(url: url);

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.True(failure.IsTransient);
        Assert.Null(failure.StatusCode);
        Assert.DoesNotContain("secretToken", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_webhook_url_never_appears_in_the_error_even_when_echoed_plainly_or_json_escaped()
    {
        _server.Respond = r => new CannedResponse(400, $"invalid_payload for {WebhookUrl} ({JsonSerializer.Serialize(WebhookUrl).Replace("/", "\\/", StringComparison.Ordinal)}) path {r.Path}", "text/plain");
        using var receiver = Receiver();

        var failure = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(Opened(), CancellationToken.None));

        Assert.DoesNotContain("secretToken", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("B0E1F2G3H", failure.Message, StringComparison.Ordinal);
        Assert.Contains("invalid_payload", failure.Message, StringComparison.Ordinal);
    }

    private IReceiver Receiver(string yaml = "", string? url = null)
    {
        var (settings, problems) = Parse(SlackSettings.Parse, "slack", "url_env: SLACK_URL\n" + yaml);
        Assert.Empty(problems);
        return settings!.Create("slack", Services(new Dictionary<string, string> { ["SLACK_URL"] = url ?? WebhookUrl }));
    }
}
