using System.Runtime.InteropServices;
using Analytics.Ingest.Events;

namespace Analytics.Processors.Sessions;

/// <summary>
/// What a session keeps of a beacon while a late arrival may still reorder it: only the fields the
/// state machine reads (the dimensions live on the session), packed into 24 bytes because a session
/// keeps the last two minutes of beacons (about fourteen) and there are a million sessions.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct SessionEvent
{
    private const int KbpsBits = 20;
    private const uint KbpsMask = (1u << KbpsBits) - 1;
    private const int TypeShift = KbpsBits;
    private const int CacheHitShift = TypeShift + 4;
    private const int FatalShift = CacheHitShift + 2;

    public readonly ulong EventIdHash;
    public readonly long Ts;

    // Heartbeats carry bytes and errors carry a code, never both: one field holds either.
    private readonly uint _bytesOrCode;

    // Bitrate (20 bits, up to 1,048,575 kbps), type (4), cache hit + 1 (2), fatal (1).
    private readonly uint _packed;

    public SessionEvent(long ts, ulong eventIdHash, EventType type, long bytes = 0, int bitrateKbps = 0, sbyte cacheHit = -1, bool fatal = false, string? errorCode = null)
    {
        if ((uint)bitrateKbps > KbpsMask || bytes > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(bitrateKbps), "the decoder's limits keep bitrates below 2^20 kbps and bytes below 2^32");
        }

        Ts = ts;
        EventIdHash = eventIdHash;
        _bytesOrCode = type == EventType.Error ? ErrorCodes.Intern(errorCode) : (uint)Math.Max(0, bytes);
        _packed = (uint)bitrateKbps | ((uint)type << TypeShift) | ((uint)(cacheHit + 1) << CacheHitShift) | ((fatal ? 1u : 0u) << FatalShift);
    }

    public EventType Type => (EventType)((_packed >> TypeShift) & 0xF);

    public int BitrateKbps => (int)(_packed & KbpsMask);

    /// <summary>1, 0, or -1 when the beacon did not say.</summary>
    public sbyte CacheHit => (sbyte)(((_packed >> CacheHitShift) & 0x3) - 1);

    public bool Fatal => ((_packed >> FatalShift) & 1) != 0;

    public long Bytes => Type == EventType.Error ? 0 : _bytesOrCode;

    public string? ErrorCode => Type == EventType.Error ? ErrorCodes.Lookup(_bytesOrCode) : null;

    public static SessionEvent From(in PlaybackEvent e)
        => new(e.TimestampMs, e.EventIdHash, e.Type, Math.Max(0, e.Bytes), e.BitrateKbps, e.CacheHit, e.Fatal, e.ErrorCode);

    /// <summary>
    /// The order a session applies its beacons in: event time, then <see cref="EventTypes.SameMillisecondRank"/>,
    /// then the event id, so that every replay and the reference model agree.
    /// </summary>
    public static int Compare(in SessionEvent a, in SessionEvent b)
    {
        var c = a.Ts.CompareTo(b.Ts);
        if (c != 0)
        {
            return c;
        }

        c = a.Type.SameMillisecondRank().CompareTo(b.Type.SameMillisecondRank());
        return c != 0 ? c : a.EventIdHash.CompareTo(b.EventIdHash);
    }
}

/// <summary>
/// Error codes by small number, so a pending error beacon needs no string reference. Codes are few
/// (a player has a few dozen); past <see cref="Capacity"/> distinct codes the rest share one name,
/// so a flood of random codes costs a count, not memory.
/// </summary>
internal static class ErrorCodes
{
    public const int Capacity = 1 << 16;
    public const string Overflow = "(other)";
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, uint> Ids = new(StringComparer.Ordinal);
    private static string[] _codes = new string[64];
    private static uint _count;

    static ErrorCodes() => Intern(Overflow);

    public static uint Intern(string? code)
    {
        if (code is null)
        {
            return 0;
        }

        lock (Gate)
        {
            if (Ids.TryGetValue(code, out var id))
            {
                return id;
            }

            if (_count >= Capacity)
            {
                return Ids[Overflow];
            }

            if (_count + 1 >= _codes.Length)
            {
                var grown = new string[_codes.Length * 2];
                _codes.CopyTo(grown, 0);
                _codes = grown;
            }

            id = ++_count;
            _codes[id] = code;
            Ids.Add(code, id);
            return id;
        }
    }

    public static string? Lookup(uint id)
    {
        var codes = Volatile.Read(ref _codes);
        return id == 0 || id >= codes.Length ? null : codes[id];
    }
}
