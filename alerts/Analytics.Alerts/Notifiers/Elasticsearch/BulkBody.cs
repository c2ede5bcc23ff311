using System.Text;
using System.Text.Json.Nodes;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>
/// The <c>_bulk</c> request for one notification
/// (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/docs-bulk.html): newline-delimited JSON,
/// each action's metadata line followed by its document, and a final newline, which the API requires.
/// Both ids are fixed, so a retried request rewrites the same two documents instead of adding copies:
/// <list type="bullet">
/// <item>the incident under its id, versioned by the event number (<c>version_type: external_gte</c>),
/// so a late or repeated older state can never overwrite a newer one (it gets a 409, which is fine);</item>
/// <item>the event under the notification id (incident, event number, receiver).</item>
/// </list>
/// </summary>
internal static class BulkBody
{
    public const string ContentType = "application/x-ndjson";

    public static string Build(string prefix, Notification notification)
    {
        var change = notification.Change;
        var body = new StringBuilder();
        Line(body, Action(IndexTemplate.IncidentsIndex(prefix), notification.Incident.Id, change.Seq));
        Line(body, IncidentDocuments.Incident(change));
        Line(body, Action(IndexTemplate.EventsIndex(prefix), notification.Id, version: null));
        Line(body, IncidentDocuments.Event(notification));
        return body.ToString();
    }

    private static JsonObject Action(string index, string id, int? version)
    {
        var metadata = new JsonObject { ["_index"] = index, ["_id"] = id };
        if (version is { } v)
        {
            metadata["version"] = v;
            metadata["version_type"] = "external_gte";
        }

        return new JsonObject { ["index"] = metadata };
    }

    // ToJsonString is compact and escapes newlines inside strings, so each JSON value is one line.
    private static void Line(StringBuilder body, JsonObject json) => body.Append(json.ToJsonString()).Append('\n');
}
