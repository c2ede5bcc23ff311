using System.Text;
using Analytics.Ingest.Events;
using FsCheck;
using FsCheck.Fluent;

namespace Analytics.Ingest.Tests.Events;

public sealed class EventRoundtripTests
{
    // Pieces strings are made of: plain ASCII, characters JSON must escape, and multi-byte UTF-8
    // (including a surrogate pair), so the encoder's escaping and the decoder's unescaping both run.
    private static readonly string[] Pieces =
    [
        "a", "Z", "0", "-", "_", ".", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "<", "&", "+", "'",
        "é", "ß", "€", "日", "\U0001F600", "ж",
    ];

    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    [Fact]
    public void Every_valid_beacon_survives_encode_then_decode()
    {
        var encoder = new EventEncoder();
        var decoder = new EventDecoder();

        Check.One(Quick, Prop.ForAll(Arb.From(Beacons()), beacon =>
        {
            var decoded = decoder.DecodeBeacon(encoder.Encode(beacon));
            return (decoded == beacon).Label($"decoded {decoded} error {decoder.Error}");
        }));
    }

    [Fact]
    public void The_decoder_never_throws_on_mutated_beacons()
    {
        var encoder = new EventEncoder();
        var decoder = new EventDecoder();
        var mutations =
            from beacon in Beacons()
            from position in Gen.Choose(0, 10_000)
            from mutation in Gen.Choose(0, 3)
            from value in Gen.Choose(0, 255)
            select (beacon, position, mutation, (byte)value);

        Check.One(Quick, Prop.ForAll(Arb.From(mutations), input =>
        {
            var bytes = encoder.Encode(input.beacon).ToArray();
            var at = input.position % bytes.Length;
            bytes = input.mutation switch
            {
                0 => bytes[..at],
                1 => [.. bytes[..at], input.Item4, .. bytes[at..]],
                2 => [.. bytes[..at], .. bytes[(at + 1)..]],
                _ => Flip(bytes, at, input.Item4),
            };
            var ok = decoder.TryDecode(bytes, out _);
            return (ok ? decoder.Error.Reason == InvalidEventReason.None : decoder.Error.Reason != InvalidEventReason.None)
                .Label($"{(ok ? "accepted" : decoder.Error.ToString())}: {Encoding.UTF8.GetString(bytes)}");
        }));

        static byte[] Flip(byte[] bytes, int at, byte value)
        {
            bytes[at] = value;
            return bytes;
        }
    }

    [Fact]
    public void Encoded_beacons_use_the_documented_field_names()
    {
        using var encoder = new EventEncoder();
        var beacon = new PlaybackBeacon
        {
            EventId = "e1",
            SessionId = "s1",
            Type = EventType.Error,
            TimestampMs = 1764201600000,
            Device = new DeviceInfo("tv", "tizen", null, "6.14.0"),
            Geo = new GeoInfo("us-east", "US", "Comcast", null),
            Cdn = "oca",
            Pop = "iad-2",
            TitleId = "t000421",
            ErrorCode = "NETWORK_LOST",
            Fatal = true,
        };

        var json = Encoding.UTF8.GetString(encoder.Encode(beacon));

        Assert.Equal(
            "{\"v\":1,\"event_id\":\"e1\",\"session_id\":\"s1\",\"type\":\"error\",\"ts\":1764201600000,"
            + "\"device\":{\"type\":\"tv\",\"os\":\"tizen\",\"app_version\":\"6.14.0\"},"
            + "\"geo\":{\"region\":\"us-east\",\"country\":\"US\",\"isp\":\"Comcast\"},"
            + "\"cdn\":\"oca\",\"pop\":\"iad-2\",\"title_id\":\"t000421\",\"error_code\":\"NETWORK_LOST\",\"fatal\":true}",
            json);
    }

    [Fact]
    public void Event_type_wire_names_parse_back()
    {
        foreach (var type in EventTypes.All)
        {
            Assert.True(EventTypes.TryParse(type.ToWire(), out var parsed));
            Assert.Equal(type, parsed);
        }

        Assert.False(EventTypes.TryParse("HEARTBEAT", out _));
        Assert.False(EventTypes.TryParse(new string('x', 40), out _));
        Assert.Equal(EventTypes.Count, EventTypes.All.Count);
    }

    private static Gen<PlaybackBeacon> Beacons() =>
        from type in Gen.Elements(EventTypes.All.ToArray())
        from ids in Gen.Two(Text(128))
        from ts in Gen.OneOf(
            Gen.Elements(EventDecoder.MinTimestampMs, EventDecoder.MaxTimestampMs - 1),
            Gen.Choose(0, int.MaxValue).Select(x => EventDecoder.MinTimestampMs + (long)((EventDecoder.MaxTimestampMs - EventDecoder.MinTimestampMs - 1) * (x / (double)int.MaxValue))))
        from device in Gen.Four(Text(128))
        from hasModel in Gen.Elements(true, false)
        from geo in Gen.Three(Text(128))
        from asn in Gen.OneOf(Gen.Constant<long?>(null), Gen.Elements<long?>(0, uint.MaxValue), Gen.Choose(0, int.MaxValue).Select(x => (long?)x))
        from dims in Gen.Three(Text(128))
        from playhead in Optional(Gen.OneOf(Gen.Elements(0L, EventDecoder.MaxPlayheadMs), Gen.Choose(0, int.MaxValue).Select(x => (long)x)))
        from bitrate in Optional(Gen.OneOf(Gen.Elements(1, EventDecoder.MaxBitrateKbps), Gen.Choose(1, EventDecoder.MaxBitrateKbps)))
        from bytes in Optional(Gen.OneOf(Gen.Elements(0L, EventDecoder.MaxBytes), Gen.Choose(0, int.MaxValue).Select(x => (long)x * 2)))
        from cacheHit in Optional(Gen.Elements(true, false))
        from errorCode in Gen.OneOf(Gen.Constant<string?>(null), Text(128).Select(s => (string?)s))
        from fatal in Gen.Elements(true, false)
        select WithTypeFields(new PlaybackBeacon
        {
            EventId = ids.Item1,
            SessionId = ids.Item2,
            Type = type,
            TimestampMs = ts,
            Device = new DeviceInfo(device.Item1, device.Item2, hasModel ? device.Item3 : null, device.Item4),
            Geo = new GeoInfo(geo.Item1, geo.Item2, geo.Item3, asn),
            Cdn = dims.Item1,
            Pop = dims.Item2,
            TitleId = dims.Item3,
            PlayheadMs = playhead,
            BitrateKbps = bitrate,
            Bytes = bytes,
            CacheHit = cacheHit,
            ErrorCode = errorCode,

            // The decoder reads fatal only on error beacons.
            Fatal = type == EventType.Error ? fatal : null,
        });

    private static PlaybackBeacon WithTypeFields(PlaybackBeacon b) => b.Type switch
    {
        EventType.FirstFrame or EventType.BitrateChange => b with { BitrateKbps = b.BitrateKbps ?? 2350 },
        EventType.Heartbeat => b with { PlayheadMs = b.PlayheadMs ?? 0, BitrateKbps = b.BitrateKbps ?? 2350, Bytes = b.Bytes ?? 0, CacheHit = b.CacheHit ?? false },
        EventType.Seek => b with { PlayheadMs = b.PlayheadMs ?? 60_000 },
        EventType.Error => b with { ErrorCode = b.ErrorCode ?? "E" },
        _ => b,
    };

    private static Gen<T?> Optional<T>(Gen<T> gen)
        where T : struct
        => Gen.OneOf(Gen.Constant<T?>(null), gen.Select(x => (T?)x));

    /// <summary>Non-empty strings of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    private static Gen<string> Text(int maxBytes) =>
        Gen.NonEmptyListOf(Gen.Elements(Pieces)).Select(pieces =>
        {
            var sb = new StringBuilder();
            foreach (var piece in pieces)
            {
                if (Encoding.UTF8.GetByteCount(sb.ToString()) + Encoding.UTF8.GetByteCount(piece) > maxBytes)
                {
                    break;
                }

                sb.Append(piece);
            }

            return sb.ToString();
        });
}
