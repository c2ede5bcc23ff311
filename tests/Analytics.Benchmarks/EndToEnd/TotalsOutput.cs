using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>
/// For the untimed cross-check with chDB: the final value of every row (a correction replaces the row,
/// as ReplacingMergeTree does), summed into totals of the point metrics a GROUP BY can also count.
/// </summary>
internal sealed class TotalsOutput : IPartitionOutput
{
    private readonly Dictionary<(int Size, long Start, int Cube, CubeKey Key, int Partition), (long Attempts, long Plays, long Errors)> _rows = [];

    public void WindowRow(PartitionId partition, long version, int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
        => _rows[(sizeIndex, windowStart, cube, key, partition.Partition)] = (acc.Attempts, acc.Plays, acc.Errors);

    public void SessionEnded(PartitionId partition, long version, Session session)
    {
    }

    public void Late(PartitionId partition, in LateBeacon beacon)
    {
    }

    public void Orphan(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs)
    {
    }

    public void Invalid(PartitionId partition, long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
    }

    /// <summary>Totals over every row of one window size and cube, and how many rows (groups) that is.</summary>
    public (long Attempts, long Plays, long Errors, int Groups) Totals(int sizeIndex, int cube)
    {
        long attempts = 0, plays = 0, errors = 0;
        var groups = new HashSet<(long, CubeKey)>();
        foreach (var ((size, start, c, key, _), v) in _rows)
        {
            if (size == sizeIndex && c == cube)
            {
                attempts += v.Attempts;
                plays += v.Plays;
                errors += v.Errors;
                groups.Add((start, key));
            }
        }

        return (attempts, plays, errors, groups.Count);
    }
}
