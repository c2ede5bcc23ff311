using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;
using Analytics.Processors.Sinks.RowBinary;

namespace Analytics.Processors.Sinks;

/// <summary>
/// Writes one table's rows in RowBinary, in the order of its <see cref="RowLayout"/>, into a growing
/// buffer. Binary rows cost ClickHouse a fraction of JSON's parsing; the layout's header makes it check
/// names and types. A test inserts every kind of row into chDB to keep them in step with the schema.
/// </summary>
internal sealed class QoeRowWriter
{
    private readonly RowBinaryBuffer _buffer = new();

    // Window rows still in the buffer, by key: a correction replaces its key's earlier version in
    // place of adding a row, so a window fired and corrected before a hand-off is written once.
    private readonly Dictionary<(int Partition, long WindowStart, CubeKey Key), (int Offset, int Length)> _windowRows = [];
    private readonly List<(int Offset, int Length)> _replaced = [];

    public QoeRowWriter(string table, RowLayout layout)
    {
        Table = table;
        Layout = layout;
    }

    public string Table { get; }

    public RowLayout Layout { get; }

    public int Rows { get; private set; }

    public int Bytes => _buffer.Length;

    public static QoeRowWriter ForWindows(string table, Cube cube) => new(table, QoeRowLayouts.Window(cube));

    public static QoeRowWriter ForSessions() => new(QoeTables.Sessions, QoeRowLayouts.Sessions);

    public static QoeRowWriter ForLateEvents() => new(QoeTables.LateEvents, QoeRowLayouts.LateEvents);

    public static QoeRowWriter ForOrphanEvents() => new(QoeTables.OrphanEvents, QoeRowLayouts.OrphanEvents);

    /// <summary>Rows replaced by a later version of the same key before they were taken.</summary>
    public long Coalesced { get; private set; }

    public void WindowRow(PartitionId partition, long version, long windowStart, Cube cube, CubeKey key, QoeAccumulator acc, bool correction)
    {
        var b = _buffer;
        var start = b.Length;
        b.DateTimeFromMs(windowStart);
        for (var i = 0; i < cube.Dimensions.Length; i++)
        {
            b.String(key.Values[i]);
        }

        b.String(partition.Source);
        b.UInt16(partition.Partition);
        b.UInt32(acc.Attempts);
        b.UInt32(acc.Plays);
        b.UInt32(acc.VideoStartFailures);
        b.UInt32(acc.ExitsBeforeVideoStart);
        b.UInt32(acc.PlaybackFailures);
        var keys = acc.StartTime.Keys;
        var counts = acc.StartTime.Counts;
        b.VarUInt((ulong)keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            b.Int16(keys[i]);
            b.UInt32(counts[i]);
        }

        b.UInt64(acc.StartTimeSumMs);
        b.UInt64(acc.PlayingMs);
        b.UInt64(acc.RebufferMs);
        b.UInt64(acc.SeekRebufferMs);
        b.UInt32(acc.Rebuffers);
        b.UInt32(acc.SeekRebuffers);
        b.UInt64(acc.Bitrate.Numerator);
        b.UInt32(acc.BitrateSwitches);
        b.UInt32(acc.ConcurrentPlays);
        b.UInt64(acc.Bytes);
        b.UInt64(acc.CacheHitBytes);
        b.UInt32(acc.Errors);
        b.UInt32(acc.FatalErrors);
        b.VarUInt((ulong)(acc.ErrorsByCode?.Count ?? 0));
        if (acc.ErrorsByCode is not null)
        {
            foreach (var (code, count) in acc.ErrorsByCode)
            {
                b.String(code);
                b.UInt32(count);
            }
        }

        b.UInt64(version);
        b.UInt8(acc.IsZero);
        var row = (start, b.Length - start);
        if (correction && _windowRows.TryGetValue((partition.Partition, windowStart, key), out var earlier))
        {
            _replaced.Add(earlier);
            Coalesced++;
        }
        else
        {
            Rows++;
        }

        _windowRows[(partition.Partition, windowStart, key)] = row;
    }

    public void SessionRow(PartitionId partition, long version, Session session)
    {
        ref readonly var c = ref session.Head;
        var d = session.Dims.Values;
        var b = _buffer;
        b.String(session.Id);
        b.String(partition.Source);
        b.UInt16(partition.Partition);
        b.DateTime64Ms(c.FirstTs);
        b.DateTime64Ms(c.EndTs);
        b.String(c.EndReason switch
        {
            SessionEndReason.EndEvent => "end",
            SessionEndReason.FatalError => "fatal_error",
            _ => "timeout",
        });
        b.String(d.Region);
        b.String(d.Country);
        b.String(d.Cdn);
        b.String(d.Pop);
        b.String(d.Isp);
        b.UInt32(d.Asn);
        b.String(d.DeviceType);
        b.String(d.Os);
        b.String(d.Model);
        b.String(d.AppVersion);
        b.String(d.TitleId);
        var fatal = c.EndReason == SessionEndReason.FatalError;
        var unstarted = c.HasPlayRequest && !c.Started;
        b.UInt8(c.HasPlayRequest);
        b.UInt8(c.CountedPlay);
        b.UInt8(unstarted && fatal);
        b.UInt8(unstarted && !fatal);
        b.UInt8(c.CountedPlay && fatal);
        b.NullFlag(c.StartTimeMs < 0);
        if (c.StartTimeMs >= 0)
        {
            b.UInt32(c.StartTimeMs);
        }

        b.UInt32(c.PlayingMs);
        b.UInt32(c.RebufferMs);
        b.UInt32(c.SeekRebufferMs);
        b.UInt32(c.PausedMs);
        b.UInt16(c.Rebuffers);
        b.UInt16(c.SeekRebuffers);
        b.UInt64(c.BitrateKbpsMs);
        b.UInt16(c.BitrateSwitches);
        b.UInt64(c.Bytes);
        b.UInt64(c.CacheHitBytes);
        b.UInt16(c.Errors);
        b.String(c.FatalErrorCode ?? string.Empty);
        b.UInt32(c.Beacons);
        b.UInt32(session.Duplicates);
        b.UInt64(version);
        Rows++;
    }

    public void LateRow(PartitionId partition, in LateBeacon beacon)
    {
        var b = _buffer;
        b.String(partition.Source);
        b.UInt16(partition.Partition);
        b.Int64(beacon.Offset);
        b.String(beacon.EventId);
        b.String(beacon.SessionId);
        b.String(beacon.Type.ToWire());
        b.DateTime64Ms(beacon.EventTs);
        b.DateTime64Ms(beacon.Watermark);
        b.Int64(beacon.LatenessMs);
        b.String(beacon.Payload);
        Rows++;
    }

    public void OrphanRow(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs)
    {
        var b = _buffer;
        b.String(partition.Source);
        b.UInt16(partition.Partition);
        b.String(sessionId);
        b.String(beacon.Type.ToWire());
        b.DateTime64Ms(beacon.Ts);
        b.UInt64(beacon.EventIdHash);
        b.DateTime64Ms(sessionEndTs);
        Rows++;
    }

    /// <summary>Takes the rows written so far and starts a new batch.</summary>
    public RowBatch Take()
    {
        var batch = new RowBatch(Table, Layout, _replaced.Count == 0 ? _buffer.Written.ToArray() : LiveRows(), Rows);
        _buffer.Clear();
        _windowRows.Clear();
        _replaced.Clear();
        Rows = 0;
        return batch;
    }

    /// <summary>The buffer without the rows that later versions replaced.</summary>
    private byte[] LiveRows()
    {
        _replaced.Sort();
        var written = _buffer.Written.Span;
        var live = new byte[written.Length - _replaced.Sum(r => r.Length)];
        int from = 0, at = 0;
        foreach (var (offset, length) in _replaced)
        {
            written[from..offset].CopyTo(live.AsSpan(at));
            at += offset - from;
            from = offset + length;
        }

        written[from..].CopyTo(live.AsSpan(at));
        return live;
    }
}

/// <summary>Rows for one table in RowBinary, without the layout's header.</summary>
internal sealed record RowBatch(string Table, RowLayout Layout, byte[] Data, int Rows)
{
    /// <summary>This batch as an insert body in <see cref="RowLayout.Format"/>.</summary>
    public byte[] InsertBody() => InsertBody([this]);

    /// <summary>One insert of batches of the same table: the layout's header once, then every batch's rows.</summary>
    public static byte[] InsertBody(IReadOnlyList<RowBatch> batches)
    {
        var header = batches[0].Layout.Header;
        var data = new byte[header.Length + batches.Sum(b => b.Data.Length)];
        header.CopyTo(data, 0);
        var at = header.Length;
        foreach (var b in batches)
        {
            b.Data.CopyTo(data, at);
            at += b.Data.Length;
        }

        return data;
    }
}
