using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// A restarted processor makes progress durable within seconds of getting its partitions, whatever
/// Processor:CheckpointInterval says: a crash loop shorter than the interval still moves forward.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class CheckpointCadenceTests : IClassFixture<MockKafkaFixture>
{
    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public CheckpointCadenceTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task Every_partition_is_checkpointed_past_its_start_long_before_the_interval()
    {
        const int Partitions = 3;
        var kafka = _kafka.CreatePipelineTopics(Partitions);
        var database = await _chdb.CreateQoeDatabaseAsync("checkpoint_cadence");
        PipelineHarness.Produce(kafka, SimulatedTraffic.Deliver(SimulatedTraffic.WithAllKnobs(seed: 5, sessions: 200, TimeSpan.FromMinutes(5)), Partitions));

        // An interval the test never reaches: only the first checkpoint after assignment can show.
        var options = new ProcessorOptions { Workers = 2, CheckpointInterval = TimeSpan.FromMinutes(10) };
        var host = ProcessorHost.ForClickHouse(kafka, options, new SinkOptions { Database = database, FlushInterval = TimeSpan.FromMilliseconds(200) }, _chdb.Connection, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var run = host.RunAsync(stop.Token);

        // Each partition checkpointed past where it started, and those offsets committed: what a
        // crash now would resume from. Polled until then, or 30 s, a twentieth of the interval.
        var sql = $"SELECT count(DISTINCT source_partition) FROM {database}.processor_checkpoints WHERE next_offset > 0";
        var started = TimeProvider.System.GetTimestamp();
        long checkpointed = 0;
        while (TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30) && !run.IsCompleted)
        {
            checkpointed = await _chdb.Connection.QueryScalarAsync<long>(sql);
            if (checkpointed == Partitions && host.Status.Commits > 0)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.False(run.IsCompleted, "the processor stopped on its own");
        Assert.True(checkpointed == Partitions, $"{checkpointed} of {Partitions} partitions checkpointed within 30 s of the start");
        Assert.True(host.Status.Commits > 0, "no offset committed within 30 s of the start");
        await stop.CancelAsync();
        await run;
    }
}
