using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Events;
using Analytics.Ingest.Kafka;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline.Replay;

/// <summary>A message to replay: the partition it would be in, its key, value and record timestamp.</summary>
internal readonly record struct ReplayMessage(int Partition, byte[] Key, byte[] Value, long TimestampMs);

/// <summary>
/// Replays a recorded or simulated input through the pipeline's workers, partition processors and
/// output, without a consumer: for backtests whose input (a day of traffic) is larger than the
/// embedded broker keeps. Everything after the consumer (windows, sinks, progress, finality) is the
/// code that runs in production; at the end every partition finishes, so every window is final.
/// </summary>
internal sealed class ReplayPipeline
{
    private const int BatchSize = 1000;
    private readonly ProcessorOptions _options;
    private readonly IPipelineOutput _output;
    private readonly string _source;
    private readonly int _partitions;
    private readonly TimeProvider _time;

    public ReplayPipeline(ProcessorOptions options, IPipelineOutput output, string source, int partitions, TimeProvider time)
    {
        _options = options.Validate();
        _output = output;
        _source = source;
        _partitions = partitions;
        _time = time;
    }

    /// <summary>Partition of a key, as the simulator's producer partitions (stable hash of the key).</summary>
    public static int PartitionOf(byte[] key, int partitions) => (int)(StableHash.Hash64(key) % (ulong)partitions);

    /// <summary>
    /// Replays into a ClickHouse database, as the backtest and the tests do. Dead letters go to an
    /// embedded one-broker Kafka that lives as long as the replay.
    /// </summary>
    public static async Task<long> IntoClickHouseAsync(
        IEnumerable<ReplayMessage> messages,
        ProcessorOptions options,
        IClickHouseConnection clickHouse,
        string database,
        string source,
        int partitions,
        string consumerGroup,
        IProgress<long>? progress,
        ILogger log,
        CancellationToken ct)
    {
        using var cluster = new MockKafkaCluster(brokerCount: 1);
        var kafka = new KafkaOptions { BootstrapServers = cluster.Bootstrap, GroupId = consumerGroup };
        cluster.CreateTopic(kafka.DeadLetterTopic, 1);
        using var deadLetters = new DeadLetterProducer(kafka, "replay");
        var output = new ClickHouseOutput(clickHouse, new SinkOptions { Database = database }, TimeProvider.System, log);
        return await new ReplayPipeline(options, output, source, partitions, TimeProvider.System).RunAsync(messages, deadLetters, consumerGroup, progress, ct);
    }

    /// <summary>Runs every message through, finishes the input and flushes; returns the messages replayed.</summary>
    public async Task<long> RunAsync(IEnumerable<ReplayMessage> messages, DeadLetterProducer deadLetters, string consumerGroup, IProgress<long>? progress, CancellationToken ct)
    {
        await _output.StartAsync(_options, new OutputContext(consumerGroup, "replay", _partitions, deadLetters, (_, _) => { }), ct);
        var workers = Enumerable.Range(0, _options.Workers)
            .Select(i => new PartitionWorker(i, _options, _output.Input, deadLetters, _time, capacity: 8))
            .ToArray();
        var outputTask = Task.Run(() => _output.RunAsync(ct), ct);
        var workerTasks = workers.Select(w => Task.Run(() => w.RunAsync(ct), ct)).ToArray();
        for (var p = 0; p < _partitions; p++)
        {
            var output = new PartitionOutput(_options, "replay");
            var processor = new PartitionProcessor(new PartitionId(_source, p), _options, output);
            await workers[p % workers.Length].Input.Writer.WriteAsync(new AssignItem(processor, output), ct);
        }

        var batches = workers.Select(_ => new List<ConsumeResult<byte[], byte[]>>()).ToArray();
        var offsets = new long[_partitions];
        long count = 0;
        foreach (var m in messages)
        {
            var w = m.Partition % workers.Length;
            batches[w].Add(new ConsumeResult<byte[], byte[]>
            {
                Topic = "replay",
                Partition = new Partition(m.Partition),
                Offset = new Offset(offsets[m.Partition]++),
                Message = new Message<byte[], byte[]> { Key = m.Key, Value = m.Value, Timestamp = new Timestamp(m.TimestampMs, TimestampType.CreateTime) },
            });
            if (batches[w].Count >= BatchSize)
            {
                await workers[w].Input.Writer.WriteAsync(new MessagesItem(batches[w]), ct);
                batches[w] = [];
            }

            if (++count % 100_000 == 0)
            {
                progress?.Report(count);
                foreach (var worker in workers)
                {
                    await worker.Input.Writer.WriteAsync(new FlushRowsItem(), ct);
                }
            }
        }

        for (var w = 0; w < workers.Length; w++)
        {
            if (batches[w].Count > 0)
            {
                await workers[w].Input.Writer.WriteAsync(new MessagesItem(batches[w]), ct);
            }
        }

        for (var p = 0; p < _partitions; p++)
        {
            await workers[p % workers.Length].Input.Writer.WriteAsync(new FinishItem(p), ct);
        }

        foreach (var worker in workers)
        {
            worker.Input.Writer.TryComplete();
        }

        await Task.WhenAll(workerTasks);
        _output.Input.TryComplete();
        await outputTask;
        progress?.Report(count);
        return count;
    }
}
