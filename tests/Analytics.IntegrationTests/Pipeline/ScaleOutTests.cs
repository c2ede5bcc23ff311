using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Analytics.Testing.Reference;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// Scale-out as docker-compose.scale.yml runs it (docs/scale-out.md), on what runs here: two processor
/// instances in one consumer group over the mock Kafka cluster, writing to one store. The group splits the
/// partitions between them; each partition is processed by one instance at a time and handed over through
/// its checkpoint, so the rows equal the reference model exactly, as with one instance.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class ScaleOutTests : IClassFixture<MockKafkaFixture>
{
    private const int Partitions = 6;

    private static readonly ProcessorOptions Options = new()
    {
        Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)],
        Workers = 2,
        CheckpointInterval = TimeSpan.FromSeconds(1),
    };

    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public ScaleOutTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task Two_instances_in_one_consumer_group_split_the_partitions_and_write_exactly_the_reference_rows()
    {
        var simulation = SimulatedTraffic.WithAllKnobs(seed: 1107, sessions: 200, TimeSpan.FromMinutes(6));
        var messages = SimulatedTraffic.Deliver(simulation, Partitions);
        var kafka = _kafka.CreatePipelineTopics(Partitions);
        var database = await _chdb.CreateQoeDatabaseAsync("scale_out");
        PipelineHarness.Produce(kafka, messages);

        // Live, as in production: both join the group, which splits the partitions, and together consume everything.
        var a = Instance(kafka, database, "processor-1", bounded: false);
        var b = Instance(kafka, database, "processor-2", bounded: false);
        using (var stop = new CancellationTokenSource())
        {
            var runs = new[] { a.RunAsync(stop.Token), b.RunAsync(stop.Token) };
            var split = false;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
            while (DateTime.UtcNow < deadline && !runs.Any(r => r.IsCompleted))
            {
                var (sa, sb) = (a.Status, b.Status);
                split |= sa.Partitions > 0 && sb.Partitions > 0 && sa.Partitions + sb.Partitions == Partitions;
                if (split && sa.Messages + sb.Messages >= messages.Count)
                {
                    break;
                }

                await Task.Delay(50);
            }

            Assert.True(split, $"the group never split the partitions: {a.Status.Partitions} and {b.Status.Partitions}");
            Assert.Equal(messages.Count, a.Status.Messages + b.Status.Messages);
            Assert.True(a.Status.Messages > 0 || b.Status.Messages > 0);

            // Ctrl-C for both: each checkpoints its partitions and commits.
            await stop.CancelAsync();
            await Task.WhenAll(runs);
        }

        // Both again, bounded: the windows still open are closed from the checkpoints, whoever wrote them.
        var a2 = Instance(kafka, database, "processor-1", bounded: true);
        var b2 = Instance(kafka, database, "processor-2", bounded: true);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40)))
        {
            await Task.WhenAll(a2.RunAsync(timeout.Token), b2.RunAsync(timeout.Token));
            Assert.False(timeout.IsCancellationRequested, "the bounded runs did not reach the end of the topic in time");
        }

        var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options));
        var stored = await PipelineHarness.ReadFactsAsync(_chdb.Connection, database, Options);
        var problems = RowComparer.Compare(expected.Rows, stored.ToDictionary(kv => kv.Key, kv => kv.Value.Acc));
        Assert.True(problems.Count == 0, $"stored {stored.Count} rows, expected {expected.Rows.Count}\n" + string.Join('\n', problems));

        // Every partition's rows and progress are there once, whichever instance wrote them last.
        var late = await _chdb.Connection.QueryScalarAsync<long>($"SELECT count() FROM {database}.late_events FINAL");
        Assert.Equal(expected.TooLate, late);
        var partitions = await _chdb.Connection.QueryScalarAsync<long>($"SELECT count() FROM {database}.pipeline_progress FINAL WHERE consumer_group = {ClickHouseSql.Quote(kafka.GroupId)}");
        Assert.Equal(Partitions, partitions);
        var instances = await _chdb.Connection.QueryScalarAsync<string>($"SELECT arrayStringConcat(arraySort(groupUniqArray(instance)), ',') FROM {database}.pipeline_progress");
        Assert.Equal("processor-1,processor-2", instances);
    }

    private ProcessorHost Instance(KafkaOptions kafka, string database, string instance, bool bounded)
        => ProcessorHost.ForClickHouse(
            kafka,
            Options with { InstanceId = instance },
            new SinkOptions { Database = database, FlushInterval = TimeSpan.FromMilliseconds(200) },
            _chdb.Connection,
            TimeProvider.System,
            NullLogger.Instance,
            stopAtEnd: bounded);
}
