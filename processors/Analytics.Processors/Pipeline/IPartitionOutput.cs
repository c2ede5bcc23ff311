using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Sessions;

namespace Analytics.Processors.Pipeline;

/// <summary>Identifies a partition's input: the source (Kafka cluster id and topic) and the partition number.</summary>
internal readonly record struct PartitionId(string Source, int Partition)
{
    public override string ToString() => $"{Source}[{Partition}]";
}

/// <summary>A beacon that arrived after its window's allowed lateness.</summary>
internal readonly record struct LateBeacon(
    long Offset,
    string EventId,
    string SessionId,
    EventType Type,
    long EventTs,
    long Watermark,
    byte[] Payload)
{
    public long LatenessMs => Watermark - EventTs;
}

/// <summary>
/// How far a partition's windows are done, in event time (ms), after a sweep: the analogue of Kafka
/// Streams' emit-on-window-close. Every window ending at or before <see cref="ClosedThroughMs"/> has
/// fired (its first value is out); every window ending at or before <see cref="FinalThroughMs"/> is
/// final: no late beacon can correct it any more.
/// </summary>
internal readonly record struct WindowProgress(long Watermark, long ClosedThroughMs, long FinalThroughMs, long NextOffset);

/// <summary>
/// Everything a partition produces. Implementations serialize what they need at once: the accumulators
/// and sessions passed in keep changing after the call.
/// </summary>
internal interface IPartitionOutput
{
    /// <summary>A window row: its first value when the window fires, or a correction (a later version of the same key).</summary>
    void WindowRow(PartitionId partition, long version, int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction);

    /// <summary>A session that ended and can no longer change.</summary>
    void SessionEnded(PartitionId partition, long version, Session session);

    void Late(PartitionId partition, in LateBeacon beacon);

    /// <summary>A valid beacon for a session that had already ended before it.</summary>
    void Orphan(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs);

    void Invalid(PartitionId partition, long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>
    /// Windows closed or became final: called after every sweep that moved the boundaries, after the
    /// rows of the windows it closes. Outputs that only count rows may ignore it.
    /// </summary>
    void WindowsClosed(PartitionId partition, in WindowProgress progress)
    {
    }
}
