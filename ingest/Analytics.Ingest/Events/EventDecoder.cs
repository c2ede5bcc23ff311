using System.Text;

namespace Analytics.Ingest.Events;

/// <summary>
/// Decodes and validates one JSON beacon (schema v1, see docs/events.md). A scanner built for the
/// contract decodes valid beacons without allocating; whatever it leaves undecided (every invalid
/// beacon, and valid ones in rare forms such as escaped strings) goes to the general
/// <see cref="JsonEventDecoder"/>, whose verdicts and messages are the contract's.
/// Not thread-safe: one decoder per processing thread.
/// </summary>
internal sealed class EventDecoder
{
    public const int MaxEventBytes = 64 * 1024;
    public const int MaxIdBytes = 128;
    public const int MaxValueBytes = 128;
    public const long MinTimestampMs = 946_684_800_000;   // 2000-01-01T00:00:00Z
    public const long MaxTimestampMs = 4_102_444_800_000; // 2100-01-01T00:00:00Z
    public const int MaxBitrateKbps = 1_000_000;
    public const long MaxBytes = uint.MaxValue; // 4 GiB per beacon; processors keep it in 32 bits
    public const long MaxPlayheadMs = 1L << 40;

    private readonly StringPool _pool;
    private readonly BeaconScanner _scanner;
    private readonly JsonEventDecoder _general;
    private bool _lastWasGeneral;

    public EventDecoder(StringPool? pool = null)
    {
        _pool = pool ?? new StringPool();
        _scanner = new BeaconScanner(_pool);
        _general = new JsonEventDecoder(_pool);
    }

    public StringPool Pool => _pool;

    /// <summary>Beacons the scanner left to the general decoder, valid or not.</summary>
    public long GeneralDecodes { get; private set; }

    /// <summary>Why the last <see cref="TryDecode"/> failed.</summary>
    public InvalidEvent Error => _lastWasGeneral ? _general.Error : default;

    /// <summary>The session id of the last decoded event; valid until the next call.</summary>
    public ReadOnlySpan<char> SessionId => _lastWasGeneral ? _general.SessionId : _scanner.SessionId;

    /// <summary>The raw event id of the last decoded event; valid until the next call.</summary>
    public ReadOnlySpan<byte> EventIdUtf8 => _lastWasGeneral ? _general.EventIdUtf8 : _scanner.EventIdUtf8;

    public bool TryDecode(ReadOnlySpan<byte> utf8, out PlaybackEvent ev)
    {
        if (_scanner.TryScan(utf8, out ev))
        {
            _lastWasGeneral = false;
            return true;
        }

        _lastWasGeneral = true;
        GeneralDecodes++;
        return _general.TryDecode(utf8, out ev);
    }

    /// <summary>Decodes into the object form, for tools and tests. Returns null when invalid.</summary>
    public PlaybackBeacon? DecodeBeacon(ReadOnlySpan<byte> utf8)
    {
        if (!TryDecode(utf8, out var ev))
        {
            return null;
        }

        var d = ev.Dimensions;
        return new PlaybackBeacon
        {
            EventId = Encoding.UTF8.GetString(EventIdUtf8),
            SessionId = new string(SessionId),
            Type = ev.Type,
            TimestampMs = ev.TimestampMs,
            Device = new DeviceInfo(d.DeviceType, d.Os, d.Model.Length == 0 ? null : d.Model, d.AppVersion),
            Geo = new GeoInfo(d.Region, d.Country, d.Isp, d.Asn < 0 ? null : d.Asn),
            Cdn = d.Cdn,
            Pop = d.Pop,
            TitleId = d.TitleId,
            PlayheadMs = ev.PlayheadMs < 0 ? null : ev.PlayheadMs,
            BitrateKbps = ev.BitrateKbps == 0 ? null : ev.BitrateKbps,
            Bytes = ev.Bytes < 0 ? null : ev.Bytes,
            CacheHit = ev.CacheHit < 0 ? null : ev.CacheHit == 1,
            ErrorCode = ev.ErrorCode,
            Fatal = ev.Type == EventType.Error ? ev.Fatal : null,
        };
    }
}
