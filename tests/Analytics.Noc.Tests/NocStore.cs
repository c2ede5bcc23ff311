using Analytics.Ingest.Simulator;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Pipeline.Replay;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Noc.Tests;

/// <summary>
/// One chDB for the assembly with three databases: <see cref="Seeded"/> (a few minutes of simulated traffic replayed
/// through the real pipeline, plus one open and one resolved incident, and no pipeline_health rows),
/// <see cref="Empty"/> (migrated, nothing written) and <see cref="Health"/> (only the rows a test writes).
/// </summary>
public sealed class NocStore : IAsyncLifetime
{
    public const string Seeded = "noc_seeded";
    public const string Empty = "noc_empty";
    public const string Health = "noc_health";
    public const int Partitions = 3;

    // chDB keeps one storage path per process.
    private static readonly string DataPath = Path.Combine(Path.GetTempPath(), $"analytics-noc-chdb-{Environment.ProcessId}");

    internal ChDbConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Connection = await ChDbConnection.OpenAsync(new ChDbOptions { Path = DataPath });
        foreach (var database in new[] { Seeded, Empty, Health })
        {
            await Connection.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {database}");
            await new SchemaMigrator(Connection).MigrateAsync(database, QoeTables.Migrations);
        }

        var simulation = new SimulatorOptions
        {
            Seed = 7,
            StartTimeMs = SimulatedTraffic.RecentStartMs + (20 * 3_600_000L),
            ConcurrentSessions = 300,
            Duration = TimeSpan.FromMinutes(4),
        };
        var messages = TrafficGenerator.Generate(simulation)
            .Select(m => new ReplayMessage(ReplayPipeline.PartitionOf(m.Key, Partitions), m.Key, m.Value, m.DeliveryTimeMs));
        await ReplayPipeline.IntoClickHouseAsync(
            messages, new ProcessorOptions { Workers = 2 }, Connection, Seeded, "test/noc", Partitions, "noc-test", null, NullLogger.Instance, CancellationToken.None);
        await Connection.ExecuteAsync(
            $$"""
            INSERT INTO {{Seeded}}.incidents (id, incident_key, rule, severity, metric, slice, title, status, opened_at, triggered_at, culprits, last_window, version)
            VALUES
                ('open-1', 'PopStartFailures/pop=iad-2', 'PopStartFailures', 'P1', 'vsf_rate', 'pop=iad-2', 'VSF at POP iad-2', 'triggered',
                 now64(3) - INTERVAL 5 MINUTE, now64(3) - INTERVAL 5 MINUTE, '[{"slice":"pop=iad-2,isp=Comcast","share_percent":84.2}]', now64(3), 1),
                ('done-1', 'RegionRebuffering/region=eu', 'RegionRebuffering', 'P0', 'rebuffering_ratio', 'region=eu', 'Rebuffering in eu', 'resolved',
                 now64(3) - INTERVAL 9 MINUTE, now64(3) - INTERVAL 9 MINUTE, '[]', now64(3), 1)
            """);
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
}

[CollectionDefinition(Name)]
public sealed class NocStoreCollection : ICollectionFixture<NocStore>
{
    public const string Name = "NOC chDB";
}
