using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;
using Analytics.Processors.Windows;
using Analytics.Testing.Reference;

namespace Analytics.Testing;

/// <summary>
/// An in-memory stand-in for the ClickHouse tables, with ReplacingMergeTree semantics: per row key
/// (window, cube, dimensions, partition) the highest version wins. Used to check the processor
/// against the reference model without a database.
/// </summary>
internal sealed class CollectingOutput : IPartitionOutput
{
    private readonly Dictionary<(ExpectedKey Key, int Partition), (long Version, QoeAccumulator Acc)> _rows = [];

    public CollectingOutput(WindowSizes sizes, IReadOnlyList<Cube> cubes)
    {
        Sizes = sizes;
        Cubes = cubes;
    }

    public WindowSizes Sizes { get; }

    public IReadOnlyList<Cube> Cubes { get; }

    public List<(PartitionId Partition, string SessionId, SessionCore Core)> EndedSessions { get; } = [];

    public List<LateBeacon> LateBeacons { get; } = [];

    public List<(string SessionId, SessionEvent Beacon)> Orphans { get; } = [];

    public List<(long Offset, InvalidEvent Error, byte[] Value)> Rejected { get; } = [];

    public int RowWrites { get; private set; }

    public int Corrections { get; private set; }

    /// <summary>Versions that went backwards for a key: must stay zero.</summary>
    public int StaleVersions { get; private set; }

    public void WindowRow(PartitionId partition, long version, int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
    {
        RowWrites++;
        if (correction)
        {
            Corrections++;
        }

        var k = (new ExpectedKey(Cubes[cube].Name, Sizes.Sizes[sizeIndex], windowStart, key.ToString()), partition.Partition);
        if (_rows.TryGetValue(k, out var existing) && existing.Version >= version)
        {
            StaleVersions++;
            return;
        }

        var copy = new QoeAccumulator();
        copy.Merge(acc);
        _rows[k] = (version, copy);
    }

    public void SessionEnded(PartitionId partition, long version, Session session) => EndedSessions.Add((partition, session.Id, session.Head));

    public void Late(PartitionId partition, in LateBeacon beacon) => LateBeacons.Add(beacon);

    public void Orphan(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs) => Orphans.Add((sessionId, beacon));

    public void Invalid(PartitionId partition, long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        => Rejected.Add((offset, error, value.ToArray()));

    /// <summary>What a query summing over partitions would return, per row key; all-zero rows are omitted.</summary>
    public Dictionary<ExpectedKey, QoeAccumulator> Merged()
    {
        var merged = new Dictionary<ExpectedKey, QoeAccumulator>();
        foreach (var ((key, _), (_, acc)) in _rows)
        {
            if (!merged.TryGetValue(key, out var m))
            {
                merged[key] = m = new QoeAccumulator();
            }

            m.Merge(acc);
        }

        foreach (var key in merged.Where(kv => kv.Value.IsZero).Select(kv => kv.Key).ToList())
        {
            merged.Remove(key);
        }

        return merged;
    }
}
