using System.Globalization;
using System.Text.Json;
using Analytics.Processors.ClickHouse;

namespace Analytics.Noc.Snapshots;

/// <summary>Open incidents from the alerting layer's <c>incidents</c> table (the newest version of each, hence FINAL).</summary>
internal sealed class IncidentQueries(IClickHouseConnection connection, string database, TimeProvider time)
{
    public async Task<IncidentSummary> OpenAsync(int limit, CancellationToken ct)
    {
        var counts = await connection.QueryJsonRowsAsync(
            $"SELECT severity, toInt64(count()) AS n FROM {database}.incidents FINAL WHERE status != 'resolved' GROUP BY severity ORDER BY severity", ct);
        var rows = await connection.QueryJsonRowsAsync(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT id, severity, status, title, slice, culprits, toInt64(toUnixTimestamp64Milli(triggered_at)) AS triggered_ms
            FROM {database}.incidents FINAL
            WHERE status != 'resolved'
            ORDER BY severity, triggered_at
            LIMIT {limit}
            """), ct);
        var now = time.GetUtcNow();
        return new IncidentSummary(
            counts.ToDictionary(r => r.GetProperty("severity").GetString()!, r => (int)r.GetProperty("n").GetInt64Quoted(), StringComparer.Ordinal),
            [.. rows.Select(r =>
            {
                var triggered = DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("triggered_ms").GetInt64Quoted());
                return new OpenIncident(
                    r.GetProperty("id").GetString()!,
                    r.GetProperty("severity").GetString()!,
                    r.GetProperty("status").GetString()!,
                    r.GetProperty("title").GetString()!,
                    SliceText(r.GetProperty("slice").GetString()!),
                    Culprit(r.GetProperty("culprits").GetString()!),
                    triggered,
                    Math.Max(0, (long)(now - triggered).TotalSeconds));
            })]);
    }

    /// <summary>A slice as "pop=iad-1, cdn=oca"; the alerting layer writes that text, older rows wrote a JSON object.</summary>
    internal static string SliceText(string slice)
    {
        if (!slice.StartsWith('{'))
        {
            return slice.Length == 0 ? "global" : slice;
        }

        try
        {
            using var json = JsonDocument.Parse(slice);
            var parts = json.RootElement.EnumerateObject().Select(p => $"{p.Name}={p.Value}").ToList();
            return parts.Count == 0 ? "global" : string.Join(", ", parts);
        }
        catch (JsonException)
        {
            return slice;
        }
    }

    /// <summary>The first (largest) culprit of the root-cause localisation, or null when it found none.</summary>
    internal static string? Culprit(string culprits)
    {
        if (string.IsNullOrWhiteSpace(culprits))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(culprits);
            if (json.RootElement.ValueKind != JsonValueKind.Array || json.RootElement.GetArrayLength() == 0)
            {
                return null;
            }

            var first = json.RootElement[0];
            var slice = first.EnumerateObject().FirstOrDefault(p => p.Name.Equals("slice", StringComparison.OrdinalIgnoreCase)).Value;
            var share = first.EnumerateObject().FirstOrDefault(p => p.Name.Replace("_", string.Empty, StringComparison.Ordinal).Equals("sharepercent", StringComparison.OrdinalIgnoreCase)).Value;
            var text = slice.ValueKind == JsonValueKind.String ? SliceText(slice.GetString()!) : slice.ValueKind == JsonValueKind.Object ? SliceText(slice.GetRawText()) : null;
            return text is null ? null
                : share.ValueKind == JsonValueKind.Number ? string.Create(CultureInfo.InvariantCulture, $"{text} ({share.GetDouble():0}% of it)") : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
