using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;

namespace Analytics.Alerts.Notifiers.PagerDuty;

/// <summary>
/// The body of one Events API v2 alert event, as "Send an Alert Event" documents it
/// (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). A trigger carries the
/// PD-CEF <c>payload</c> and <c>links</c>; acknowledge and resolve need only <c>routing_key</c>,
/// <c>dedup_key</c> and <c>event_action</c>, and send nothing more.
/// </summary>
/// <param name="Source">The <c>payload.source</c>: the host that detected the problem.</param>
/// <param name="Client">The monitoring tool's name.</param>
/// <param name="ClientUrl">The monitoring tool's URL; null for none.</param>
/// <param name="PublicUrl">The base of links; empty for none.</param>
internal sealed record PagerDutyEvent(string Source, string Client, string? ClientUrl, string PublicUrl)
{
    /// <summary>PagerDuty's limit on <c>payload.summary</c>.</summary>
    public const int SummaryLimit = 1024;

    /// <summary>PagerDuty's limit on <c>dedup_key</c>.</summary>
    public const int DedupKeyLimit = 255;

    /// <summary>P0 → critical, P1 → error, P2 → warning, P3 → info.</summary>
    public static string SeverityOf(Severity severity) => severity switch
    {
        Severity.P0 => "critical",
        Severity.P1 => "error",
        Severity.P2 => "warning",
        _ => "info",
    };

    /// <summary>The documented names: trigger, acknowledge, resolve.</summary>
    public static string ActionOf(NotificationAction action) => action switch
    {
        NotificationAction.Acknowledge => "acknowledge",
        NotificationAction.Resolve => "resolve",
        _ => "trigger",
    };

    public string Build(Notification notification, string routingKey)
    {
        var body = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = ActionOf(notification.Action),
            ["dedup_key"] = WireFormat.Cut(notification.DedupKey, DedupKeyLimit),
        };
        if (notification.Action != NotificationAction.Trigger)
        {
            return WireFormat.Json(body);
        }

        var incident = notification.Incident;
        var links = IncidentLinks.Of(incident, PublicUrl);
        body["payload"] = new JsonObject
        {
            ["summary"] = WireFormat.Cut(Summary(incident), SummaryLimit),
            ["source"] = Source,
            ["severity"] = SeverityOf(incident.Severity),
            ["timestamp"] = WireFormat.Time(notification.Change.AtMs),
            ["component"] = incident.Slice.ToString(),
            ["group"] = incident.Rule,
            ["class"] = incident.Metric,
            ["custom_details"] = Details(notification, links),
        };
        body["client"] = Client;
        if (ClientUrl is not null)
        {
            body["client_url"] = ClientUrl;
        }

        body["links"] = new JsonArray([.. links.All.Select(l => new JsonObject { ["href"] = l.Href, ["text"] = l.Text })]);
        return WireFormat.Json(body);
    }

    private static string Summary(Incident incident)
        => incident.Title.Length > 0 ? incident.Title : $"{incident.Rule}: {incident.Metric} at {incident.Slice}";

    private static JsonObject Details(Notification notification, IncidentLinks links)
    {
        var incident = notification.Incident;
        var details = new JsonObject
        {
            ["incident"] = incident.Id,
            ["change"] = notification.Change.KindName,
            ["severity"] = incident.Severity.ToString(),
            ["rule"] = incident.Rule,
            ["metric"] = incident.Metric,
            ["slice"] = incident.Slice.ToString(),
            ["value"] = WireFormat.Finite(incident.Value),
            ["baseline"] = WireFormat.Finite(incident.Baseline),
            ["threshold"] = WireFormat.Finite(incident.Threshold),
            ["opened_at"] = WireFormat.Time(incident.OpenedAtMs),
            ["culprits"] = new JsonArray([.. incident.Culprits.Select(c => (JsonNode)JsonValue.Create(
                string.Create(CultureInfo.InvariantCulture, $"{c.Slice}: {c.SharePercent:0.#} % of the change ({c.Actual:0.##} against {c.Expected:0.##} expected)")))]),
            ["labels"] = WireFormat.Object(IncidentLabels.Of(incident)),
            ["links"] = WireFormat.Object(links.All.Select(l => new KeyValuePair<string, string>(l.Text.ToLowerInvariant(), l.Href))),
        };
        if (notification.Change.Kind != IncidentChangeKind.Opened && notification.Change.Detail.Length > 0)
        {
            details["detail"] = notification.Change.Detail;
        }

        return details;
    }
}
