using Analytics.Ingest.Events;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Testing;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// A beacon can never inject SQL: dimension values written as SQL, quoting and placeholders go
/// through the real pipeline into chDB and come back verbatim, and every table is still there.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class HostileDimensionTests : IClassFixture<MockKafkaFixture>
{
    // Recent: the tables' TTLs would drop older rows.
    private static readonly long T0 = SimulatedTraffic.RecentStartMs;

    private static readonly string[] Hostile =
    [
        "x'); DROP TABLE qoe_sessions; --",
        "\\'; TRUNCATE TABLE qoe_delivery_1m; --",
        "` OR 1=1 --",
        "{database}.processor_checkpoints",
        "\"; SYSTEM SHUTDOWN; \"",
        "$__timeFilter(window_start)",
        "line\nbreak\ttab",
    ];

    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public HostileDimensionTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task Dimension_values_written_as_sql_are_stored_verbatim_and_run_nothing()
    {
        var kafka = _kafka.CreatePipelineTopics(1);
        var database = await _chdb.CreateQoeDatabaseAsync("hostile_dimensions");
        var tablesBefore = await _chdb.Connection.QueryScalarAsync<long>($"SELECT count() FROM system.tables WHERE database = '{database}'");

        var messages = new List<DeliveredMessage>();
        foreach (var (value, i) in Hostile.Select((v, i) => (v, i)))
        {
            var session = $"hostile-{i}";
            var t = T0 + (i * 1_000);
            foreach (var b in new[] { Beacons.Make(session, EventType.PlayRequest, t), Beacons.Make(session, EventType.FirstFrame, t + 500), Beacons.Make(session, EventType.End, t + 5_000) })
            {
                var hostile = b with { Cdn = value, Pop = value, TitleId = value };
                messages.Add(new DeliveredMessage(0, hostile.TimestampMs, System.Text.Encoding.UTF8.GetBytes(session), Beacons.Encode(hostile), hostile));
            }
        }

        // Later traffic moves the watermark past the hostile sessions' windows.
        messages.Add(new DeliveredMessage(0, T0 + 600_000, "later"u8.ToArray(), Beacons.Encode(Beacons.Make("later", EventType.PlayRequest, T0 + 600_000)), null));
        PipelineHarness.Produce(kafka, messages);
        var status = await PipelineHarness.RunBoundedAsync(kafka, new ProcessorOptions { Workers = 1 }, database, _chdb.Connection);

        Assert.Equal(0, status.Invalid);
        Assert.Equal(tablesBefore, await _chdb.Connection.QueryScalarAsync<long>($"SELECT count() FROM system.tables WHERE database = '{database}'"));
        var rows = await _chdb.Connection.QueryJsonRowsAsync($"SELECT DISTINCT cdn, pop FROM {database}.qoe_delivery_1m FINAL WHERE cdn != 'oca'");
        Assert.Equal(Hostile.Order(StringComparer.Ordinal), rows.Select(r => r.GetProperty("cdn").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(r.GetProperty("cdn").GetString(), r.GetProperty("pop").GetString()));
        var titles = await _chdb.Connection.QueryJsonRowsAsync($"SELECT DISTINCT title_id FROM {database}.qoe_sessions FINAL WHERE title_id != 't000001'");
        Assert.Equal(Hostile.Order(StringComparer.Ordinal), titles.Select(r => r.GetProperty("title_id").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(Hostile.Length, await _chdb.Connection.QueryScalarAsync<long>($"SELECT count() FROM {database}.qoe_sessions FINAL WHERE session_id LIKE 'hostile-%'"));
    }
}
