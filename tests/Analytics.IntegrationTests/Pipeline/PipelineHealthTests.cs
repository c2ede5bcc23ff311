using System.Globalization;
using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;
using Analytics.Processors.Pipeline;
using Analytics.Testing;
using Analytics.Testing.Reference;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// <c>pipeline_health</c> after a bounded run over the mock Kafka and chDB: its counters, summed over
/// the run, equal what the reference model and the input say happened; its gauges end where a drained
/// topic should leave them.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class PipelineHealthTests : IClassFixture<MockKafkaFixture>
{
    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public PipelineHealthTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task The_health_counters_sum_to_what_the_input_holds()
    {
        const int Partitions = 3;
        var options = new ProcessorOptions { Workers = 2, CheckpointInterval = TimeSpan.FromSeconds(1), HealthInterval = TimeSpan.FromSeconds(1), InstanceId = "health-test" };
        var simulation = SimulatedTraffic.WithAllKnobs(seed: 7, sessions: 120, TimeSpan.FromMinutes(4));
        var truth = TrafficGenerator.Generate(simulation).ToList();
        var messages = SimulatedTraffic.Deliver(simulation, Partitions);
        var kafka = _kafka.CreatePipelineTopics(Partitions);
        var database = await _chdb.CreateQoeDatabaseAsync("pipeline_health");

        PipelineHarness.Produce(kafka, messages);
        var status = await PipelineHarness.RunBoundedAsync(kafka, options, database, _chdb.Connection);
        var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(options));

        async Task<Dictionary<string, double>> SumsAsync(string metric, string by)
        {
            var rows = await _chdb.Connection.QueryJsonRowsAsync(
                $"SELECT toString({by}) AS k, sum(value) AS v FROM {database}.pipeline_health WHERE metric = '{metric}' GROUP BY k");
            return rows.ToDictionary(r => r.GetProperty("k").GetString()!, r => r.GetProperty("v").GetDouble());
        }

        var events = await SumsAsync(HealthMetric.Events.Name, "source_partition");
        var perPartition = messages.GroupBy(m => m.Partition).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => (double)g.Count());
        Assert.Equal(perPartition.OrderBy(kv => kv.Key), events.OrderBy(kv => kv.Key));

        var deadLetters = await SumsAsync(HealthMetric.DeadLetters.Name, "reason");
        var malformed = truth.Where(m => m.Kind == DeliveryKind.Malformed)
            .GroupBy(m => m.ExpectedReason.ToCode()).ToDictionary(g => g.Key, g => (double)g.Count());
        Assert.Equal(malformed.OrderBy(kv => kv.Key), deadLetters.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Invalid, (long)deadLetters.Values.Sum());

        var late = (await SumsAsync(HealthMetric.LateBeacons.Name, "metric")).Values.Sum();
        Assert.Equal(expected.TooLate, (long)late);
        var orphans = (await SumsAsync(HealthMetric.OrphanBeacons.Name, "metric")).Values.Sum();
        var duplicates = (await SumsAsync(HealthMetric.DuplicateBeacons.Name, "metric")).Values.Sum();
        Assert.Equal(status.Orphans, (long)orphans);
        Assert.Equal(expected.Duplicates + expected.AfterEnd, (long)(orphans + duplicates));
        var rows = (await SumsAsync(HealthMetric.SinkRows.Name, "metric")).Values.Sum();
        Assert.Equal(status.RowsWritten, (long)rows);

        // The last sample of each partition: drained, and checkpointed at the end.
        var last = await _chdb.Connection.QueryJsonRowsAsync($"""
            SELECT metric, source_partition AS p, argMax(value, at) AS v
            FROM {database}.pipeline_health
            WHERE metric IN ('consumer_lag', 'checkpoint_age_seconds') GROUP BY metric, p
            """);
        Assert.Equal(2 * Partitions, last.Count);
        Assert.All(last.Where(r => r.GetProperty("metric").GetString() == "consumer_lag"), r => Assert.Equal(0, r.GetProperty("v").GetDouble()));
        Assert.All(last.Where(r => r.GetProperty("metric").GetString() == "checkpoint_age_seconds"), r => Assert.InRange(r.GetProperty("v").GetDouble(), 0, 30));
        var instances = await _chdb.Connection.QueryScalarAsync<long>($"SELECT uniqExact(instance) FROM {database}.pipeline_health WHERE instance = 'health-test'");
        Assert.Equal(1, instances);
    }
}
