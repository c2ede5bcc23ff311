using System.Globalization;
using System.Net;
using System.Text.Json;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Notifiers.Alertmanager;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.IntegrationTests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Alerting;

/// <summary>
/// Our Alertmanager receiver against a real Alertmanager 0.25, which groups what we post and notifies its
/// webhook receiver (payload version 4: https://prometheus.io/docs/alerting/0.25/configuration/#webhook_config).
/// Each test uses its own rule name (alertname), so their alerts and groups never mix.
/// </summary>
public sealed class AlertmanagerDeliveryTests(AlertmanagerFixture alertmanager) : IClassFixture<AlertmanagerFixture>
{
    private static readonly TimeSpan Resend = TimeSpan.FromMinutes(1);

    [AlertmanagerFact]
    public async Task Our_alerts_are_grouped_delivered_and_resolved_by_alertmanager()
    {
        const string Rule = "it_vsf_grouped";
        using var receiver = Receiver();
        var (iad, lhr, akamai) = (Incident("INC-a00001", Rule, "cdn=oca,pop=iad-2"), Incident("INC-a00002", Rule, "cdn=oca,pop=lhr-1"), Incident("INC-b00001", Rule, "cdn=akamai,pop=iad-2"));

        foreach (var incident in new[] { iad, lhr, akamai })
        {
            await receiver.SendAsync(Change(IncidentChangeKind.Opened, incident), CancellationToken.None);
        }

        // Two groups by (alertname, cdn): oca with two alerts, akamai with one.
        var oca = await alertmanager.NotificationAsync(n => Group(n, Rule, "oca") && Alerts(n, "firing").Count == 2, "both oca alerts firing");
        var other = await alertmanager.NotificationAsync(n => Group(n, Rule, "akamai"), "the akamai group");
        Assert.Equal("4", oca.GetProperty("version").GetString());
        Assert.Equal(AlertmanagerFixture.ReceiverName, oca.GetProperty("receiver").GetString());
        Assert.Equal("firing", oca.GetProperty("status").GetString());
        Assert.Equal(["alertname", "cdn"], oca.GetProperty("groupLabels").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(["INC-a00001", "INC-a00002"], Alerts(oca, "firing").Select(a => Label(a, "incident")).Order(StringComparer.Ordinal));
        var alert = Assert.Single(Alerts(other, "firing"));
        Assert.Equal("INC-b00001", Label(alert, "incident"));
        Assert.Equal("P1", Label(alert, "severity"));
        Assert.Equal("vsf_rate", Label(alert, "metric"));
        Assert.Equal("iad-2", Label(alert, "pop"));
        Assert.False(alert.GetProperty("labels").TryGetProperty("status", out _), "status would split the alert's identity");
        Assert.Equal("VSF 46 % at cdn=akamai,pop=iad-2", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("https://runbooks.example/vsf", alert.GetProperty("annotations").GetProperty("runbook_url").GetString());
        Assert.Equal("http://grafana:3000/incidents/INC-b00001", alert.GetProperty("generatorURL").GetString());

        // Alertmanager holds all three with our labels, active until four resends from now.
        var held = await alertmanager.AlertsAsync($"alertname=\"{Rule}\"");
        Assert.Equal(["INC-a00001", "INC-a00002", "INC-b00001"], held.Select(a => Label(a, "incident")).Order(StringComparer.Ordinal));
        Assert.All(held, a => Assert.Equal(("noc", "P1", "vsf_rate", Rule), (Label(a, "team"), Label(a, "severity"), Label(a, "metric"), Label(a, "rule"))));
        Assert.All(held, a => Assert.Equal("active", a.GetProperty("status").GetProperty("state").GetString()));
        Assert.All(held, a => Assert.InRange(
            DateTimeOffset.Parse(a.GetProperty("endsAt").GetString()!, CultureInfo.InvariantCulture) - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(4)));

        // Resolving one incident: Alertmanager notifies the oca group with it resolved, the other still firing.
        await receiver.SendAsync(Change(IncidentChangeKind.Resolved, iad with { Status = IncidentStatus.Resolved, ResolvedAtMs = NowMs() }), CancellationToken.None);

        var resolved = await alertmanager.NotificationAsync(n => Group(n, Rule, "oca") && Alerts(n, "resolved").Count == 1, "INC-a00001 resolved");
        Assert.Equal("INC-a00001", Label(Alerts(resolved, "resolved")[0], "incident"));
        Assert.Equal("INC-a00002", Label(Assert.Single(Alerts(resolved, "firing")), "incident"));
        var after = await alertmanager.AlertsAsync($"incident=\"INC-a00001\"");
        Assert.True(after.Count == 0 || after.All(a => a.GetProperty("status").GetProperty("state").GetString() != "active"), "the resolved alert is no longer active");
    }

    [AlertmanagerFact]
    public async Task An_acknowledged_incident_stays_firing_and_says_who_took_it()
    {
        const string Rule = "it_vsf_acked";
        using var receiver = Receiver();
        var incident = Incident("INC-c00001", Rule, "cdn=oca,pop=ams-1");

        await receiver.SendAsync(Change(IncidentChangeKind.Opened, incident), CancellationToken.None);
        await receiver.SendAsync(
            Change(IncidentChangeKind.Acknowledged, incident with { Status = IncidentStatus.Acknowledged, AcknowledgedBy = "alice", AcknowledgedAtMs = NowMs() }),
            CancellationToken.None);

        var held = Assert.Single(await alertmanager.AlertsAsync($"alertname=\"{Rule}\""));
        Assert.Equal("active", held.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("alice", held.GetProperty("annotations").GetProperty("acknowledged_by").GetString());
    }

    [AlertmanagerFact]
    public async Task A_rule_label_alertmanager_would_refuse_is_renamed_and_accepted()
    {
        const string Rule = "it_vsf_label_names";
        using var receiver = Receiver();
        var incident = Incident("INC-d00001", Rule, "cdn=oca,pop=fra-1") with { Labels = new Dictionary<string, string> { ["owner-team"] = "video" } };

        await receiver.SendAsync(Change(IncidentChangeKind.Opened, incident), CancellationToken.None);

        var held = Assert.Single(await alertmanager.AlertsAsync($"alertname=\"{Rule}\""));
        Assert.Equal("video", Label(held, "owner_team"));
    }

    [AlertmanagerFact]
    public async Task Alertmanagers_400_for_an_invalid_alert_is_permanent_with_its_message()
    {
        // What our receiver never sends (its names are made valid), sent raw to see the real server's answer.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{alertmanager.Url}/api/v2/alerts")
        {
            Content = HttpDelivery.Json("""[{"labels":{"alertname":"it_bad","bad-name":"x"}}]"""),
        };

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(() => HttpDelivery.SendAsync(http, "am", request, [], CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("invalid label set: invalid name", ex.Reason, StringComparison.Ordinal);
    }

    [AlertmanagerFact]
    public async Task A_wrong_url_path_is_permanent()
    {
        using var receiver = Receiver(path: "/alertmanager");

        var ex = await Assert.ThrowsAsync<DeliveryFailedException>(
            () => receiver.SendAsync(Change(IncidentChangeKind.Opened, Incident("INC-e00001", "it_wrong_path", "cdn=oca,pop=iad-2")), CancellationToken.None));

        Assert.False(ex.IsTransient);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static bool Group(JsonElement notification, string rule, string cdn)
        => notification.GetProperty("groupLabels") is var g
            && g.TryGetProperty("alertname", out var a) && a.GetString() == rule
            && g.TryGetProperty("cdn", out var c) && c.GetString() == cdn;

    private static List<JsonElement> Alerts(JsonElement notification, string status)
        => [.. notification.GetProperty("alerts").EnumerateArray().Where(a => a.GetProperty("status").GetString() == status)];

    private static string? Label(JsonElement alert, string name)
        => alert.GetProperty("labels").TryGetProperty(name, out var value) ? value.GetString() : null;

    private static Incident Incident(string id, string rule, string slice) => new()
    {
        Id = id,
        Key = $"{rule}|{slice}",
        Rule = rule,
        Severity = Severity.P1,
        Metric = "vsf_rate",
        Slice = Slice.Parse(slice),
        Title = $"VSF 46 % at {slice}",
        Status = IncidentStatus.Triggered,
        OpenedAtMs = NowMs() - 120_000,
        TriggeredAtMs = NowMs() - 60_000,
        Value = 0.46,
        Baseline = 0.02,
        Threshold = 0.05,
        Labels = new Dictionary<string, string> { ["team"] = "noc" },
        Annotations = new Dictionary<string, string> { ["runbook"] = "https://runbooks.example/vsf" },
    };

    private static Notification Change(IncidentChangeKind kind, Incident incident)
        => new("am", new IncidentChange(kind, incident, (int)kind + 1, true, false, null, NowMs(), "auto", kind.ToString()));

    private AlertmanagerReceiver Receiver(string path = "")
        => new(
            "am",
            new AlertmanagerSettings(new Uri(alertmanager.Url + path), null, null, Resend),
            null,
            new ReceiverServices(new HttpClient { Timeout = TimeSpan.FromSeconds(10) }, TimeProvider.System, NullLogger.Instance, "http://grafana:3000", _ => null));
}
