using System.Text.Json;
using Analytics.Alerts.Rules;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;

namespace Analytics.Alerts.Actions;

/// <summary>One annotation the dashboards show: a point in time (or a span) with tags and a text.</summary>
internal sealed record ActionAnnotation(string Id, long TimeMs, long TimeEndMs, string IncidentId, Severity Severity, IReadOnlyList<string> Tags, string Text);

/// <summary>Writes the <c>annotations</c> table (migration 0005) that Grafana's annotation queries read.</summary>
internal sealed class AnnotationWriter
{
    private readonly IClickHouseConnection _connection;
    private readonly string _table;

    public AnnotationWriter(IClickHouseConnection connection, string database)
    {
        ClickHouseSql.RequireDatabase(database);
        _connection = connection;
        _table = $"{database}.annotations";
    }

    /// <summary>Writes one annotation; its id (the decision id) makes a second write of it harmless.</summary>
    public Task WriteAsync(ActionAnnotation a, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", a.Id);
            w.WriteString("time", EventTime.Format(a.TimeMs));
            w.WriteString("time_end", EventTime.Format(a.TimeEndMs));
            w.WriteString("incident_id", a.IncidentId);
            w.WriteString("severity", a.Severity.ToString());
            w.WriteStartArray("tags");
            foreach (var tag in a.Tags)
            {
                w.WriteStringValue(tag);
            }

            w.WriteEndArray();
            w.WriteString("text", a.Text);
            w.WriteEndObject();
        }

        return _connection.InsertAsync(_table, "JSONEachRow", buffer.ToArray(), ct);
    }

    /// <summary>An incident's annotations, oldest first (for tests and <c>incidents show</c>).</summary>
    public async Task<IReadOnlyList<ActionAnnotation>> ForIncidentAsync(string incidentId, CancellationToken ct)
    {
        var rows = await _connection.QueryJsonRowsAsync(
            $"""
            SELECT id, toInt64(toUnixTimestamp64Milli(time)) AS t, toInt64(toUnixTimestamp64Milli(time_end)) AS te, incident_id, severity, tags, text
            FROM {_table} FINAL WHERE incident_id = {ClickHouseSql.Quote(incidentId)} ORDER BY time, id
            """, ct);
        return [.. rows.Select(r => new ActionAnnotation(
            r.GetProperty("id").GetString()!,
            r.GetProperty("t").GetInt64Quoted(),
            r.GetProperty("te").GetInt64Quoted(),
            r.GetProperty("incident_id").GetString()!,
            Severities.TryParse(r.GetProperty("severity").GetString()!, out var s) ? s : Severity.P3,
            [.. r.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)],
            r.GetProperty("text").GetString()!))];
    }
}
