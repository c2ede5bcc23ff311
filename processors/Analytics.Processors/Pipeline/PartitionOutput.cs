using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Sessions;
using Analytics.Processors.Sinks;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// Buffers what one partition produces: rows per ClickHouse table and dead letters. The worker hands
/// the buffers to the sink after each batch of messages, and always before a checkpoint, so the sink
/// sees a partition's rows before the checkpoint that covers them.
/// </summary>
internal sealed class PartitionOutput : IPartitionOutput
{
    private readonly IReadOnlyList<Cube> _cubes;
    private readonly QoeRowWriter?[,] _windows;
    private readonly QoeRowWriter _sessions = QoeRowWriter.ForSessions();
    private readonly QoeRowWriter _late = QoeRowWriter.ForLateEvents();
    private readonly QoeRowWriter _orphans = QoeRowWriter.ForOrphanEvents();
    private readonly string _topic;

    public PartitionOutput(ProcessorOptions options, string topic)
    {
        var sizes = options.ResolveWindows();
        _cubes = options.ResolveCubes();
        _topic = topic;
        _windows = new QoeRowWriter?[sizes.Count, _cubes.Count];
        var bySize = options.CubesBySize();
        for (var s = 0; s < sizes.Count; s++)
        {
            foreach (var c in bySize[s])
            {
                _windows[s, c] = QoeRowWriter.ForWindows(_cubes[c].TableName(sizes.Labels[s]), _cubes[c]);
            }
        }
    }

    public List<DeadLetterRecord> DeadLetters { get; } = [];

    private IEnumerable<QoeRowWriter> Writers => _windows.Cast<QoeRowWriter?>().OfType<QoeRowWriter>().Append(_sessions).Append(_late).Append(_orphans);

    public void WindowRow(PartitionId partition, long version, int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
        => _windows[sizeIndex, cube]!.WindowRow(partition, version, windowStart, _cubes[cube], key, acc, correction);

    public void SessionEnded(PartitionId partition, long version, Session session) => _sessions.SessionRow(partition, version, session);

    public void Late(PartitionId partition, in LateBeacon beacon) => _late.LateRow(partition, beacon);

    public void Orphan(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs)
        => _orphans.OrphanRow(partition, sessionId, beacon, sessionEndTs);

    public void WindowsClosed(PartitionId partition, in WindowProgress progress) => Progress = progress;

    /// <summary>The latest window progress not yet handed to the sink.</summary>
    public WindowProgress? Progress { get; set; }

    public void Invalid(PartitionId partition, long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        => DeadLetters.Add(new DeadLetterRecord
        {
            OriginalKey = key.IsEmpty ? null : key.ToArray(),
            OriginalValue = value.ToArray(),
            Reason = error.Code,
            Field = error.Field,
            Message = error.Message,
            SourceTopic = _topic,
            SourcePartition = partition.Partition,
            SourceOffset = offset,
        });

    /// <summary>Window rows replaced by a later version before they reached the sink.</summary>
    public long CoalescedRows => _windows.Cast<QoeRowWriter?>().Sum(w => w?.Coalesced ?? 0);

    /// <summary>Takes the buffered rows of every table holding at least <paramref name="minBytes"/>.</summary>
    public IEnumerable<RowBatch> TakeBatches(int minBytes)
    {
        foreach (var writer in Writers)
        {
            if (writer.Rows > 0 && writer.Bytes >= minBytes)
            {
                yield return writer.Take();
            }
        }
    }
}
