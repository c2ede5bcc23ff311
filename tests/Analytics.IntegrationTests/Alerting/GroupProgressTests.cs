using Analytics.IntegrationTests.Fixtures;
using Analytics.IntegrationTests.Pipeline;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Progress;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Alerting;

/// <summary>
/// Two processor instances in one consumer group: each records the progress of the partitions it
/// owns, and the group's low watermark covers every partition, whichever instance owns it.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class GroupProgressTests : IClassFixture<MockKafkaFixture>
{
    private const int Partitions = 4;
    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public GroupProgressTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    private IClickHouseConnection Db => _chdb.Connection;

    [Fact]
    public async Task Two_instances_share_the_partitions_and_the_group_is_final_only_where_every_partition_is()
    {
        var simulation = SimulatedTraffic.WithAllKnobs(seed: 21, sessions: 120, TimeSpan.FromMinutes(8));
        var messages = SimulatedTraffic.Deliver(simulation, Partitions);
        var kafka = _kafka.CreatePipelineTopics(Partitions);
        var db = await _chdb.CreateQoeDatabaseAsync("two_instances");
        PipelineHarness.Produce(kafka, messages);
        var hosts = new[] { "instance-a", "instance-b" }
            .Select(id => ProcessorHost.ForClickHouse(kafka, new ProcessorOptions { Workers = 1, InstanceId = id, CheckpointInterval = TimeSpan.FromSeconds(2) }, new SinkOptions { Database = db, FlushInterval = TimeSpan.FromMilliseconds(200) }, Db, TimeProvider.System, NullLogger.Instance))
            .ToList();
        using var stop = new CancellationTokenSource();
        var runs = hosts.Select(h => h.RunAsync(stop.Token)).ToList();

        var store = new ProgressStore(Db, db, kafka.GroupId, "reader", TimeProvider.System);
        var wanted = simulation.StartTimeMs!.Value + TimeSpan.FromMinutes(4).Ticks / TimeSpan.TicksPerMillisecond;
        GroupProgress? progress = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline && runs.All(r => !r.IsCompleted))
        {
            progress = await store.ReadGroupAsync(CancellationToken.None);
            var instances = await Db.QueryScalarAsync<long>($"SELECT uniqExact(instance) FROM {db}.pipeline_progress");
            if (progress is { Complete: true } p && p.FinalThroughMs >= wanted && instances == 2)
            {
                break;
            }

            await Task.Delay(200);
        }

        await stop.CancelAsync();
        await Task.WhenAll(runs);

        Assert.NotNull(progress);
        Assert.True(progress.Complete, $"silent partitions: {string.Join(", ", progress.Silent)}");
        Assert.True(progress.FinalThroughMs >= wanted, $"final through {progress.FinalThroughMs}, wanted {wanted}");
        Assert.Equal(2, await Db.QueryScalarAsync<long>($"SELECT uniqExact(instance) FROM {db}.pipeline_progress FINAL"));

        // The group's boundary is the slowest partition's latest record, whichever instance wrote it.
        var after = await store.ReadGroupAsync(CancellationToken.None);
        var slowest = await Db.QueryScalarAsync<long>($"""
            SELECT min(f) FROM (SELECT source_partition, argMax(toUnixTimestamp64Milli(final_through), updated_at) AS f
                                FROM {db}.pipeline_progress GROUP BY source_partition)
            """);
        Assert.Equal(slowest, after!.FinalThroughMs);
    }
}
