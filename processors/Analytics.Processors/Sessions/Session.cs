using Analytics.Processors.Dimensions;

namespace Analytics.Processors.Sessions;

/// <summary>
/// One playback session of a partition.
/// <para>
/// <see cref="Base"/> holds the state after every beacon older than the partition's cutoff (the
/// watermark minus the allowed lateness): those can no longer change. <see cref="Pending"/> holds the
/// newer beacons in order, and <see cref="Head"/> the state after all of them, accounted up to the
/// partition's last swept boundary. The invariant is Head = Run(Base, Pending, swept).
/// </para>
/// <para>
/// A beacon that arrives in order updates Head directly. One that arrives out of order, or that
/// changes the past (a session ended by timeout), replays the session from Base twice: once with
/// sign −1 to retract what Head contributed, once with sign +1 with the new beacon in place. Windows
/// thus receive exact corrections, and the result never depends on arrival order within the lateness.
/// </para>
/// </summary>
internal sealed class Session
{
    private SessionEvent[] _pending = new SessionEvent[4];

    public Session(string id, SessionDims dims)
    {
        Id = id;
        Dims = dims;
    }

    public string Id { get; }

    public SessionDims Dims { get; }

    public SessionCore Base;

    public SessionCore Head;

    public int PendingCount { get; private set; }

    /// <summary>Beacons dropped because the session already had their event id.</summary>
    public int Duplicates { get; set; }

    public ReadOnlySpan<SessionEvent> Pending => _pending.AsSpan(0, PendingCount);

    public bool ContainsEvent(ulong eventIdHash)
    {
        foreach (ref readonly var e in Pending)
        {
            if (e.EventIdHash == eventIdHash)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where <paramref name="e"/> belongs in the pending order.</summary>
    public int InsertionIndex(in SessionEvent e)
    {
        var lo = 0;
        var hi = PendingCount;
        if (hi > 0 && SessionEvent.Compare(e, _pending[hi - 1]) > 0)
        {
            return hi;
        }

        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (SessionEvent.Compare(_pending[mid], e) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public void Insert(int index, in SessionEvent e)
    {
        if (PendingCount == _pending.Length)
        {
            // Small steps past eight: a session holds about fourteen beacons (two minutes of them) for good.
            Array.Resize(ref _pending, _pending.Length < 8 ? _pending.Length * 2 : _pending.Length + 2);
        }

        Array.Copy(_pending, index, _pending, index + 1, PendingCount - index);
        _pending[index] = e;
        PendingCount++;
    }

    /// <summary>Removes the first <paramref name="count"/> pending beacons (after they were folded into Base).</summary>
    public void DropPending(int count)
    {
        if (count <= 0)
        {
            return;
        }

        Array.Copy(_pending, count, _pending, 0, PendingCount - count);
        PendingCount -= count;
        Array.Clear(_pending, PendingCount, count);
        if (_pending.Length > 8 && PendingCount < _pending.Length / 4)
        {
            Array.Resize(ref _pending, Math.Max(4, _pending.Length / 2));
        }
    }

    /// <summary>Runs the state machine from Base over the pending beacons and accounts up to <paramref name="until"/>.</summary>
    public SessionCore Run(long until, in Emission em, SessionRules rules)
    {
        var core = Base;
        foreach (ref readonly var e in Pending)
        {
            core.Apply(e, em, rules);
        }

        core.AdvanceTo(until, em, rules);
        return core;
    }

    /// <summary>Restores pending beacons from a checkpoint.</summary>
    public void RestorePending(SessionEvent[] events)
    {
        _pending = events.Length == 0 ? new SessionEvent[4] : events;
        PendingCount = events.Length;
    }
}
