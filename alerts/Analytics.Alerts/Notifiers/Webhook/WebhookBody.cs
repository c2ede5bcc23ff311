using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers.Webhook;

/// <summary>
/// The JSON body of the generic webhook, schema version 1 (documented in docs/oncall.md). Every key is
/// always present (null when unknown), so an endpoint can read it without guessing; new keys may be added
/// within a version, and a breaking change bumps <c>version</c>. <c>event_id</c> is the same on every retry
/// of one delivery; <c>dedup_key</c> (the incident id) is the same for every event of one incident.
/// </summary>
internal static class WebhookBody
{
    public const string Version = "1";

    /// <summary>The UTF-8 bytes to send and sign.</summary>
    public static byte[] Build(Notification notification, string publicUrl, DateTimeOffset sentAt)
        => WireFormat.JsonBytes(Json(notification, publicUrl, sentAt));

    public static JsonObject Json(Notification notification, string publicUrl, DateTimeOffset sentAt) => new()
    {
        ["version"] = Version,
        ["event_id"] = notification.Id,
        ["dedup_key"] = notification.DedupKey,
        ["action"] = notification.Action.ToString().ToLowerInvariant(),
        ["kind"] = notification.IsRefresh ? "refresh" : notification.Change.KindName,
        ["incident"] = Incident(notification.Incident, publicUrl),
        ["sent_at"] = WireFormat.Time(sentAt.ToUnixTimeMilliseconds()),
    };

    private static JsonObject Incident(Incident incident, string publicUrl) => new()
    {
        ["id"] = incident.Id,
        ["severity"] = incident.Severity.ToString(),
        ["status"] = incident.Status.ToString().ToLowerInvariant(),
        ["title"] = incident.Title,
        ["rule"] = incident.Rule,
        ["metric"] = incident.Metric,
        ["slice"] = WireFormat.Object(incident.Slice.Dimensions),
        ["value"] = WireFormat.Finite(incident.Value),
        ["baseline"] = WireFormat.Finite(incident.Baseline),
        ["threshold"] = WireFormat.Finite(incident.Threshold),
        ["opened_at"] = WireFormat.Time(incident.OpenedAtMs),
        ["acknowledged_at"] = WireFormat.Time(incident.AcknowledgedAtMs),
        ["acknowledged_by"] = incident.AcknowledgedBy,
        ["resolved_at"] = WireFormat.Time(incident.ResolvedAtMs),
        ["resolved_by"] = incident.ResolvedBy,
        ["labels"] = WireFormat.Object(incident.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)),
        ["annotations"] = WireFormat.Object(incident.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal)),
        ["culprits"] = new JsonArray([.. incident.Culprits.Select(c => new JsonObject
        {
            ["slice"] = WireFormat.Object(c.Slice.Dimensions),
            ["share_percent"] = WireFormat.Finite(c.SharePercent),
            ["expected"] = WireFormat.Finite(c.Expected),
            ["actual"] = WireFormat.Finite(c.Actual),
        })]),
        ["links"] = new JsonArray([.. IncidentLinks.Of(incident, publicUrl).All.Select(l => new JsonObject { ["text"] = l.Text, ["href"] = l.Href })]),
    };
}
