namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// One timed pass over the topic. <see cref="Elapsed"/> and <see cref="Cpu"/> run from the first message
/// consumed to the end (for the processor: every row written, every partition checkpointed and committed),
/// so the group join, the same for every phase and mostly waiting, shows apart in <see cref="Startup"/>.
/// <see cref="Tail"/> runs from the last message processed to the end (flushes, checkpoints, commits);
/// <see cref="TotalCpu"/> is the process CPU time from the start, join included.
/// </summary>
internal sealed record KafkaSample(
    TimeSpan Elapsed,
    TimeSpan Cpu,
    TimeSpan Startup,
    TimeSpan Total,
    TimeSpan Tail,
    long Messages,
    long Rows,
    long Inserts,
    long Bytes,
    long CheckpointBytes,
    TimeSpan TotalCpu)
{
    /// <summary>Rows inserted by table (the processor's phases only).</summary>
    public IReadOnlyDictionary<string, long> RowsByTable { get; init; } = new Dictionary<string, long>();

    /// <summary>Window rows a correction replaced before they reached the sink.</summary>
    public long CoalescedRows { get; init; }
}
