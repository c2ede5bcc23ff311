using System.Runtime.InteropServices;
using System.Text;
using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Sessions;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Pipeline;

/// <summary>Counts of what one partition has seen; read by other threads for progress views.</summary>
internal sealed class PartitionCounters
{
    public long Messages;
    public long Valid;
    public long Invalid;
    public long Duplicates;
    public long TooLate;
    public long Orphans;
    public long Replays;
    public long Timeouts;
    public long SessionsStarted;
    public long SessionsEnded;
    public long WindowRows;
    public long Corrections;

    /// <summary>Offsets skipped between two messages read: messages deleted (retention) before they were read.</summary>
    public long Skipped;
    public readonly long[] InvalidByReason = new long[Enum.GetValues<InvalidEventReason>().Length];

    /// <summary>Adds another partition's counts, e.g. to keep the totals of partitions this process gave up.</summary>
    public void Add(PartitionCounters other)
    {
        Messages += other.Messages;
        Valid += other.Valid;
        Invalid += other.Invalid;
        Duplicates += other.Duplicates;
        TooLate += other.TooLate;
        Orphans += other.Orphans;
        Replays += other.Replays;
        Timeouts += other.Timeouts;
        SessionsStarted += other.SessionsStarted;
        SessionsEnded += other.SessionsEnded;
        WindowRows += other.WindowRows;
        Corrections += other.Corrections;
        Skipped += other.Skipped;
        for (var i = 0; i < InvalidByReason.Length; i++)
        {
            InvalidByReason[i] += other.InvalidByReason[i];
        }
    }
}

/// <summary>
/// All event-time processing of one Kafka partition, single-threaded and free of I/O: decoding and
/// validation, sessionization, the watermark, window firing and corrections. Given the same messages
/// in the same order it produces the same rows with the same keys and versions, which is what makes
/// replays from a checkpoint or committed offsets idempotent in ClickHouse.
/// </summary>
internal sealed class PartitionProcessor : IWindowRowSink
{
    private const int VersionSweepBits = 16;

    private readonly ProcessorOptions _options;
    private readonly IPartitionOutput _output;
    private readonly EventDecoder _decoder;
    private readonly WindowSizes _sizes;
    private readonly SessionRules _rules;
    private readonly DimensionCatalog _catalog;
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Session>.AlternateLookup<ReadOnlySpan<char>> _sessionsBySpan;
    private readonly Dictionary<ulong, long> _endedSessions = [];
    private readonly Queue<(long EndTs, ulong Hash)> _endedOrder = new();
    private readonly List<Session> _finished = [];
    private readonly long _latenessMs;
    private readonly long _outOfOrdernessMs;
    private readonly long _retentionMs;
    private long _maxTs = long.MinValue;
    private long _watermark = long.MinValue;
    private long _swept = long.MinValue;
    private long _lastOffset = -1;
    private long _sweepSeq;
    private long _sweepsSinceCompaction;

    public PartitionProcessor(PartitionId id, ProcessorOptions options, IPartitionOutput output, StringPool? pool = null)
    {
        Id = id;
        _options = options;
        _output = output;
        _decoder = new EventDecoder(pool ?? new StringPool());
        _sizes = options.ResolveWindows();
        _rules = new SessionRules(_sizes, (long)options.SessionTimeout.TotalMilliseconds);
        Cubes = options.ResolveCubes();
        _catalog = new DimensionCatalog(Cubes);
        Windows = new WindowStore(_sizes, Cubes.Count, options.CubesBySize());
        _sessionsBySpan = _sessions.GetAlternateLookup<ReadOnlySpan<char>>();
        _latenessMs = (long)options.AllowedLateness.TotalMilliseconds;
        _outOfOrdernessMs = (long)options.OutOfOrderness.TotalMilliseconds;
        _retentionMs = (long)options.EndedSessionRetention.TotalMilliseconds;
    }

    public PartitionId Id { get; }

    public IReadOnlyList<Cube> Cubes { get; }

    public WindowSizes Sizes => _sizes;

    public PartitionCounters Counters { get; } = new();

    public WindowStore Windows { get; }

    public DimensionCatalog Catalog => _catalog;

    /// <summary>The offset to resume from: everything before it is reflected in this state.</summary>
    public long NextOffset => _lastOffset + 1;

    public long Watermark => _watermark;

    public long MaxEventTime => _maxTs;

    /// <summary>The last pane boundary swept: windows ending at or before it have fired.</summary>
    public long Swept => _swept;

    public int ActiveSessions => _sessions.Count;

    public IEnumerable<Session> Sessions => _sessions.Values;

    /// <summary>Row versions grow with the offset, and with each sweep after it, so a correction always replaces.</summary>
    public long CurrentVersion => ((_lastOffset + 1) << VersionSweepBits) | Math.Min(_sweepSeq, (1L << VersionSweepBits) - 1);

    /// <summary>Beacons older than this are too late and can no longer be reordered.</summary>
    private long Cutoff => _swept == long.MinValue ? long.MinValue : _swept - _latenessMs;

    /// <summary>Where the partition's windows stand: closed (fired) and final boundaries, in event time.</summary>
    public WindowProgress Progress => new(_watermark, _swept, FinalThrough, NextOffset);

    /// <summary>
    /// Windows ending at or before this are final. It trails <see cref="Cutoff"/> by the session timeout:
    /// a beacon just within the lateness can revive a session presumed timed out, and then changes what
    /// the session contributed since its last beacon, up to a timeout before the beacon.
    /// </summary>
    private long FinalThrough => _swept == long.MinValue ? long.MinValue : FinalThroughAt(_swept);

    /// <summary>Processes one Kafka message. <paramref name="recordTimestampMs"/> is the record's timestamp, or 0 if unknown.</summary>
    public void Process(long offset, long recordTimestampMs, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        // Kafka offsets of a plain topic have no holes: one means the log start moved past us.
        if (_lastOffset >= 0 && offset > _lastOffset + 1)
        {
            Counters.Skipped += offset - _lastOffset - 1;
        }

        _lastOffset = offset;
        _sweepSeq = 0;
        Counters.Messages++;
        if (!_decoder.TryDecode(value, out var ev))
        {
            Reject(offset, _decoder.Error, key, value);
            return;
        }

        // A clock far in the future would drag the watermark along and make every other beacon late.
        if (recordTimestampMs > 0 && ev.TimestampMs > recordTimestampMs + MaxFutureSkewMs)
        {
            Reject(offset, new InvalidEvent(InvalidEventReason.InvalidField, "ts", $"ts is {ev.TimestampMs - recordTimestampMs} ms ahead of the Kafka record timestamp; the limit is {MaxFutureSkewMs} ms (check the device clock)"), key, value);
            return;
        }

        Counters.Valid++;
        if (_watermark != long.MinValue && ev.TimestampMs < _watermark - _latenessMs)
        {
            Counters.TooLate++;
            _output.Late(Id, new LateBeacon(offset, Encoding.UTF8.GetString(_decoder.EventIdUtf8), new string(_decoder.SessionId), ev.Type, ev.TimestampMs, _watermark, value.ToArray()));
            return;
        }

        var beacon = SessionEvent.From(ev);
        var sessionId = _decoder.SessionId;
        if (!_sessionsBySpan.TryGetValue(sessionId, out var session))
        {
            if (_endedSessions.TryGetValue(HashSessionId(sessionId), out var endTs))
            {
                Counters.Orphans++;
                _output.Orphan(Id, new string(sessionId), beacon, endTs);
                AdvanceEventTime(ev.TimestampMs);
                return;
            }

            session = new Session(new string(sessionId), _catalog.Intern(ev.Dimensions));
            _sessions.Add(session.Id, session);
            Counters.SessionsStarted++;
        }
        else if (session.ContainsEvent(beacon.EventIdHash))
        {
            Counters.Duplicates++;
            session.Duplicates++;
            return;
        }

        Accept(session, beacon);
        AdvanceEventTime(ev.TimestampMs);
    }

    /// <summary>Moves the watermark of an idle partition forward (to where the other partitions are).</summary>
    public void AdvanceWatermark(long watermark)
    {
        if (_swept == long.MinValue)
        {
            // A partition that never had a beacon follows too, or it would hold the group's windows open for good.
            _watermark = watermark;
            _swept = EventTime.Floor(watermark, _sizes.PaneMs);
            _output.WindowsClosed(Id, Progress);
            return;
        }

        if (watermark > _watermark)
        {
            _watermark = watermark;
            SweepTo(watermark);
        }
    }

    /// <summary>
    /// Ends a bounded input: every open session times out at its last beacon, every window fires and
    /// every correction is written, as if the watermark went to infinity.
    /// </summary>
    public void Finish()
    {
        if (_swept == long.MinValue)
        {
            return;
        }

        var end = EventTime.Ceiling(_maxTs + (2 * _rules.TimeoutMs) + _sizes.LargestMs + _latenessMs + (2 * _sizes.PaneMs), _sizes.PaneMs);
        AdvanceWatermark(end);
    }

    /// <summary>Beacons more than this far ahead of their Kafka record timestamp are rejected.</summary>
    public static long MaxFutureSkewMs => 3_600_000;

    void IWindowRowSink.WindowRow(int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
    {
        Counters.WindowRows++;
        if (correction)
        {
            Counters.Corrections++;
        }

        _output.WindowRow(Id, CurrentVersion, sizeIndex, windowStart, cube, key, acc, correction);
    }

    private void Reject(long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Counters.Invalid++;
        Counters.InvalidByReason[(int)error.Reason]++;
        _output.Invalid(Id, offset, error, key, value);
    }

    private void Accept(Session session, in SessionEvent beacon)
    {
        var index = session.InsertionIndex(beacon);
        ref var head = ref session.Head;
        var withinTimeout = beacon.Ts - head.LastTs < _rules.TimeoutMs;
        var inOrder = index == session.PendingCount
            && beacon.Ts >= head.AttributedTo
            && head.State switch
            {
                PlayerState.New => true,

                // A timeout is only presumed: a beacon within it shows the session was alive after all.
                PlayerState.Ended => head.EndReason != SessionEndReason.Timeout || !withinTimeout,
                _ => withinTimeout,
            };
        var plus = new Emission(Windows, session.Dims, +1, FinalThrough);
        if (inOrder)
        {
            session.Insert(index, beacon);
            head.Apply(beacon, plus, _rules);
            head.AdvanceTo(_swept, plus, _rules);
            return;
        }

        Counters.Replays++;
        session.Run(_swept, new Emission(Windows, session.Dims, -1, FinalThrough), _rules);
        session.Insert(index, beacon);
        session.Head = session.Run(_swept, plus, _rules);
    }

    private void AdvanceEventTime(long ts)
    {
        if (ts <= _maxTs)
        {
            return;
        }

        _maxTs = ts;
        var watermark = ts - _outOfOrdernessMs;
        if (_swept == long.MinValue)
        {
            _watermark = watermark;
            _swept = EventTime.Floor(watermark, _sizes.PaneMs);
            return;
        }

        if (watermark > _watermark)
        {
            _watermark = watermark;
            SweepTo(watermark);
        }
    }

    private void SweepTo(long watermark)
    {
        var pane = _sizes.PaneMs;
        var before = _swept;
        while (_swept + pane <= watermark)
        {
            if (_sessions.Count == 0 && Windows.OpenWindowCount == 0)
            {
                // Nothing can change: skip the empty boundaries of a long jump at once.
                _swept = EventTime.Floor(watermark, pane);
                break;
            }

            var previous = _swept;
            _swept += pane;
            _sweepSeq++;
            Sweep(previous, _swept);
        }

        if (_swept != before)
        {
            _output.WindowsClosed(Id, Progress);
        }
    }

    // One more pane: a timeout is only noticed at the first sweep after it, up to a pane late.
    private long FinalThroughAt(long boundary) => EventTime.Floor(boundary - _latenessMs - _rules.TimeoutMs - _sizes.PaneMs, _sizes.PaneMs);

    private void Sweep(long previous, long boundary)
    {
        var cutoff = boundary - _latenessMs;
        var finalThrough = FinalThroughAt(boundary);
        foreach (var session in _sessions.Values)
        {
            ref var head = ref session.Head;
            var plus = new Emission(Windows, session.Dims, +1, finalThrough);
            if (head.ExpiresBy(boundary, _rules))
            {
                // It ended at its last beacon: retract what was counted since, as if it had been known then.
                Counters.Timeouts++;
                session.Run(previous, new Emission(Windows, session.Dims, -1, finalThrough), _rules);
                session.Head = session.Run(boundary, plus, _rules);
            }
            else
            {
                head.AdvanceTo(boundary, plus, _rules);
            }

            // Beacons behind the too-late line can no longer be reordered; it may be up to a pane past the cutoff.
            Fold(session, Math.Max(cutoff, _watermark - _latenessMs));
            if (IsFinal(session.Head, cutoff))
            {
                _finished.Add(session);
            }
        }

        foreach (var session in _finished)
        {
            Finalize(session);
        }

        _finished.Clear();
        Windows.Sweep(boundary, finalThrough, this);
        ForgetEndedSessions(cutoff - _retentionMs);
        if (++_sweepsSinceCompaction >= 360 && _catalog.Count > 2 * _sessions.Count + 1024)
        {
            _catalog.Compact(_sessions.Values.Select(s => s.Dims), Windows.LiveKeys());
            _sweepsSinceCompaction = 0;
        }
    }

    /// <summary>
    /// Whether no beacon that is not too late can change the session any more: it ended before the
    /// cutoff, and, if it timed out, a beacon late enough to revive it would be too late.
    /// </summary>
    private bool IsFinal(in SessionCore head, long cutoff) => head.IsEnded
        && (head.EndReason == SessionEndReason.Timeout ? head.EndTs + _rules.TimeoutMs : head.EndTs) < cutoff;

    /// <summary>Beacons older than the cutoff can no longer be reordered: apply them to the base for good.</summary>
    private void Fold(Session session, long cutoff)
    {
        var pending = session.Pending;
        var n = 0;
        while (n < pending.Length && pending[n].Ts < cutoff)
        {
            if (!session.Base.Apply(pending[n], Emission.Silent, _rules))
            {
                Counters.Orphans++;
                _output.Orphan(Id, session.Id, pending[n], session.Base.EndTs);
            }

            n++;
        }

        session.DropPending(n);
    }

    private void Finalize(Session session)
    {
        foreach (ref readonly var beacon in session.Pending)
        {
            Counters.Orphans++;
            _output.Orphan(Id, session.Id, beacon, session.Head.EndTs);
        }

        Counters.SessionsEnded++;
        _output.SessionEnded(Id, CurrentVersion, session);
        _sessions.Remove(session.Id);
        var hash = HashSessionId(session.Id);
        if (_retentionMs > 0 && _endedSessions.TryAdd(hash, session.Head.EndTs))
        {
            _endedOrder.Enqueue((session.Head.EndTs, hash));
        }
    }

    private void ForgetEndedSessions(long before)
    {
        while (_endedOrder.TryPeek(out var oldest) && oldest.EndTs < before)
        {
            _endedOrder.Dequeue();
            _endedSessions.Remove(oldest.Hash);
        }
    }

    private static ulong HashSessionId(ReadOnlySpan<char> id) => StableHash.Hash64(MemoryMarshal.AsBytes(id));

    /// <summary>Sweeps run since the last message (by idleness or the end of input); part of the row version.</summary>
    internal long SweepsSinceLastMessage => _sweepSeq;

    /// <summary>Checkpoint access: the ended-session memory.</summary>
    internal IEnumerable<(long EndTs, ulong Hash)> EndedSessions => _endedOrder;

    /// <summary>Restores the state captured by a checkpoint; the checkpoint reader is the only caller.</summary>
    internal void Restore(long lastOffset, long maxTs, long watermark, long swept, long sweepSeq, IEnumerable<Session> sessions, IEnumerable<(long EndTs, ulong Hash)> ended)
    {
        _lastOffset = lastOffset;
        _sweepSeq = sweepSeq;
        _maxTs = maxTs;
        _watermark = watermark;
        _swept = swept;
        foreach (var s in sessions)
        {
            _sessions.Add(s.Id, s);
        }

        foreach (var (endTs, hash) in ended)
        {
            if (_endedSessions.TryAdd(hash, endTs))
            {
                _endedOrder.Enqueue((endTs, hash));
            }
        }
    }
}
