using System.Net;
using System.Text;
using System.Text.Json;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.Alertmanager;
using Analytics.Testing;
using Analytics.Testing.Http;

namespace Analytics.Alerts.Tests.Notifiers.Alertmanager;

/// <summary>
/// The Alertmanager receiver against the documented wire format of API v2, <c>POST /api/v2/alerts</c>
/// with an array of <c>postableAlert</c> (labels, annotations, startsAt, endsAt, generatorURL):
/// https://github.com/prometheus/alertmanager/blob/v0.25.0/api/v2/openapi.yaml. The real server is
/// exercised in Analytics.IntegrationTests (AlertmanagerDeliveryTests).
/// </summary>
public sealed class AlertmanagerReceiverTests : IAsyncLifetime
{
    private static readonly string[] PostableAlertFields = ["annotations", "endsAt", "generatorURL", "labels", "startsAt"];
    private readonly ManualTimeProvider _clock = new(SampleIncidents.Now);
    private CapturingHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await CapturingHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_trigger_posts_one_postable_alert_with_our_labels_and_annotations()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(SampleIncidents.Opened(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/v2/alerts", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var alert = Assert.Single(JsonDocument.Parse(request.Text).RootElement.EnumerateArray());
        Assert.Equal(PostableAlertFields, alert.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        var labels = Map(alert, "labels");
        Assert.Equal("vsf_high", labels["alertname"]);
        Assert.Equal("INC-3f9a2c", labels["incident"]);
        Assert.Equal("P1", labels["severity"]);
        Assert.Equal("vsf_rate", labels["metric"]);
        Assert.Equal("oca", labels["cdn"]);
        Assert.Equal("iad-2", labels["pop"]);
        Assert.Equal("noc", labels["team"]);
        Assert.DoesNotContain("status", labels.Keys);

        var annotations = Map(alert, "annotations");
        Assert.Equal("VSF 46 % at cdn=oca,pop=iad-2", annotations["summary"]);
        Assert.Contains("vsf_rate on cdn=oca,pop=iad-2 is 0.46, baseline 0.02", annotations["description"], StringComparison.Ordinal);
        Assert.Equal("https://runbooks.example/vsf", annotations["runbook_url"]);
        Assert.Equal("0.46", annotations["value"]);
        Assert.Equal("0.02", annotations["baseline"]);
        Assert.Equal("http://grafana:3000/incidents/INC-3f9a2c", annotations["dashboard"]);
        Assert.Equal(annotations["dashboard"], alert.GetProperty("generatorURL").GetString());
        Assert.DoesNotContain("acknowledged_by", annotations.Keys);
    }

    [Fact]
    public async Task A_firing_alert_starts_when_opened_and_lives_four_resends_as_prometheus_does()
    {
        using var receiver = Receiver(resend: TimeSpan.FromMinutes(2));
        var opened = SampleIncidents.Opened();

        await receiver.SendAsync(opened, CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await receiver.SendAsync(opened with { IsRefresh = true }, CancellationToken.None);

        var (first, refresh) = (Alert(0), Alert(1));
        Assert.Equal(TimeSpan.FromMinutes(2), receiver.RefreshInterval);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(opened.Incident.TriggeredAtMs), Time(first, "startsAt"));
        Assert.Equal(SampleIncidents.Now + TimeSpan.FromMinutes(8), Time(first, "endsAt"));
        Assert.Equal(Time(first, "startsAt"), Time(refresh, "startsAt"));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(8), Time(refresh, "endsAt"));
    }

    [Fact]
    public async Task An_acknowledgement_keeps_the_alert_firing_and_says_who_took_it()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(SampleIncidents.Acknowledged(by: "alice"), CancellationToken.None);

        var alert = Alert(0);
        var annotations = Map(alert, "annotations");
        Assert.Equal("alice", annotations["acknowledged_by"]);
        Assert.Equal(SampleIncidents.Now - TimeSpan.FromSeconds(30), DateTimeOffset.Parse(annotations["acknowledged_at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(Time(alert, "endsAt") > _clock.GetUtcNow());
    }

    [Fact]
    public async Task A_resolve_ends_the_alert_at_the_resolve_time_and_never_in_the_future()
    {
        using var receiver = Receiver();

        await receiver.SendAsync(SampleIncidents.Resolved(atMs: SampleIncidents.NowMs - 10_000), CancellationToken.None);
        await receiver.SendAsync(SampleIncidents.Resolved(atMs: SampleIncidents.NowMs + 60_000), CancellationToken.None);

        Assert.Equal(SampleIncidents.Now - TimeSpan.FromSeconds(10), Time(Alert(0), "endsAt"));
        Assert.Equal(SampleIncidents.Now, Time(Alert(1), "endsAt"));
        Assert.All([Alert(0), Alert(1)], a => Assert.True(Time(a, "startsAt") <= Time(a, "endsAt")));
    }

    [Fact]
    public async Task The_labels_stay_the_same_through_the_incidents_life_so_alertmanager_sees_one_alert()
    {
        using var receiver = Receiver();

        foreach (var notification in new[] { SampleIncidents.Opened(), SampleIncidents.Acknowledged(), SampleIncidents.Resolved() })
        {
            await receiver.SendAsync(notification, CancellationToken.None);
        }

        var labelSets = Enumerable.Range(0, 3).Select(i => string.Join(',', Map(Alert(i), "labels").Select(l => $"{l.Key}={l.Value}"))).ToList();
        Assert.Single(labelSets.Distinct());
    }

    [Theory]
    [InlineData("owner-team", "owner_team")]
    [InlineData("app.version", "app_version")]
    [InlineData("1st", "_1st")]
    [InlineData("ok_name", "ok_name")]
    public void Label_names_alertmanager_would_refuse_are_made_valid(string name, string expected)
    {
        Assert.Equal(expected, AlertmanagerAlert.LabelName(name));
        Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", AlertmanagerAlert.LabelName(name));
    }

    [Fact]
    public async Task A_400_is_permanent_with_alertmanagers_message()
    {
        // Alertmanager 0.25's answer to an invalid label name, as the real server gives it.
        _server.Respond = _ => new CannedResponse(400, "\"invalid label set: invalid name \\\"bad-name\\\"\"\n");
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(), CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("INC-3f9a2c (HTTP 400): invalid label set: invalid name \"bad-name\"", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(503, true)]
    [InlineData(500, true)]
    [InlineData(429, true)]
    [InlineData(404, false)]
    [InlineData(422, false)]
    public async Task Server_errors_are_transient_and_other_refusals_permanent(int status, bool transient)
    {
        _server.Respond = _ => new CannedResponse(status, "nope");
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(), CancellationToken.None));

        Assert.Equal(transient, ex.IsTransient);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
    }

    [Fact]
    public async Task No_answer_is_transient()
    {
        _server.Respond = _ => CannedResponse.Drop;
        using var receiver = Receiver();

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(), CancellationToken.None));

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
    }

    [Fact]
    public async Task Basic_auth_is_sent_and_its_password_never_shows_in_an_error()
    {
        const string Password = "am-s3cret-pass";
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes($"analytics:{Password}"));
        _server.Respond = r => new CannedResponse(401, $"bad credentials {Password} in {r.Header("Authorization")}");
        var settings = ReceiverYaml.Valid<AlertmanagerSettings>(
            AlertmanagerSettings.Parse, $"url: {_server.Url}\nbasic_auth:\n  username: analytics\n  password_env: AM_PASSWORD\n");
        using var receiver = settings.Create("am", SampleIncidents.Services(_clock, v => v == "AM_PASSWORD" ? Password : null));

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => receiver.SendAsync(SampleIncidents.Opened(), CancellationToken.None));

        Assert.Equal($"Basic {encoded}", _server.Requests[0].Header("Authorization"));
        Assert.False(ex.IsTransient);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(encoded, ex.Message, StringComparison.Ordinal);
        Assert.Contains("***", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_with_a_path_prefix_posts_under_it()
    {
        var settings = ReceiverYaml.Valid<AlertmanagerSettings>(AlertmanagerSettings.Parse, "url: http://am.example:9093/alertmanager/\n");
        using var receiver = (AlertmanagerReceiver)settings.Create("am", SampleIncidents.Services(_clock));

        Assert.Equal("http://am.example:9093/alertmanager/api/v2/alerts", receiver.Endpoint.ToString());
        Assert.Equal(AlertmanagerSettings.DefaultResend, receiver.RefreshInterval);
        Assert.Equal(ReceiverScope.Routed, receiver.Scope);
    }

    private static IReadOnlyDictionary<string, string> Map(JsonElement alert, string name)
        => alert.GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    private static DateTimeOffset Time(JsonElement alert, string name)
        => DateTimeOffset.Parse(alert.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private JsonElement Alert(int request) => JsonDocument.Parse(_server.Requests[request].Text).RootElement[0];

    private AlertmanagerReceiver Receiver(TimeSpan? resend = null)
        => new("am", new AlertmanagerSettings(new Uri(_server.Url), null, null, resend ?? AlertmanagerSettings.DefaultResend), null, SampleIncidents.Services(_clock));
}
