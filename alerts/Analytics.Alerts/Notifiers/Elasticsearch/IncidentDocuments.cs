using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>
/// The two documents archived for each incident change: the incident as it now stands (one per incident,
/// overwritten) and the event itself (one per change). Both carry the incident's searchable snapshot
/// (rule, severity, status, slice, values, labels) so either index can be filtered alone. Field names are
/// snake_case; times are RFC 3339 UTC strings; <c>@timestamp</c> is the change's time, Kibana's default
/// time field. <see cref="IndexTemplate"/> maps every field written here.
/// </summary>
internal static class IncidentDocuments
{
    /// <summary>The incident after the change, for <c>{prefix}-incidents</c> with <c>_id</c> = the incident id.</summary>
    public static JsonObject Incident(IncidentChange change)
    {
        var incident = change.Incident;
        var doc = Snapshot(change);
        doc["key"] = incident.Key;
        doc["last_event"] = change.KindName;
        doc["opened_at"] = Time(incident.OpenedAtMs);
        doc["triggered_at"] = Time(incident.TriggeredAtMs);
        Put(doc, "acknowledged_at", incident.AcknowledgedAtMs);
        Put(doc, "acknowledged_by", incident.AcknowledgedBy);
        Put(doc, "resolved_at", incident.ResolvedAtMs);
        Put(doc, "resolved_by", incident.ResolvedBy);
        doc["last_window"] = Time(incident.LastWindowMs);
        doc["firing_now"] = incident.FiringNow;
        doc["flapping"] = incident.Flapping;
        doc["muted"] = incident.Muted;
        doc["escalation_level"] = incident.EscalationLevel;
        doc["notify_count"] = incident.NotifyCount;
        doc["annotations"] = Map(incident.Annotations);
        doc["symptoms"] = new JsonArray([.. incident.Symptoms.Select(s => (JsonNode?)JsonValue.Create(s))]);
        doc["inhibited"] = new JsonArray([.. incident.Inhibited.Select(s => (JsonNode?)JsonValue.Create(s))]);
        doc["culprits"] = new JsonArray([.. incident.Culprits.Select(c => (JsonNode?)new JsonObject
        {
            ["slice"] = c.Slice.ToString(),
            ["share_percent"] = Finite(c.SharePercent),
            ["expected"] = Finite(c.Expected),
            ["actual"] = Finite(c.Actual),
        })]);
        return doc;
    }

    /// <summary>The change, for <c>{prefix}-events</c> with <c>_id</c> = the notification id (the same on every retry).</summary>
    public static JsonObject Event(Notification notification)
    {
        var change = notification.Change;
        var doc = Snapshot(change);
        doc["event_id"] = notification.Id;
        doc["kind"] = change.KindName;
        doc["actor"] = change.Actor;
        doc["detail"] = change.Detail;
        doc["notify"] = change.Notify;
        doc["muted"] = change.Muted;
        Put(doc, "window_start", change.WindowStartMs);
        return doc;
    }

    /// <summary>What both documents share: who the incident is, where, how bad, and when this change happened.</summary>
    private static JsonObject Snapshot(IncidentChange change)
    {
        var incident = change.Incident;
        var doc = new JsonObject
        {
            ["@timestamp"] = Time(change.AtMs),
            ["incident_id"] = incident.Id,
            ["seq"] = change.Seq,
            ["rule"] = incident.Rule,
            ["severity"] = incident.Severity.ToString(),
            ["status"] = incident.Status.ToString().ToLowerInvariant(),
            ["metric"] = incident.Metric,
            ["title"] = incident.Title,
            ["slice"] = incident.Slice.ToString(),
            ["dimensions"] = Map(incident.Slice.Dimensions),
            ["labels"] = Map(incident.Labels),
        };
        Put(doc, "value", incident.Value);
        Put(doc, "baseline", incident.Baseline);
        Put(doc, "threshold", incident.Threshold);
        return doc;
    }

    private static JsonObject Map(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var map = new JsonObject();
        foreach (var (name, value) in pairs)
        {
            map[name] = value;
        }

        return map;
    }

    private static void Put(JsonObject doc, string name, string? value)
    {
        if (value is not null)
        {
            doc[name] = value;
        }
    }

    private static void Put(JsonObject doc, string name, long? unixMs)
    {
        if (unixMs is { } ms)
        {
            doc[name] = Time(ms);
        }
    }

    /// <summary>JSON has no NaN or infinity (and a double field refuses them): such values are left out.</summary>
    private static void Put(JsonObject doc, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            doc[name] = v;
        }
    }

    private static JsonNode? Finite(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    private static string Time(long unixMs)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
