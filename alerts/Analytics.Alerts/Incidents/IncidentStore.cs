using System.Globalization;
using System.Text.Json;
using Analytics.Alerts.Rules;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// Keeps incidents in ClickHouse (migration 0004_incidents): the current state of each incident
/// (<c>incidents</c>, one row per incident, read with FINAL), its append-only history (<c>incident_events</c>,
/// keyed by incident and sequence number so a replayed write is harmless) and the silences.
/// The alert service saves every change the manager returns and restores the manager from here after a
/// restart; the CLI records operator actions here, which the service picks up with <see cref="ReadOperatorActionsAsync"/>.
/// </summary>
internal sealed class IncidentStore
{
    public const string Manager = "manager";
    public const string Operator = "operator";
    private readonly IClickHouseConnection _connection;
    private readonly string _database;
    private readonly TimeProvider _time;

    public IncidentStore(IClickHouseConnection connection, string database, TimeProvider? time = null)
    {
        ClickHouseSql.RequireDatabase(database);
        _connection = connection;
        _database = database;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Stores the changes' events and each changed incident's latest state.</summary>
    public async Task SaveAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct = default)
    {
        if (changes.Count == 0)
        {
            return;
        }

        await InsertAsync("incident_events", changes.Select(c => EventRow(
            c.Incident.Id, Manager, c.Seq, c.KindName, c.WindowStartMs ?? c.AtMs, c.AtMs, c.WindowStartMs, c.Actor, c.Notify, c.Muted, c.Detail)), ct);
        var latest = changes.GroupBy(c => c.Incident.Id).Select(g => g.MaxBy(c => c.Seq)!.Incident);
        await InsertAsync("incidents", latest.Select(i => StateRow(i, Version(i.Seq))), ct);
    }

    /// <summary>
    /// What a restarted manager needs: incidents still open or resolved within the cooling period (event time,
    /// counted back from the latest window any incident saw), and the silences not yet over. Without
    /// <paramref name="lastWindowMs"/> the last processed window is the latest one the store has seen.
    /// </summary>
    public async Task<IncidentManagerState> LoadAsync(IncidentOptions options, long? lastWindowMs = null, CancellationToken ct = default)
    {
        var incidents = await ReadIncidentsAsync("", ct);
        var latest = incidents.Count == 0 ? (long?)null : incidents.Max(i => Math.Max(i.LastWindowMs, i.ResolvedWindowMs ?? 0));
        var cooling = (long)options.CoolingPeriod.TotalMilliseconds;
        var kept = incidents.Where(i => i.IsOpen || i.ResolvedWindowMs + cooling >= latest).ToList();
        return new IncidentManagerState(lastWindowMs ?? latest, kept, await ReadSilencesAsync(ct));
    }

    /// <summary>Every incident (newest first), optionally only open ones or one severity.</summary>
    public async Task<IReadOnlyList<Incident>> ListAsync(bool openOnly, Severity? severity, CancellationToken ct = default)
    {
        var where = new List<string>();
        if (openOnly)
        {
            where.Add("status != 'resolved'");
        }

        if (severity is { } s)
        {
            where.Add($"severity = {ClickHouseSql.Quote(s.ToString())}");
        }

        return [.. (await ReadIncidentsAsync(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where), ct)).OrderByDescending(i => i.TriggeredAtMs)];
    }

    public async Task<Incident> GetAsync(string id, CancellationToken ct = default)
        => (await ReadIncidentsAsync($"WHERE id = {ClickHouseSql.Quote(id)}", ct)).SingleOrDefault() ?? throw new IncidentNotFoundException(id);

    public async Task<IReadOnlyList<StoredIncidentEvent>> EventsAsync(string id, CancellationToken ct = default)
    {
        var rows = await _connection.QueryJsonRowsAsync(
            $"SELECT incident_id, source, toString(seq) AS seq, kind, toString(toUnixTimestamp64Milli(event_time)) AS event_ms, "
            + $"toString(toUnixTimestamp64Milli(wall_time)) AS wall_ms, actor, notified, muted, detail FROM {_database}.incident_events FINAL "
            + $"WHERE incident_id = {ClickHouseSql.Quote(id)} ORDER BY wall_time, source, seq",
            ct);
        return [.. rows.Select(r => new StoredIncidentEvent(
            r.GetProperty("incident_id").GetString()!, r.GetProperty("source").GetString()!, Long(r, "seq"), r.GetProperty("kind").GetString()!,
            Long(r, "event_ms"), Long(r, "wall_ms"), r.GetProperty("actor").GetString()!, r.GetProperty("notified").GetInt32() != 0,
            r.GetProperty("muted").GetInt32() != 0, r.GetProperty("detail").GetString()!))];
    }

    /// <summary>
    /// An operator's acknowledge or resolve from outside the service: an operator event plus the incident's new state
    /// row. Returns the incident as stored; an incident already in that state is returned unchanged.
    /// </summary>
    public async Task<Incident> RecordOperatorActionAsync(string id, IncidentChangeKind kind, string by, CancellationToken ct = default)
    {
        var incident = await GetAsync(id, ct);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var updated = kind switch
        {
            IncidentChangeKind.Acknowledged when incident.Status == IncidentStatus.Triggered
                => incident with { Status = IncidentStatus.Acknowledged, AcknowledgedAtMs = now, AcknowledgedBy = by },
            IncidentChangeKind.Resolved when incident.IsOpen
                => incident with { Status = IncidentStatus.Resolved, ResolvedAtMs = now, ResolvedBy = by, ResolvedWindowMs = incident.LastWindowMs, FiringNow = false },
            IncidentChangeKind.Acknowledged or IncidentChangeKind.Resolved => null,
            _ => throw new ArgumentException($"Operators acknowledge or resolve incidents, not {kind}.", nameof(kind)),
        };
        if (updated is null)
        {
            return incident;
        }

        await InsertAsync("incident_events", [EventRow(id, Operator, now, IncidentKinds.Name(kind), now, now, null, by, false, false, $"{IncidentKinds.Name(kind)} by {by}")], ct);
        await InsertAsync("incidents", [StateRow(updated, Version(999))], ct);
        return updated;
    }

    /// <summary>Operator actions recorded after <paramref name="sinceWallMs"/>, oldest first, for the running manager to apply.</summary>
    public async Task<IReadOnlyList<OperatorAction>> ReadOperatorActionsAsync(long sinceWallMs, CancellationToken ct = default)
    {
        var rows = await _connection.QueryJsonRowsAsync(
            $"SELECT incident_id, kind, actor, toString(toUnixTimestamp64Milli(wall_time)) AS wall_ms FROM {_database}.incident_events FINAL "
            + string.Create(CultureInfo.InvariantCulture, $"WHERE source = '{Operator}' AND toUnixTimestamp64Milli(wall_time) > {sinceWallMs} ORDER BY wall_time, incident_id"),
            ct);
        return [.. rows.Select(r => new OperatorAction(
            r.GetProperty("incident_id").GetString()!,
            r.GetProperty("kind").GetString() == "resolved" ? IncidentChangeKind.Resolved : IncidentChangeKind.Acknowledged,
            r.GetProperty("actor").GetString()!,
            Long(r, "wall_ms")))];
    }

    public Task AddSilenceAsync(Silence silence, CancellationToken ct = default)
        => InsertAsync("incident_silences", [SilenceRow(silence)], ct);

    /// <summary>Silences and maintenance windows that are not over yet.</summary>
    public async Task<IReadOnlyList<Silence>> ReadSilencesAsync(CancellationToken ct = default)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var rows = await _connection.QueryJsonRowsAsync(
            $"SELECT id, matchers, toString(toUnixTimestamp64Milli(starts_at)) AS starts_ms, toString(toUnixTimestamp64Milli(ends_at)) AS ends_ms, "
            + $"schedule, comment, created_by FROM {_database}.incident_silences FINAL "
            + string.Create(CultureInfo.InvariantCulture, $"WHERE toUnixTimestamp64Milli(ends_at) > {now} ORDER BY id"),
            ct);
        return [.. rows.Select(r =>
        {
            var schedule = r.GetProperty("schedule").GetString()!;
            return new Silence(
                r.GetProperty("id").GetString()!,
                r.GetProperty("matchers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal),
                Long(r, "starts_ms"),
                Long(r, "ends_ms"))
            {
                Schedule = schedule.Length == 0 ? null : MaintenanceSchedule.Parse(schedule),
                Comment = r.GetProperty("comment").GetString()!,
                CreatedBy = r.GetProperty("created_by").GetString()!,
            };
        })];
    }

    private async Task<List<Incident>> ReadIncidentsAsync(string where, CancellationToken ct)
    {
        var rows = await _connection.QueryJsonRowsAsync($"SELECT id, state FROM {_database}.incidents FINAL {where} ORDER BY id", ct);
        return [.. rows.Select(r => IncidentJson.Read(r.GetProperty("id").GetString()!, r.GetProperty("state").GetString()!))];
    }

    /// <summary>Later writes win: wall milliseconds, then the event number (the CLI's rows rank after the manager's of the same millisecond).</summary>
    private ulong Version(int seq) => ((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds() * 1000) + (ulong)Math.Min(seq, 999);

    private Task InsertAsync(string table, IEnumerable<Action<Utf8JsonWriter>> rows, CancellationToken ct)
        => _connection.InsertJsonRowsAsync($"{_database}.{table}", rows, (w, row) => row(w), ct);

    private static Action<Utf8JsonWriter> EventRow(
        string id, string source, long seq, string kind, long eventMs, long wallMs, long? windowMs, string actor, bool notified, bool muted, string detail) => w =>
    {
        w.WriteString("incident_id", id);
        w.WriteString("source", source);
        w.WriteNumber("seq", seq);
        w.WriteString("kind", kind);
        Time(w, "event_time", eventMs);
        Time(w, "wall_time", wallMs);
        Time(w, "window_start", windowMs);
        w.WriteString("actor", actor);
        w.WriteNumber("notified", notified ? 1 : 0);
        w.WriteNumber("muted", muted ? 1 : 0);
        w.WriteString("detail", detail);
    };

    private static Action<Utf8JsonWriter> StateRow(Incident i, ulong version) => w =>
    {
        w.WriteString("id", i.Id);
        w.WriteString("incident_key", i.Key);
        w.WriteString("rule", i.Rule);
        w.WriteString("severity", i.Severity.ToString());
        w.WriteString("metric", i.Metric);
        w.WriteString("slice", i.Slice.ToString());
        w.WriteString("title", i.Title);
        w.WriteString("status", i.Status.ToString().ToLowerInvariant());
        Time(w, "opened_at", i.OpenedAtMs);
        Time(w, "triggered_at", i.TriggeredAtMs);
        Time(w, "acknowledged_at", i.AcknowledgedAtMs);
        w.WriteString("acknowledged_by", i.AcknowledgedBy ?? "");
        Time(w, "resolved_at", i.ResolvedAtMs);
        w.WriteString("resolved_by", i.ResolvedBy ?? "");
        Time(w, "last_window", i.LastWindowMs);
        Number(w, "last_value", i.Value);
        Number(w, "baseline", i.Baseline);
        Number(w, "threshold", i.Threshold);
        w.WriteNumber("escalation_level", i.EscalationLevel);
        w.WriteNumber("notify_count", i.NotifyCount);
        w.WriteNumber("muted", i.Muted ? 1 : 0);
        w.WriteStartArray("symptoms");
        foreach (var s in i.Symptoms)
        {
            w.WriteStringValue(s);
        }

        w.WriteEndArray();
        w.WriteString("culprits", JsonSerializer.Serialize(i.Culprits, IncidentJson.Options));
        Map(w, "labels", i.Labels);
        Map(w, "annotations", i.Annotations);
        w.WriteString("state", IncidentJson.Write(i));
        w.WriteNumber("version", version);
    };

    private Action<Utf8JsonWriter> SilenceRow(Silence s) => w =>
    {
        w.WriteString("id", s.Id);
        Map(w, "matchers", s.Matchers);
        Time(w, "starts_at", s.StartsAtMs);
        Time(w, "ends_at", s.EndsAtMs);
        w.WriteString("schedule", s.Schedule?.ToString() ?? "");
        w.WriteString("comment", s.Comment);
        w.WriteString("created_by", s.CreatedBy);
        w.WriteNumber("is_deleted", 0);
        w.WriteNumber("version", Version(0));
    };

    private static void Map(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>DateTime64(3) columns take 'YYYY-MM-DD hh:mm:ss.fff' in UTC.</summary>
    private static void Time(Utf8JsonWriter w, string name, long? ms)
    {
        if (ms is { } value)
        {
            w.WriteString(name, EventTime.Format(value));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    // Cast to String in SQL: servers differ in whether they quote 64-bit integers in JSON.
    private static long Long(JsonElement row, string name)
        => long.Parse(row.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);
}
