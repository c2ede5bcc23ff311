using Analytics.Ingest.Events;

namespace Analytics.Processors.Sessions;

/// <summary>
/// What a session keeps of a beacon while the beacon may still be reordered by a late arrival:
/// only the fields the state machine reads (the dimensions live on the session).
/// </summary>
internal struct SessionEvent
{
    public long Ts;
    public ulong EventIdHash;
    public long Bytes;
    public string? ErrorCode;
    public int BitrateKbps;
    public EventType Type;
    public sbyte CacheHit;
    public bool Fatal;

    public static SessionEvent From(in PlaybackEvent e) => new()
    {
        Ts = e.TimestampMs,
        EventIdHash = e.EventIdHash,
        Bytes = e.Bytes,
        ErrorCode = e.ErrorCode,
        BitrateKbps = e.BitrateKbps,
        Type = e.Type,
        CacheHit = e.CacheHit,
        Fatal = e.Fatal,
    };

    /// <summary>
    /// The order a session applies its beacons in: event time, then the natural order of a player's
    /// beacons at the same millisecond (a seek precedes the stall it causes; an error precedes the end),
    /// then the event id, so that every replay and the reference model agree.
    /// </summary>
    public static int Compare(in SessionEvent a, in SessionEvent b)
    {
        var c = a.Ts.CompareTo(b.Ts);
        if (c != 0)
        {
            return c;
        }

        c = Rank(a.Type).CompareTo(Rank(b.Type));
        return c != 0 ? c : a.EventIdHash.CompareTo(b.EventIdHash);
    }

    public static int Rank(EventType type) => type switch
    {
        EventType.PlayRequest => 0,
        EventType.FirstFrame => 1,
        EventType.Seek => 2,
        EventType.RebufferStart => 3,
        EventType.RebufferEnd => 4,
        EventType.BitrateChange => 5,
        EventType.Pause => 6,
        EventType.Resume => 7,
        EventType.Heartbeat => 8,
        EventType.Error => 9,
        EventType.End => 10,
        _ => 11,
    };
}
