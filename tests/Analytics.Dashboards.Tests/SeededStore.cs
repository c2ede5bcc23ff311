using System.Text.Json;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Pipeline.Replay;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Dashboards.Tests;

/// <summary>
/// chDB with the QoE schema in the <c>analytics</c> database (the dashboards' default), holding a few
/// minutes of simulated traffic run through the real processor over the mock Kafka, plus two incidents (one open) and a CDN steering decision.
/// </summary>
public sealed class SeededStore : IAsyncLifetime
{
    public const string Database = "analytics";
    private const int Partitions = 4;

    // chDB keeps one storage path per process: one for the whole assembly.
    private static readonly string DataPath = Path.Combine(Path.GetTempPath(), $"analytics-dashboards-chdb-{Environment.ProcessId}");

    internal ChDbConnection Connection { get; private set; } = null!;

    /// <summary>The first and last 10 s windows seeded, as the dashboards' time range.</summary>
    public DateTimeOffset From { get; private set; }

    public DateTimeOffset To { get; private set; }

    public async Task InitializeAsync()
    {
        Connection = await ChDbConnection.OpenAsync(new ChDbOptions { Path = DataPath });
        await Connection.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await new SchemaMigrator(Connection).MigrateAsync(Database, QoeTables.Migrations);
        await ProcessAsync();
        await RollUpAsync();
        (From, To) = await SeededRangeAsync();
        await SeedIncidentsAsync();
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    // The real processor over the mock Kafka, bounded: QoE rows, progress and pipeline_health, whose
    // samples are stamped by a clock set to the seeded traffic's time so they fall in the same range.
    private async Task ProcessAsync()
    {
        var start = SimulatedTraffic.RecentStartMs + (19 * 3_600_000L);
        var simulation = new SimulatorOptions
        {
            Seed = 11,
            StartTimeMs = start,
            ConcurrentSessions = 400,
            Duration = TimeSpan.FromMinutes(4),
            // Some of every kind of bad beacon, for the pipeline health panels.
            OutOfOrderFraction = 0.02,
            LateFraction = 0.005,
            TooLateFraction = 0.002,
            DuplicateFraction = 0.005,
            MalformedFraction = 0.005,
        };
        using var cluster = new MockKafkaCluster(brokerCount: 1);
        var kafka = new KafkaOptions
        {
            BootstrapServers = cluster.Bootstrap,
            Topic = "beacons",
            DeadLetterTopic = "beacons-dlq",
            GroupId = "dashboards-test",
            SessionTimeout = TimeSpan.FromSeconds(3),
        }.Validate();
        cluster.CreateTopic(kafka.Topic, Partitions);
        cluster.CreateTopic(kafka.DeadLetterTopic, 1);
        var count = TopicWriter.Produce(kafka, TrafficGenerator.Generate(simulation)
            .Select(m => new TopicMessage(ReplayPipeline.PartitionOf(m.Key, Partitions), m.Key, m.Value, m.DeliveryTimeMs)));
        if (count < 1000)
        {
            throw new InvalidOperationException($"only {count} beacons seeded");
        }

        var clock = new ShiftedTime(DateTimeOffset.FromUnixTimeMilliseconds(start + 120_000));
        var options = new ProcessorOptions { Workers = 2, CheckpointInterval = TimeSpan.FromSeconds(1), HealthInterval = TimeSpan.FromSeconds(1), InstanceId = "dashboards-test" };
        var host = ProcessorHost.ForClickHouse(kafka, options, new SinkOptions { Database = Database, FlushInterval = TimeSpan.FromMilliseconds(200) }, Connection, clock, NullLogger.Instance, stopAtEnd: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await host.RunAsync(timeout.Token);
    }

    // The hourly rollups, then the daily ones from them, now rather than at their next refresh.
    private async Task RollUpAsync()
    {
        foreach (var grain in new[] { "1h", "1d" })
        {
            foreach (var cube in new[] { "delivery", "client", "content" })
            {
                await Connection.ExecuteAsync($"SYSTEM REFRESH VIEW {Database}.qoe_{cube}_{grain}_mv");
                await Connection.ExecuteAsync($"SYSTEM WAIT VIEW {Database}.qoe_{cube}_{grain}_mv");
            }
        }
    }

    // The simulator opens no incidents: a resolved P0 and an open P1 inside the seeded range, with their
    // history, give the incident panels rows to return.
    private async Task SeedIncidentsAsync()
    {
        var t0 = From.ToUnixTimeMilliseconds();
        string At(int seconds) => $"fromUnixTimestamp64Milli({t0 + (seconds * 1000L)})";
        await Connection.ExecuteAsync(
            $$"""
            INSERT INTO {{Database}}.incidents (id, incident_key, rule, severity, metric, slice, title, status,
                opened_at, triggered_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, last_window, version)
            VALUES
                ('seeded-1', 'PopStartFailures/pop=iad-1', 'PopStartFailures', 'P0', 'vsf_rate', '{"pop":"iad-1"}', 'VSF at POP iad-1', 'resolved',
                 {{At(60)}}, {{At(60)}}, {{At(180)}}, 'noc', {{At(420)}}, 'noc', {{At(400)}}, 1),
                ('seeded-2', 'RegionRebuffering/region=eu', 'RegionRebuffering', 'P1', 'rebuffering_ratio', '{"region":"eu"}', 'Rebuffering in eu', 'triggered',
                 {{At(90)}}, {{At(90)}}, NULL, '', NULL, '', {{At(90)}}, 1)
            """);
        await Connection.ExecuteAsync(
            $$"""
            INSERT INTO {{Database}}.incident_events (incident_id, source, seq, kind, event_time, wall_time, actor, notified, muted, detail)
            VALUES
                ('seeded-1', 'manager', 1, 'opened', {{At(60)}}, {{At(60)}}, 'alerting', 1, 0, 'opened'),
                ('seeded-1', 'operator', 2, 'acknowledged', {{At(180)}}, {{At(180)}}, 'noc', 0, 0, 'acknowledged by noc'),
                ('seeded-1', 'operator', 3, 'resolved', {{At(420)}}, {{At(420)}}, 'noc', 0, 0, 'resolved by noc'),
                ('seeded-2', 'manager', 1, 'opened', {{At(90)}}, {{At(90)}}, 'alerting', 1, 0, 'opened')
            """);

        // The P0 at iad-1 steered a share of the POP away (a dry run, as the demo runs): the steering annotation.
        await Connection.ExecuteAsync(
            $$$"""
            INSERT INTO {{{Database}}}.incident_actions (decision_id, incident_id, seq, rule, severity, action, target, decision, reason, params, steered_share, at)
            VALUES
                ('seeded-steer-1', 'seeded-1', 1, 'PopStartFailures', 'P0', 'cdn_steer', 'cdn=oca,pop=iad-1', 'dry_run',
                 'PopStartFailures (P0): VSF at POP iad-1', '{"percent":30,"to":{"cdn":"akamai"}}', 0.3, {{{At(65)}}})
            """);
    }

    private async Task<(DateTimeOffset, DateTimeOffset)> SeededRangeAsync()
    {
        var output = await Connection.QueryAsync(
            $"SELECT toUnixTimestamp(min(window_start)) AS lo, toUnixTimestamp(max(window_start)) + 10 AS hi FROM {Database}.qoe_delivery_10s",
            "JSONEachRow");
        using var row = JsonDocument.Parse(output);
        var lo = row.RootElement.GetProperty("lo").GetInt64();
        var hi = row.RootElement.GetProperty("hi").GetInt64();
        if (lo == 0)
        {
            throw new InvalidOperationException("no 10 s windows seeded");
        }

        return (DateTimeOffset.FromUnixTimeSeconds(lo), DateTimeOffset.FromUnixTimeSeconds(hi));
    }
}

[CollectionDefinition(Name)]
public sealed class SeededStoreCollection : ICollectionFixture<SeededStore>
{
    public const string Name = "seeded chDB";
}

/// <summary>The system clock, moved to start at another moment.</summary>
internal sealed class ShiftedTime(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _shift = start - TimeProvider.System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _shift;
}
