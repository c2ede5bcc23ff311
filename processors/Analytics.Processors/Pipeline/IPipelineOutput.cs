using System.Threading.Channels;
using Analytics.Ingest.DeadLetters;
using Analytics.Processors.Checkpoints;
using Analytics.Processors.Health;
using Analytics.Processors.Sinks;

namespace Analytics.Processors.Pipeline;

/// <summary>What an output needs from the running pipeline.</summary>
/// <param name="ConsumerGroup">The Kafka consumer group: checkpoints and progress are kept per group.</param>
/// <param name="Instance">This processor instance, recorded beside its progress.</param>
/// <param name="TopicPartitions">The beacon topic's partition count, so readers know how many partitions to wait for.</param>
/// <param name="DeadLetters">Flushed before a checkpoint is stored, so a committed offset never loses a dead letter.</param>
/// <param name="Committable">Called once a checkpoint is durable: its offset may be committed.</param>
internal sealed record OutputContext(
    string ConsumerGroup,
    string Instance,
    int TopicPartitions,
    DeadLetterProducer DeadLetters,
    Action<PartitionId, long> Committable)
{
    /// <summary>Where the output reports checkpoints and insert durations for <c>pipeline_health</c>; null when nobody reads them.</summary>
    public DurabilityClock? Durability { get; init; }
}

/// <summary>Counts of what an output has made durable.</summary>
internal sealed record OutputCounters(long RowsWritten, long Inserts, long Checkpoints, IReadOnlyDictionary<string, long> RowsByTable)
{
    public static OutputCounters None { get; } = new(0, 0, 0, new Dictionary<string, long>());
}

/// <summary>
/// Where the pipeline's results go: rows, checkpoints and window progress, in the order the workers
/// send them. The host knows nothing else about it; <c>run</c>, <c>demo</c>, the tests and the
/// benchmarks all build the same <see cref="ClickHouseOutput"/>.
/// </summary>
internal interface IPipelineOutput
{
    /// <summary>How often the workers hand their buffered rows over, however few.</summary>
    TimeSpan FlushInterval { get; }

    /// <summary>Where it writes, for logs.</summary>
    string Description { get; }

    /// <summary>Checks the destination is ready (e.g. the schema is migrated); throws with what to do if not.</summary>
    Task StartAsync(ProcessorOptions options, OutputContext context, CancellationToken ct);

    /// <summary>The latest durable checkpoint of a partition, or null to start at the committed offset.</summary>
    Task<StoredCheckpoint?> LoadCheckpointAsync(PartitionId partition, CancellationToken ct);

    /// <summary>The bounded queue the workers write to: a full queue is the backpressure.</summary>
    ChannelWriter<SinkItem> Input { get; }

    /// <summary>Drains <see cref="Input"/> until it is completed, then flushes everything.</summary>
    Task RunAsync(CancellationToken ct);

    OutputCounters Counters { get; }

    /// <summary>Appends the instance's health samples (<c>pipeline_health</c>), taken at <paramref name="atMs"/>.</summary>
    Task SaveHealthAsync(long atMs, IReadOnlyList<HealthSample> samples, CancellationToken ct);
}
