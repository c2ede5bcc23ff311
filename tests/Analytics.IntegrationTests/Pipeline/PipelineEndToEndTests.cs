using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Analytics.Testing.Reference;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// The whole pipeline over real components: the seeded simulator's traffic (out-of-order, late,
/// too-late, duplicate and malformed messages included) goes through the mock Kafka cluster over TCP,
/// the processor, and chDB. What ClickHouse returns must equal the batch reference model computed over
/// the same messages: exactly for counts and sums, within the sketch's bound for percentiles.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class PipelineEndToEndTests : IClassFixture<MockKafkaFixture>
{
    private static readonly ProcessorOptions Options = new()
    {
        Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)],
        Workers = 2,
        CheckpointInterval = TimeSpan.FromSeconds(1),
    };

    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public PipelineEndToEndTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task ClickHouse_holds_what_the_reference_model_computes_and_every_bad_message_is_dead_lettered()
    {
        const int Partitions = 3;
        var simulation = SimulatedTraffic.WithAllKnobs(seed: 2026, sessions: 250, TimeSpan.FromMinutes(8));
        var truth = TrafficGenerator.Generate(simulation).ToList();
        var messages = SimulatedTraffic.Deliver(simulation, Partitions);
        var kafka = _kafka.CreatePipelineTopics(Partitions);
        var database = await _chdb.CreateQoeDatabaseAsync("e2e_reference");

        PipelineHarness.Produce(kafka, messages);
        var status = await PipelineHarness.RunBoundedAsync(kafka, Options, database, _chdb.Connection);

        var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options));
        var stored = await PipelineHarness.ReadFactsAsync(_chdb.Connection, database, Options);
        var problems = RowComparer.Compare(expected.Rows, stored.ToDictionary(kv => kv.Key, kv => kv.Value.Acc));
        Assert.True(problems.Count == 0, $"{status}\nstored {stored.Count} rows, expected {expected.Rows.Count}\n" + string.Join('\n', problems));

        // The SQL quantile (qoe_quantile over the merged sketch) agrees with the exact order statistic too.
        foreach (var (key, (_, quantiles)) in stored)
        {
            foreach (var (q, value) in quantiles)
            {
                Assert.True(RowComparer.WithinSketchBound(expected.Rows[key].ExactStartTimeQuantile(q), value), $"{key} p{q}: {value} vs {expected.Rows[key].ExactStartTimeQuantile(q)}");
            }
        }

        // Every message is accounted for: processed, dead-lettered, too late, a duplicate or an orphan.
        Assert.Equal(messages.Count, status.Messages);
        Assert.Equal(expected.Invalid, status.Invalid);
        Assert.Equal(expected.TooLate, status.TooLate);
        Assert.Equal(expected.Duplicates + expected.AfterEnd, status.Duplicates + status.Orphans);
        Assert.True(expected.TooLate > 0 && expected.Duplicates > 0 && expected.Invalid > 0, "the traffic lacks the cases this test is about");

        var late = await _chdb.Connection.QueryScalarAsync<long>($"SELECT count() FROM {database}.late_events FINAL");
        Assert.Equal(expected.TooLate, late);

        // Each malformed message is in the dead-letter topic with its bytes, its reason and where it came from.
        var malformed = truth.Where(m => m.Kind == DeliveryKind.Malformed).ToList();
        var letters = PipelineHarness.ReadDeadLetters(kafka, malformed.Count);
        Assert.Equal(malformed.Count, letters.Count);
        // Some malformed messages are byte-identical (empty ones, say): compare as multisets.
        static string Identity(byte[]? key, byte[] value, string reason) => $"{Convert.ToBase64String(key ?? [])}|{Convert.ToBase64String(value)}|{reason}";
        var expectedLetters = malformed.Select(m => Identity(m.Key, m.Value, m.ExpectedReason.ToCode())).Order(StringComparer.Ordinal).ToList();
        var actualLetters = letters.Select(l => Identity(l.OriginalKey, l.OriginalValue, l.Reason)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expectedLetters, actualLetters);
        Assert.All(letters, l => Assert.Equal(kafka.Topic, l.SourceTopic));
        Assert.All(letters, l => Assert.False(string.IsNullOrWhiteSpace(l.Message)));
        Assert.All(letters, l => Assert.InRange(l.SourcePartition, 0, Partitions - 1));
    }

    [Fact]
    public async Task Stopping_midway_and_resuming_from_checkpoints_gives_the_same_rows()
    {
        const int Partitions = 2;
        var simulation = SimulatedTraffic.WithAllKnobs(seed: 77, sessions: 120, TimeSpan.FromMinutes(6));
        var messages = SimulatedTraffic.Deliver(simulation, Partitions);
        var kafka = _kafka.CreatePipelineTopics(Partitions);
        var database = await _chdb.CreateQoeDatabaseAsync("e2e_resume");

        // The first run sees half the traffic and stops; the second resumes from its checkpoints and offsets.
        var half = messages.Count / 2;
        PipelineHarness.Produce(kafka, messages.Take(half));
        var first = await RunUntilCaughtUpThenStopAsync(kafka, database, half);
        Assert.True(first.Checkpoints >= Partitions && first.Commits >= Partitions);
        var checkpointed = await _chdb.Connection.QueryScalarAsync<long>($"SELECT countDistinct(source_partition) FROM {database}.processor_checkpoints");
        Assert.Equal(Partitions, checkpointed);

        PipelineHarness.Produce(kafka, messages.Skip(half));
        var second = await PipelineHarness.RunBoundedAsync(kafka, Options, database, _chdb.Connection);
        Assert.Equal(messages.Count - half, second.Messages);

        var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options));
        var stored = await PipelineHarness.ReadFactsAsync(_chdb.Connection, database, Options);
        var problems = RowComparer.Compare(expected.Rows, stored.ToDictionary(kv => kv.Key, kv => kv.Value.Acc));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>A live (unbounded) run stopped the way Ctrl-C stops it, once it has consumed <paramref name="count"/> messages.</summary>
    private async Task<PipelineStatus> RunUntilCaughtUpThenStopAsync(Ingest.Kafka.KafkaOptions kafka, string database, int count)
    {
        var host = ProcessorHost.ForClickHouse(kafka, Options, new SinkOptions { Database = database }, _chdb.Connection, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = host.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (host.Status.Messages < count && DateTime.UtcNow < deadline && !run.IsCompleted)
        {
            await Task.Delay(100);
        }

        Assert.Equal(count, host.Status.Messages);
        await stop.CancelAsync();
        await run;
        return host.Status;
    }
}
