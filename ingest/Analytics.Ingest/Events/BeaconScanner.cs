using System.Text;
using static Analytics.Ingest.Events.EventDecoder;

namespace Analytics.Ingest.Events;

/// <summary>
/// The fast path of <see cref="EventDecoder"/>: one pass over a beacon that knows the v1 contract.
/// Known keys are told apart by length and a few bytes, unknown values are skipped with vector
/// searches, integers are parsed in place and dimension values are interned through per-field
/// caches, so a beacon costs no allocation. It only ever says "valid, and here it is": on any
/// doubt (an error of any kind, escapes, odd numbers) it returns false, and the general decoder
/// gives the verdict, so verdicts and dead-letter reasons are the general decoder's by
/// construction. Not thread-safe.
/// </summary>
internal sealed class BeaconScanner
{
    private const BeaconField RequiredFields = BeaconField.Version | BeaconField.EventId | BeaconField.SessionId | BeaconField.Type | BeaconField.Ts
        | BeaconField.Device | BeaconField.DeviceType | BeaconField.DeviceOs | BeaconField.DeviceAppVersion
        | BeaconField.Geo | BeaconField.GeoRegion | BeaconField.GeoCountry | BeaconField.GeoIsp | BeaconField.Cdn | BeaconField.Pop | BeaconField.TitleId;

    private readonly char[] _sessionChars = new char[MaxIdBytes];
    private readonly byte[] _eventId = new byte[MaxIdBytes];

    /// <summary>Unescaped strings; twice the longest valid value so that one just over the limit is still read.</summary>
    private readonly byte[] _scratch = new byte[2 * MaxValueBytes];
    private readonly InternCache _deviceType, _os, _model, _appVersion, _region, _country, _isp, _cdn, _pop, _title, _errorCode;
    private int _sessionLength;
    private int _eventIdLength;

    public BeaconScanner(StringPool pool)
    {
        _deviceType = new(pool);
        _os = new(pool);
        _model = new(pool, slotBits: 8);
        _appVersion = new(pool);
        _region = new(pool);
        _country = new(pool);
        _isp = new(pool, slotBits: 8);
        _cdn = new(pool);
        _pop = new(pool, slotBits: 8);
        _title = new(pool, slotBits: 10);
        _errorCode = new(pool);
    }

    /// <summary>The session id of the last scanned beacon; valid until the next call.</summary>
    public ReadOnlySpan<char> SessionId => _sessionChars.AsSpan(0, _sessionLength);

    /// <summary>The raw event id of the last scanned beacon; valid until the next call.</summary>
    public ReadOnlySpan<byte> EventIdUtf8 => _eventId.AsSpan(0, _eventIdLength);

    /// <summary>True with the decoded event when the beacon is certainly valid; false when undecided.</summary>
    public bool TryScan(ReadOnlySpan<byte> utf8, out PlaybackEvent ev)
    {
        ev = PlaybackEvent.Blank;
        _sessionLength = 0;
        _eventIdLength = 0;
        if (utf8.Length > MaxEventBytes)
        {
            return false;
        }

        var json = new JsonCursor(utf8, _scratch);
        var f = new Fields();
        if (!json.TryConsume((byte)'{') || !ReadMembers(ref json, ref f, ref ev, Level.Beacon) || !json.AtEnd())
        {
            return false;
        }

        if ((f.Seen & RequiredFields) != RequiredFields || (f.Seen & RequiredFor(ev.Type)) != RequiredFor(ev.Type))
        {
            return false;
        }

        ev.EventIdHash = StableHash.Hash64(EventIdUtf8);
        ev.Dimensions = new EventDimensions(f.DeviceType, f.Os, f.Model, f.AppVersion, f.Region, f.Country, f.Isp, f.Asn, f.Cdn, f.Pop, f.Title);
        return true;
    }

    private enum Level
    {
        Beacon,
        Device,
        Geo,
    }

    private static BeaconField RequiredFor(EventType type) => type switch
    {
        EventType.FirstFrame or EventType.BitrateChange => BeaconField.Bitrate,
        EventType.Heartbeat => BeaconField.Playhead | BeaconField.Bitrate | BeaconField.Bytes | BeaconField.CacheHit,
        EventType.Seek => BeaconField.Playhead,
        EventType.Error => BeaconField.ErrorCode | BeaconField.Fatal,
        _ => BeaconField.None,
    };

    private static bool Mark(ref Fields f, BeaconField field)
    {
        if ((f.Seen & field) != 0)
        {
            return false;
        }

        f.Seen |= field;
        return true;
    }

    /// <summary>Reads the members of an object whose '{' is consumed, through its '}'.</summary>
    private bool ReadMembers(ref JsonCursor json, ref Fields f, ref PlaybackEvent ev, Level level)
    {
        if (json.TryConsume((byte)'}'))
        {
            return true;
        }

        while (true)
        {
            if (!json.TryReadName(out var name))
            {
                return false;
            }

            // A null value means absent, whatever the key (as in the general decoder).
            var ok = json.Peek() == 'n' ? json.TryReadLiteral("null"u8) : level switch
            {
                Level.Beacon => ReadBeaconMember(ref json, name, ref f, ref ev),
                Level.Device => ReadDeviceMember(ref json, name, ref f),
                _ => ReadGeoMember(ref json, name, ref f),
            };
            if (!ok)
            {
                return false;
            }

            var next = json.Peek();
            json.Advance();
            if (next == '}')
            {
                return true;
            }

            if (next != ',')
            {
                return false;
            }
        }
    }

    private bool ReadBeaconMember(ref JsonCursor json, ReadOnlySpan<byte> name, ref Fields f, ref PlaybackEvent ev)
    {
        switch (name.Length)
        {
            case 1 when name[0] == 'v':
                return Mark(ref f, BeaconField.Version) && json.TryReadInt64(out var version) && version == PlaybackBeacon.SchemaVersion;
            case 2 when name[0] == 't' && name[1] == 's':
                return Mark(ref f, BeaconField.Ts) && ReadInt64(ref json, MinTimestampMs, MaxTimestampMs - 1, out ev.TimestampMs);
            case 3:
                switch (name[0])
                {
                    case (byte)'c' when name.SequenceEqual("cdn"u8):
                        return Mark(ref f, BeaconField.Cdn) && ReadInterned(ref json, _cdn, out f.Cdn);
                    case (byte)'p' when name.SequenceEqual("pop"u8):
                        return Mark(ref f, BeaconField.Pop) && ReadInterned(ref json, _pop, out f.Pop);
                    case (byte)'g' when name.SequenceEqual("geo"u8):
                        return Mark(ref f, BeaconField.Geo) && json.TryConsume((byte)'{') && ReadMembers(ref json, ref f, ref ev, Level.Geo);
                }

                break;
            case 4 when name.SequenceEqual("type"u8):
                return Mark(ref f, BeaconField.Type) && json.TryReadString(out var type) && EventTypes.TryParse(type, out ev.Type);
            case 5 when name[0] == 'b' && name.SequenceEqual("bytes"u8):
                return Mark(ref f, BeaconField.Bytes) && ReadInt64(ref json, 0, MaxBytes, out ev.Bytes);
            case 5 when name[0] == 'f' && name.SequenceEqual("fatal"u8):
                return Mark(ref f, BeaconField.Fatal) && json.TryReadBool(out ev.Fatal);
            case 6 when name.SequenceEqual("device"u8):
                return Mark(ref f, BeaconField.Device) && json.TryConsume((byte)'{') && ReadMembers(ref json, ref f, ref ev, Level.Device);
            case 8 when name[0] == 'e' && name.SequenceEqual("event_id"u8):
                return Mark(ref f, BeaconField.EventId) && ReadEventId(ref json);
            case 8 when name[0] == 't' && name.SequenceEqual("title_id"u8):
                return Mark(ref f, BeaconField.TitleId) && ReadInterned(ref json, _title, out f.Title);
            case 9 when name.SequenceEqual("cache_hit"u8):
                if (!Mark(ref f, BeaconField.CacheHit) || !json.TryReadBool(out var hit))
                {
                    return false;
                }

                ev.CacheHit = hit ? (sbyte)1 : (sbyte)0;
                return true;
            case 10 when name[0] == 's' && name.SequenceEqual("session_id"u8):
                return Mark(ref f, BeaconField.SessionId) && ReadSessionId(ref json);
            case 10 when name[0] == 'e' && name.SequenceEqual("error_code"u8):
                if (!Mark(ref f, BeaconField.ErrorCode) || !ReadInterned(ref json, _errorCode, out var code))
                {
                    return false;
                }

                ev.ErrorCode = code;
                return true;
            case 11 when name.SequenceEqual("playhead_ms"u8):
                return Mark(ref f, BeaconField.Playhead) && ReadInt64(ref json, 0, MaxPlayheadMs, out ev.PlayheadMs);
            case 12 when name.SequenceEqual("bitrate_kbps"u8):
                if (!Mark(ref f, BeaconField.Bitrate) || !ReadInt64(ref json, 1, MaxBitrateKbps, out var kbps))
                {
                    return false;
                }

                ev.BitrateKbps = (int)kbps;
                return true;
        }

        // Unknown fields are allowed so that producers can add fields before processors read them.
        return json.TrySkipValue(1);
    }

    private bool ReadDeviceMember(ref JsonCursor json, ReadOnlySpan<byte> name, ref Fields f) => name.Length switch
    {
        2 when name[0] == 'o' && name[1] == 's' => Mark(ref f, BeaconField.DeviceOs) && ReadInterned(ref json, _os, out f.Os),
        4 when name.SequenceEqual("type"u8) => Mark(ref f, BeaconField.DeviceType) && ReadInterned(ref json, _deviceType, out f.DeviceType),
        5 when name.SequenceEqual("model"u8) => Mark(ref f, BeaconField.DeviceModel) && ReadInterned(ref json, _model, out f.Model),
        11 when name.SequenceEqual("app_version"u8) => Mark(ref f, BeaconField.DeviceAppVersion) && ReadInterned(ref json, _appVersion, out f.AppVersion),
        _ => json.TrySkipValue(2),
    };

    private bool ReadGeoMember(ref JsonCursor json, ReadOnlySpan<byte> name, ref Fields f) => name.Length switch
    {
        3 when name.SequenceEqual("isp"u8) => Mark(ref f, BeaconField.GeoIsp) && ReadInterned(ref json, _isp, out f.Isp),
        3 when name.SequenceEqual("asn"u8) => Mark(ref f, BeaconField.GeoAsn) && ReadInt64(ref json, 0, uint.MaxValue, out f.Asn),
        6 when name.SequenceEqual("region"u8) => Mark(ref f, BeaconField.GeoRegion) && ReadInterned(ref json, _region, out f.Region),
        7 when name.SequenceEqual("country"u8) => Mark(ref f, BeaconField.GeoCountry) && ReadInterned(ref json, _country, out f.Country),
        _ => json.TrySkipValue(2),
    };

    private static bool ReadInt64(ref JsonCursor json, long min, long max, out long value)
        => json.TryReadInt64(out value) && value >= min && value <= max;

    private static bool ReadInterned(ref JsonCursor json, InternCache cache, out string value)
    {
        if (!json.TryReadString(out var raw) || raw.IsEmpty || raw.Length > MaxValueBytes)
        {
            value = string.Empty;
            return false;
        }

        value = cache.GetOrAdd(raw);
        return true;
    }

    private bool ReadEventId(ref JsonCursor json)
    {
        if (!json.TryReadString(out var raw) || raw.IsEmpty || raw.Length > MaxIdBytes)
        {
            return false;
        }

        raw.CopyTo(_eventId);
        _eventIdLength = raw.Length;
        return true;
    }

    private bool ReadSessionId(ref JsonCursor json)
    {
        if (!json.TryReadString(out var raw) || raw.IsEmpty || raw.Length > MaxIdBytes)
        {
            return false;
        }

        // Valid UTF-8 never has more chars than bytes, so the buffer of MaxIdBytes chars suffices.
        _sessionLength = Encoding.UTF8.GetChars(raw, _sessionChars);
        return true;
    }

    /// <summary>What the members read so far carry, beside the event itself.</summary>
    private struct Fields
    {
        public BeaconField Seen;
        public string DeviceType, Os, Model, AppVersion, Region, Country, Isp, Cdn, Pop, Title;
        public long Asn;

        public Fields()
        {
            DeviceType = Os = Model = AppVersion = Region = Country = Isp = Cdn = Pop = Title = string.Empty;
            Asn = PlaybackEvent.Absent;
        }
    }
}
