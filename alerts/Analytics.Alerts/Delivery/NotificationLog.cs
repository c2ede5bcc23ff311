using System.Text.Json;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;

namespace Analytics.Alerts.Delivery;

/// <summary>
/// The <c>notification_log</c> table (migration 0005): a 'queued' row per notification, holding the incident
/// change (never the request, so no secret), then one row per delivery attempt. It is the outbox: what a
/// restarted service still owes is every notification whose last row is neither delivered, rejected nor expired.
/// </summary>
internal sealed class NotificationLog
{
    private readonly IClickHouseConnection _connection;
    private readonly string _table;

    public NotificationLog(IClickHouseConnection connection, string database)
    {
        ClickHouseSql.RequireDatabase(database);
        _connection = connection;
        _table = $"{database}.notification_log";
    }

    public async Task RecordAsync(IReadOnlyCollection<NotificationAttempt> attempts, CancellationToken ct)
    {
        if (attempts.Count > 0)
        {
            await _connection.InsertJsonRowsAsync(_table, attempts, Write, ct);
        }
    }

    /// <summary>The ids among <paramref name="ids"/> that were queued before (a window judged again after a crash).</summary>
    public async Task<IReadOnlySet<string>> QueuedAsync(IReadOnlyCollection<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return new HashSet<string>();
        }

        var list = string.Join(", ", ids.Select(ClickHouseSql.Quote));
        var rows = await _connection.QueryJsonRowsAsync(
            $"SELECT DISTINCT notification_id FROM {_table} WHERE status = 'queued' AND notification_id IN ({list})", ct);
        return rows.Select(r => r.GetProperty("notification_id").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Notifications queued since <paramref name="sinceMs"/> and not finished, oldest first (so each incident's stay in order).</summary>
    public async Task<IReadOnlyList<OwedNotification>> OwedAsync(long sinceMs, CancellationToken ct)
    {
        var rows = await _connection.QueryJsonRowsAsync(
            $"""
            SELECT notification_id, any(receiver) AS receiver, any(receiver_kind) AS kind,
                   argMax(status, (at, attempt, status != 'queued')) AS last, toInt64(max(attempt)) AS attempts,
                   anyIf(change, status = 'queued') AS change,
                   toInt64(toUnixTimestamp64Milli(minIf(at, status = 'queued'))) AS queued_at,
                   any(incident_id) AS incident, toInt64(any(seq)) AS seq
            FROM {_table}
            WHERE notification_id IN (SELECT notification_id FROM {_table} WHERE status = 'queued' AND at >= {ClickHouseSql.Quote(EventTime.Format(sinceMs))})
            GROUP BY notification_id
            HAVING last NOT IN ('delivered', 'rejected', 'expired')
            ORDER BY queued_at, incident, seq
            """, ct);
        return [.. rows.Select(r => new OwedNotification(
            new Notification(r.GetProperty("receiver").GetString()!, ReadChange(r.GetProperty("change").GetString()!)),
            r.GetProperty("kind").GetString()!,
            (int)r.GetProperty("attempts").GetInt64Quoted(),
            r.GetProperty("queued_at").GetInt64Quoted()))];
    }

    /// <summary>Every row of one incident's notifications, in order (for <c>incidents show</c> and tests).</summary>
    public async Task<IReadOnlyList<NotificationAttempt>> HistoryAsync(string incidentId, CancellationToken ct)
    {
        var rows = await _connection.QueryJsonRowsAsync(
            $"""
            SELECT notification_id, receiver, receiver_kind, incident_id, toInt64(seq) AS seq, event_kind, dedup_key, attempt,
                   status, http_status, error, duration_ms, toInt64(toUnixTimestamp64Milli(at)) AS at_ms
            FROM {_table} WHERE incident_id = {ClickHouseSql.Quote(incidentId)}
            ORDER BY at, seq, receiver, attempt
            """, ct);
        return [.. rows.Select(r => new NotificationAttempt(
            r.GetProperty("notification_id").GetString()!,
            r.GetProperty("receiver").GetString()!,
            r.GetProperty("receiver_kind").GetString()!,
            r.GetProperty("incident_id").GetString()!,
            r.GetProperty("seq").GetInt64Quoted(),
            r.GetProperty("event_kind").GetString()!,
            r.GetProperty("dedup_key").GetString()!,
            (int)r.GetProperty("attempt").GetInt64Quoted(),
            Enum.Parse<DeliveryStatus>(r.GetProperty("status").GetString()!, ignoreCase: true),
            (int)r.GetProperty("http_status").GetInt64Quoted(),
            r.GetProperty("error").GetString()!,
            (int)r.GetProperty("duration_ms").GetInt64Quoted(),
            r.GetProperty("at_ms").GetInt64Quoted(),
            ""))];
    }

    public static string WriteChange(IncidentChange change) => JsonSerializer.Serialize(change, IncidentJson.Options);

    public static IncidentChange ReadChange(string json)
        => JsonSerializer.Deserialize<IncidentChange>(json, IncidentJson.Options) ?? throw new IncidentStateException("?", "a queued notification's change is null");

    private static void Write(Utf8JsonWriter w, NotificationAttempt a)
    {
        w.WriteString("notification_id", a.NotificationId);
        w.WriteString("receiver", a.Receiver);
        w.WriteString("receiver_kind", a.ReceiverKind);
        w.WriteString("incident_id", a.IncidentId);
        w.WriteNumber("seq", a.Seq);
        w.WriteString("event_kind", a.EventKind);
        w.WriteString("dedup_key", a.DedupKey);
        w.WriteNumber("attempt", a.Attempt);
        w.WriteString("status", a.Status.ToString().ToLowerInvariant());
        w.WriteNumber("http_status", a.HttpStatus);
        w.WriteString("error", a.Error);
        w.WriteNumber("duration_ms", a.DurationMs);
        w.WriteString("at", EventTime.Format(a.AtMs));
        w.WriteString("change", a.Change);
    }
}
