using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>
/// A sink that does real but cheap work: it reads every row and counts what the partition produces, and
/// keeps nothing. A real sink's cost (serializing rows, sending them) is left out on purpose.
/// </summary>
internal sealed class CountingOutput : IPartitionOutput
{
    public long Rows { get; private set; }

    public long Corrections { get; private set; }

    /// <summary>Sum over rows of a few fields, so that reading the accumulator is not optimized away.</summary>
    public long Checksum { get; private set; }

    public long SessionsEnded { get; private set; }

    public long LateBeacons { get; private set; }

    public long Orphans { get; private set; }

    public long InvalidMessages { get; private set; }

    public void WindowRow(PartitionId partition, long version, int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
    {
        Rows++;
        if (correction)
        {
            Corrections++;
        }

        Checksum += acc.Attempts + acc.Plays + acc.PlayingMs + acc.StartTime.Count;
    }

    public void SessionEnded(PartitionId partition, long version, Session session) => SessionsEnded++;

    public void Late(PartitionId partition, in LateBeacon beacon) => LateBeacons++;

    public void Orphan(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs) => Orphans++;

    public void Invalid(PartitionId partition, long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => InvalidMessages++;
}
