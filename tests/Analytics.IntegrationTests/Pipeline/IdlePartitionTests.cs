using Analytics.Ingest.Events;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// A partition that stops receiving messages must not hold its windows open forever: after the idle
/// timeout it follows the other partitions' event time. The host's clock is a manual one, so the test
/// decides when the timeout has passed.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class IdlePartitionTests : IClassFixture<MockKafkaFixture>
{
    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public IdlePartitionTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task An_idle_partition_follows_the_active_ones_so_its_last_windows_are_written()
    {
        var t0 = SimulatedTraffic.RecentStartMs;
        var kafka = _kafka.CreatePipelineTopics(partitions: 2);
        var db = await _chdb.CreateQoeDatabaseAsync("idle_partitions");
        var clock = new ManualTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(t0));
        var options = new ProcessorOptions { IdleTimeout = TimeSpan.FromSeconds(30), Workers = 1 };
        var host = ProcessorHost.ForClickHouse(kafka, options, new SinkOptions { Database = db }, _chdb.Connection, clock, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);

        // Partition 1 plays 0–30 s, then goes quiet; partition 0 plays for a minute.
        PipelineHarness.Produce(kafka, Session("quiet", partition: 1, t0, seconds: 30).Concat(Session("busy", partition: 0, t0, seconds: 60)));
        await ConsumedAsync(host, 5 + 8);
        Assert.Equal(0, await RowsOfPartitionAsync(db, 1, t0 + 20_000));

        // The busy partition moves on; 20 s + 15 s later the quiet one has been idle for more than 30 s.
        clock.Advance(TimeSpan.FromSeconds(20));
        PipelineHarness.Produce(kafka, Session("busier", partition: 0, t0 + 60_000, seconds: 240));
        await ConsumedAsync(host, 13 + 26);
        Assert.Equal(0, await RowsOfPartitionAsync(db, 1, t0 + 20_000));
        clock.Advance(TimeSpan.FromSeconds(15));

        // The quiet partition's last 10 s window (20–30 s) is written without any new message of its own.
        await EventuallyAsync(async () => await RowsOfPartitionAsync(db, 1, t0 + 20_000) > 0, clock);
        await stop.CancelAsync();
        await run;
    }

    private static IEnumerable<DeliveredMessage> Session(string id, int partition, long start, int seconds)
    {
        var beacons = new List<PlaybackBeacon> { Beacons.Make(id, EventType.PlayRequest, start), Beacons.Make(id, EventType.FirstFrame, start + 1_000) };
        for (var s = 10; s <= seconds; s += 10)
        {
            beacons.Add(Beacons.Make(id, EventType.Heartbeat, start + (s * 1_000)));
        }

        return beacons.Select(b => new DeliveredMessage(partition, b.TimestampMs, System.Text.Encoding.UTF8.GetBytes(id), Beacons.Encode(b), b));
    }

    private Task<long> RowsOfPartitionAsync(string db, int partition, long windowStart)
        => _chdb.Connection.QueryScalarAsync<long>(
            $"SELECT count() FROM {db}.qoe_delivery_10s FINAL WHERE source_partition = {partition} AND toUnixTimestamp(window_start) * 1000 = {windowStart}");

    /// <summary>Waits for the processor to have read messages from Kafka (real I/O, not a window).</summary>
    private static async Task ConsumedAsync(ProcessorHost host, long messages)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (host.Status.Messages < messages && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(messages, host.Status.Messages);
    }

    /// <summary>Polls for an outcome while nudging the manual clock, so the host's ticks and flushes run.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> condition, ManualTimeProvider clock)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the idle partition's window was never written");
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }
    }
}
