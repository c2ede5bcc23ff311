using System.Net;
using System.Text.Json;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>
/// Reads a <c>_bulk</c> answer. Elasticsearch answers 200 even when items fail: <c>errors: true</c> and each
/// failed item has its own <c>status</c> and <c>error.type</c> / <c>error.reason</c>
/// (https://www.elastic.co/guide/en/elasticsearch/reference/8.17/docs-bulk.html#bulk-api-response-body).
/// An item refused with 429 or 5xx (a full write queue, an unavailable shard) makes the whole request
/// transient: sending both documents again is safe, their ids are fixed. Any other item error
/// (a mapping conflict, 400) is permanent. A transient item wins over a permanent one, since the retry
/// may still store the other document; the permanent error shows again on the retry.
/// </summary>
internal static class BulkResponse
{
    /// <summary>The error an item gets when a newer state of the incident is already stored (external versioning).</summary>
    public const string VersionConflict = "version_conflict_engine_exception";

    /// <summary>Returns when every item was stored; throws <see cref="DeliveryFailedException"/> otherwise.</summary>
    public static void Check(string receiver, string body, IReadOnlyList<Secret> secrets)
    {
        List<Item> failed;
        try
        {
            failed = Failures(body);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new DeliveryFailedException(
                receiver, transient: false, null, HttpDelivery.Redact(secrets, $"the answer is not an Elasticsearch _bulk response (is url the cluster?): {HttpDelivery.Shorten(body)}"), inner: ex);
        }

        var worst = failed.FirstOrDefault(i => HttpDelivery.IsTransient(i.Status)) ?? failed.FirstOrDefault();
        if (worst is null)
        {
            return;
        }

        var transient = HttpDelivery.IsTransient(worst.Status);
        var reason = $"{failed.Count} of the bulk items failed; {worst.Index}/{worst.Id}: HTTP {(int)worst.Status} {worst.Type}: {HttpDelivery.Shorten(worst.Reason)}";
        throw new DeliveryFailedException(receiver, transient, worst.Status, HttpDelivery.Redact(secrets, reason));
    }

    private static List<Item> Failures(string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        if (!root.GetProperty("errors").GetBoolean())
        {
            return [];
        }

        var failed = new List<Item>();
        foreach (var entry in root.GetProperty("items").EnumerateArray())
        {
            // Each item is { "<action>": { "_index", "_id", "status", "error"? } }.
            var result = entry.EnumerateObject().First().Value;
            var status = (HttpStatusCode)result.GetProperty("status").GetInt32();
            if ((int)status is >= 200 and < 300)
            {
                continue;
            }

            var error = result.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
            var type = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            if (status == HttpStatusCode.Conflict && type == VersionConflict)
            {
                continue; // A newer state of the incident is already there: nothing to store.
            }

            var reason = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
            failed.Add(new Item(Text(result, "_index"), Text(result, "_id"), status, type, reason));
        }

        return failed;
    }

    private static string Text(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "?";

    private sealed record Item(string Index, string Id, HttpStatusCode Status, string Type, string Reason);
}
