using System.Globalization;
using Analytics.Alerts.Metrics;
using Analytics.Processors.ClickHouse;

namespace Analytics.Alerts.Actions;

/// <summary>A POP's (or CDN's) share of all traffic in one window, or why it could not be read.</summary>
internal sealed record TrafficShare(double? Share, string Why)
{
    public static TrafficShare Unknown(string why) => new(null, why);
}

/// <summary>
/// Reads the share of all traffic a steering source carries, from the delivery cube's view of the incident's
/// window: the source's attempts over everyone's. Attempts, not plays: a failing POP loses plays while its
/// viewers still arrive there, and steering moves arrivals. No guess is ever made: no rows, no traffic or a
/// failed query is an unknown share, which the blast-radius guardrail refuses.
/// </summary>
internal sealed class TrafficShareReader
{
    private readonly IClickHouseConnection _connection;
    private readonly string _database;

    public TrafficShareReader(IClickHouseConnection connection, string database)
    {
        ClickHouseSql.RequireDatabase(database);
        _connection = connection;
        _database = database;
    }

    /// <summary>The share of <paramref name="source"/> (its <c>cdn</c> and/or <c>pop</c>) in the window.</summary>
    public async Task<TrafficShare> ReadAsync(SteeringPoint source, long windowStartMs, long windowMs, CancellationToken ct)
    {
        var cube = Cubes.CubeFor(["cdn", "pop"], windowMs) ?? Cubes.CubeFor(["cdn", "pop"]);
        if (cube is null)
        {
            return TrafficShare.Unknown("no table has POPs and CDNs");
        }

        var table = $"{_database}.{cube.Table(cube.WindowsMs.Contains(windowMs) ? windowMs : cube.WindowsMs.Max())}_v";
        var filter = string.Join(" AND ", new[] { ("cdn", source.Cdn), ("pop", source.Pop) }.Where(d => d.Item2 is not null).Select(d => $"{d.Item1} = {ClickHouseSql.Quote(d.Item2!)}"));
        var window = string.Create(CultureInfo.InvariantCulture, $"window_start = toDateTime({windowStartMs / 1000}, 'UTC')");
        double total, part;
        try
        {
            var rows = await _connection.QueryJsonRowsAsync(
                $"SELECT toFloat64(sum(attempts)) AS total, toFloat64(sumIf(attempts, {filter})) AS part FROM {table} WHERE {window}", ct);
            if (rows.Count == 0)
            {
                return TrafficShare.Unknown($"no traffic recorded in {table} for the window");
            }

            total = rows[0].GetProperty("total").GetDouble();
            part = rows[0].GetProperty("part").GetDouble();
        }
        catch (ClickHouseException ex)
        {
            return TrafficShare.Unknown($"the share of traffic could not be read ({Short(ex.Message)})");
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(windowStartMs).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture);
        return total <= 0
            ? TrafficShare.Unknown($"no traffic recorded in the window of {at}")
            : new TrafficShare(part / total, string.Create(CultureInfo.InvariantCulture, $"{source} carried {part / total:P1} of attempts at {at}"));
    }

    private static string Short(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length <= 120 ? line : string.Concat(line.AsSpan(0, 119), "…");
    }
}
