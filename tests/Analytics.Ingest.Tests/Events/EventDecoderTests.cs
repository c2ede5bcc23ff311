using System.Text;
using System.Text.Json.Nodes;
using Analytics.Ingest.Events;

namespace Analytics.Ingest.Tests.Events;

public sealed class EventDecoderTests
{
    private static readonly string[] CommonRequiredFields =
    [
        "event_id", "session_id", "type", "ts", "device", "device.type", "device.os", "device.app_version",
        "geo", "geo.region", "geo.country", "geo.isp", "cdn", "pop", "title_id",
    ];

    private readonly EventDecoder _decoder = new();

    public static TheoryData<string> EventTypeNames => new(EventTypes.All.Select(t => t.ToWire()));

    public static TheoryData<string> RequiredFields => new(CommonRequiredFields);

    [Fact]
    public void The_documented_example_decodes_into_every_field()
    {
        var ev = Accept(BeaconJson.Utf8(BeaconJson.Heartbeat));

        Assert.Equal(EventType.Heartbeat, ev.Type);
        Assert.Equal(1764201600000, ev.TimestampMs);
        Assert.Equal("s-6d1f0c9a3b2e4f71", _decoder.SessionId.ToString());
        Assert.Equal("3f9c1a7e0b2d4c55"u8.ToArray(), _decoder.EventIdUtf8.ToArray());
        Assert.Equal(StableHash.Hash64("3f9c1a7e0b2d4c55"u8), ev.EventIdHash);
        Assert.Equal(new EventDimensions("tv", "tizen", "QN90C", "6.14.0", "us-east", "US", "Comcast", 7922, "oca", "iad-2", "t000421"), ev.Dimensions);
        Assert.Equal(734000, ev.PlayheadMs);
        Assert.Equal(5800, ev.BitrateKbps);
        Assert.Equal(7250000, ev.Bytes);
        Assert.Equal(1, ev.CacheHit);
        Assert.Null(ev.ErrorCode);
        Assert.False(ev.Fatal);
        Assert.Equal(default, _decoder.Error);
    }

    [Theory]
    [MemberData(nameof(EventTypeNames))]
    public void Every_event_type_decodes_with_the_fields_it_needs(string type)
    {
        var ev = Accept(BeaconJson.Valid(type).Bytes());

        Assert.Equal(type, ev.Type.ToWire());
    }

    [Fact]
    public void Optional_fields_absent_are_reported_as_absent()
    {
        var ev = Accept(BeaconJson.Valid("play_request").Without("device.model").Without("geo.asn").Bytes());

        Assert.Equal(string.Empty, ev.Dimensions.Model);
        Assert.Equal(PlaybackEvent.Absent, ev.Dimensions.Asn);
        Assert.Equal(PlaybackEvent.Absent, ev.PlayheadMs);
        Assert.Equal(PlaybackEvent.Absent, ev.Bytes);
        Assert.Equal(0, ev.BitrateKbps);
        Assert.Equal(-1, ev.CacheHit);
        Assert.Null(ev.ErrorCode);
    }

    [Fact]
    public void An_error_beacon_carries_its_code_and_fatality()
    {
        var ev = Accept(BeaconJson.Valid("error").With("fatal", false).With("error_code", "DECODER_GLITCH").Bytes());

        Assert.Equal("DECODER_GLITCH", ev.ErrorCode);
        Assert.False(ev.Fatal);
        Assert.True(Accept(BeaconJson.Valid("error").Bytes()).Fatal);
    }

    [Fact]
    public void Each_rejection_reason_is_reachable()
    {
        var samples = new Dictionary<InvalidEventReason, byte[]>
        {
            [InvalidEventReason.Empty] = [],
            [InvalidEventReason.TooLarge] = Padded(EventDecoder.MaxEventBytes + 1),
            [InvalidEventReason.MalformedJson] = BeaconJson.Utf8("{\"v\":1,"),
            [InvalidEventReason.NotAnObject] = BeaconJson.Utf8("[1,2]"),
            [InvalidEventReason.UnsupportedSchemaVersion] = BeaconJson.Valid().With("v", 2).Bytes(),
            [InvalidEventReason.MissingField] = BeaconJson.Valid().Without("pop").Bytes(),
            [InvalidEventReason.InvalidField] = BeaconJson.Valid().With("ts", "yesterday").Bytes(),
            [InvalidEventReason.DuplicateField] = BeaconJson.Utf8(BeaconJson.Heartbeat.Replace("\"cdn\":\"oca\"", "\"cdn\":\"oca\",\"cdn\":\"oca\"", StringComparison.Ordinal)),
            [InvalidEventReason.UnknownEventType] = BeaconJson.Valid().With("type", "ad_impression").Bytes(),
        };

        Assert.Equal(InvalidEventReasons.All.OrderBy(r => r), samples.Keys.OrderBy(r => r));
        foreach (var (reason, bytes) in samples)
        {
            var error = Reject(bytes);
            Assert.Equal(reason, error.Reason);
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void An_empty_message_is_empty()
    {
        var error = Reject([]);

        Assert.Equal(InvalidEventReason.Empty, error.Reason);
        Assert.Null(error.Field);
        Assert.Equal("empty", error.Code);
    }

    [Fact]
    public void Size_limit_is_64_KiB_inclusive()
    {
        var atLimit = Padded(EventDecoder.MaxEventBytes);
        Assert.Equal(EventDecoder.MaxEventBytes, atLimit.Length);
        Accept(atLimit);

        var error = Reject(Padded(EventDecoder.MaxEventBytes + 1));
        Assert.Equal(InvalidEventReason.TooLarge, error.Reason);
        Assert.Contains("65537", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"v\":1")]
    [InlineData("{\"v\":1,}")]
    [InlineData("{'v':1}")]
    [InlineData("{v:1}")]
    [InlineData("not json")]
    [InlineData("   ")]
    [InlineData("{\"v\":1 /* comment */}")]
    [InlineData("{\"v\":tru}")]
    public void Broken_json_is_malformed(string json)
    {
        var error = Reject(BeaconJson.Utf8(json));

        Assert.Equal(InvalidEventReason.MalformedJson, error.Reason);
        Assert.Null(error.Field);
    }

    [Fact]
    public void A_truncated_beacon_is_malformed_at_every_cut()
    {
        var full = BeaconJson.Valid().Bytes();
        for (var length = 1; length < full.Length; length++)
        {
            Assert.Equal(InvalidEventReason.MalformedJson, Reject(full[..length]).Reason);
        }
    }

    [Fact]
    public void Binary_garbage_is_malformed()
    {
        Assert.Equal(InvalidEventReason.MalformedJson, Reject([0xFF, 0xFE, 0x00, 0x7B]).Reason);
        Assert.Equal(InvalidEventReason.MalformedJson, Reject([0x80, (byte)'{', (byte)'}']).Reason);
    }

    [Theory]
    [InlineData("x")]
    [InlineData(",")]
    [InlineData("}")]
    [InlineData("{\"v\":1}")]
    [InlineData(" []")]
    public void Content_after_the_object_is_malformed(string trailer)
    {
        var error = Reject([.. BeaconJson.Valid().Bytes(), .. BeaconJson.Utf8(trailer)]);

        Assert.Equal(InvalidEventReason.MalformedJson, error.Reason);
    }

    [Fact]
    public void Whitespace_around_the_object_is_fine()
    {
        Accept(BeaconJson.Utf8(" \r\n\t" + BeaconJson.Heartbeat + " \n\n"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[{\"v\":1}]")]
    [InlineData("\"heartbeat\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    public void A_value_other_than_an_object_is_not_an_object(string json)
    {
        var error = Reject(BeaconJson.Utf8(json));

        Assert.Equal(InvalidEventReason.NotAnObject, error.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(99)]
    public void Other_schema_versions_are_unsupported(int version)
    {
        var error = Reject(BeaconJson.Valid().With("v", version).Bytes());

        Assert.Equal(InvalidEventReason.UnsupportedSchemaVersion, error.Reason);
        Assert.Equal("v", error.Field);
        Assert.Contains(version.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_version_is_a_missing_field()
    {
        var error = Reject(BeaconJson.Valid().Without("v").Bytes());

        Assert.Equal(InvalidEventReason.MissingField, error.Reason);
        Assert.Equal("v", error.Field);
    }

    [Theory]
    [InlineData("ts", "\"2026-01-15T00:00:00Z\"")]
    [InlineData("type", "\"ad_impression\"")]
    [InlineData("pop", null)]
    public void Beacons_of_another_version_are_unsupported_whatever_else_differs(string field, string? value)
    {
        // A v2 producer may change or drop v1 fields; the rejection must name the version, not the field.
        var json = BeaconJson.Valid().With("v", 2);
        json = value is null ? json.Without(field) : json.With(field, JsonNode.Parse(value));
        var moved = new JsonObject();
        foreach (var (name, node) in json.ToArray())
        {
            if (name != "v")
            {
                json.Remove(name);
                moved[name] = node;
            }
        }

        moved["v"] = 2;

        Assert.Equal(InvalidEventReason.UnsupportedSchemaVersion, Reject(json.Bytes()).Reason);
        Assert.Equal(InvalidEventReason.UnsupportedSchemaVersion, Reject(moved.Bytes()).Reason);
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void Each_required_field_is_required(string field)
    {
        var error = Reject(BeaconJson.Valid().Without(field).Bytes());

        Assert.Equal(InvalidEventReason.MissingField, error.Reason);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("first_frame", "bitrate_kbps")]
    [InlineData("heartbeat", "playhead_ms")]
    [InlineData("heartbeat", "bitrate_kbps")]
    [InlineData("heartbeat", "bytes")]
    [InlineData("heartbeat", "cache_hit")]
    [InlineData("bitrate_change", "bitrate_kbps")]
    [InlineData("seek", "playhead_ms")]
    [InlineData("error", "error_code")]
    [InlineData("error", "fatal")]
    public void Each_type_specific_field_is_required_for_its_type(string type, string field)
    {
        var error = Reject(BeaconJson.Valid(type).Without(field).Bytes());

        Assert.Equal(InvalidEventReason.MissingField, error.Reason);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("play_request")]
    [InlineData("rebuffer_start")]
    [InlineData("rebuffer_end")]
    [InlineData("pause")]
    [InlineData("resume")]
    [InlineData("end")]
    public void Types_without_extra_fields_need_none(string type)
    {
        var ev = Accept(BeaconJson.Valid(type).Bytes());

        Assert.Equal(type, ev.Type.ToWire());
    }

    [Theory]
    [InlineData("v", "\"1\"")]
    [InlineData("v", "1.0")]
    [InlineData("event_id", "42")]
    [InlineData("session_id", "true")]
    [InlineData("session_id", "{\"id\":\"s-1\"}")]
    [InlineData("type", "3")]
    [InlineData("ts", "\"1764201600000\"")]
    [InlineData("ts", "1764201600000.5")]
    [InlineData("ts", "1.7642016e12")]
    [InlineData("device", "\"tv\"")]
    [InlineData("device", "[]")]
    [InlineData("device.type", "7")]
    [InlineData("device.os", "{}")]
    [InlineData("device.model", "false")]
    [InlineData("device.app_version", "6.14")]
    [InlineData("geo", "1")]
    [InlineData("geo.region", "[]")]
    [InlineData("geo.country", "1")]
    [InlineData("geo.isp", "true")]
    [InlineData("geo.asn", "\"7922\"")]
    [InlineData("cdn", "1")]
    [InlineData("pop", "{}")]
    [InlineData("title_id", "[1]")]
    [InlineData("playhead_ms", "\"734000\"")]
    [InlineData("bitrate_kbps", "5800.5")]
    [InlineData("bytes", "1e3")]
    [InlineData("cache_hit", "1")]
    [InlineData("cache_hit", "\"true\"")]
    public void A_value_of_the_wrong_type_is_an_invalid_field(string field, string value)
    {
        var error = Reject(BeaconJson.Valid().With(field, JsonNode.Parse(value)).Bytes());

        Assert.Equal(InvalidEventReason.InvalidField, error.Reason);
        Assert.Equal(field, error.Field);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("error_code", "500")]
    [InlineData("fatal", "\"yes\"")]
    [InlineData("fatal", "0")]
    public void Error_fields_of_the_wrong_type_are_invalid(string field, string value)
    {
        var error = Reject(BeaconJson.Valid("error").With(field, JsonNode.Parse(value)).Bytes());

        Assert.Equal(InvalidEventReason.InvalidField, error.Reason);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("v", "-1")]
    [InlineData("v", "2147483648")]
    [InlineData("ts", "946684799999")]
    [InlineData("ts", "4102444800000")]
    [InlineData("ts", "-1")]
    [InlineData("ts", "0")]
    [InlineData("ts", "99999999999999999999")]
    [InlineData("bitrate_kbps", "0")]
    [InlineData("bitrate_kbps", "-5800")]
    [InlineData("bitrate_kbps", "1000001")]
    [InlineData("bytes", "-1")]
    [InlineData("bytes", "1099511627777")]
    [InlineData("playhead_ms", "-1")]
    [InlineData("playhead_ms", "1099511627777")]
    [InlineData("geo.asn", "-1")]
    [InlineData("geo.asn", "4294967296")]
    public void A_number_out_of_range_is_an_invalid_field(string field, string value)
    {
        var error = Reject(BeaconJson.Valid().With(field, JsonNode.Parse(value)).Bytes());

        Assert.Equal(InvalidEventReason.InvalidField, error.Reason);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("ts", 946684800000)]
    [InlineData("ts", 4102444799999)]
    [InlineData("bitrate_kbps", 1)]
    [InlineData("bitrate_kbps", 1000000)]
    [InlineData("bytes", 0)]
    [InlineData("bytes", 4294967295)]
    [InlineData("playhead_ms", 0)]
    [InlineData("playhead_ms", 1099511627776)]
    [InlineData("geo.asn", 0)]
    [InlineData("geo.asn", 4294967295)]
    public void Numbers_at_the_limits_are_accepted(string field, long value)
    {
        var ev = Accept(BeaconJson.Valid().With(field, value).Bytes());

        var decoded = field switch
        {
            "ts" => ev.TimestampMs,
            "bitrate_kbps" => ev.BitrateKbps,
            "bytes" => ev.Bytes,
            "playhead_ms" => ev.PlayheadMs,
            _ => ev.Dimensions.Asn,
        };
        Assert.Equal(value, decoded);
    }

    [Theory]
    [InlineData("ad_impression")]
    [InlineData("Heartbeat")]
    [InlineData("heartbeat ")]
    [InlineData("first-frame")]
    public void An_unknown_type_is_rejected_as_such(string type)
    {
        var error = Reject(BeaconJson.Valid().With("type", type).Bytes());

        Assert.Equal(InvalidEventReason.UnknownEventType, error.Reason);
        Assert.Equal("type", error.Field);
        Assert.Contains(type, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("event_id")]
    [InlineData("session_id")]
    [InlineData("type")]
    [InlineData("device.type")]
    [InlineData("device.os")]
    [InlineData("device.model")]
    [InlineData("device.app_version")]
    [InlineData("geo.region")]
    [InlineData("geo.country")]
    [InlineData("geo.isp")]
    [InlineData("cdn")]
    [InlineData("pop")]
    [InlineData("title_id")]
    public void Strings_must_be_1_to_128_bytes(string field)
    {
        Assert.Equal(field, Reject(BeaconJson.Valid().With(field, string.Empty).Bytes()).Field);
        Assert.Equal(InvalidEventReason.InvalidField, _decoder.Error.Reason);
        Assert.Equal(field, Reject(BeaconJson.Valid().With(field, new string('a', 129)).Bytes()).Field);
        Assert.Equal(InvalidEventReason.InvalidField, _decoder.Error.Reason);
        if (field != "type")
        {
            Accept(BeaconJson.Valid().With(field, new string('a', 128)).Bytes());
        }
    }

    [Fact]
    public void String_length_counts_utf8_bytes()
    {
        // Raw UTF-8, not \u escapes: 64 two-byte characters are 128 bytes, 43 three-byte ones 129.
        var ev = Accept(BeaconJson.Utf8(BeaconJson.Heartbeat.Replace("Comcast", new string('é', 64), StringComparison.Ordinal)));
        Assert.Equal(new string('é', 64), ev.Dimensions.Isp);

        var error = Reject(BeaconJson.Utf8(BeaconJson.Heartbeat.Replace("Comcast", new string('€', 43), StringComparison.Ordinal)));
        Assert.Equal(InvalidEventReason.InvalidField, error.Reason);
        Assert.Equal("geo.isp", error.Field);
    }

    [Fact]
    public void Escaped_strings_are_unescaped()
    {
        var json = BeaconJson.Heartbeat
            .Replace("\"Comcast\"", "\"AT\\u0026T \\\"Fiber\\\"\"", StringComparison.Ordinal)
            .Replace("\"s-6d1f0c9a3b2e4f71\"", "\"s-\\u0036d1f0c9a3b2e4f71\"", StringComparison.Ordinal)
            .Replace("\"3f9c1a7e0b2d4c55\"", "\"\\u0033f9c1a7e0b2d4c55\"", StringComparison.Ordinal)
            .Replace("\"heartbeat\"", "\"heart\\u0062eat\"", StringComparison.Ordinal)
            .Replace("\"Q", "\"\\/Q", StringComparison.Ordinal);

        var ev = Accept(BeaconJson.Utf8(json));

        Assert.Equal("AT&T \"Fiber\"", ev.Dimensions.Isp);
        Assert.Equal("/QN90C", ev.Dimensions.Model);
        Assert.Equal(EventType.Heartbeat, ev.Type);
        Assert.Equal("s-6d1f0c9a3b2e4f71", _decoder.SessionId.ToString());

        // The same event id, escaped or not, hashes the same, so deduplication sees one beacon.
        Assert.Equal(StableHash.Hash64("3f9c1a7e0b2d4c55"u8), ev.EventIdHash);
    }

    [Fact]
    public void Escaped_property_names_are_matched_after_unescaping()
    {
        var json = BeaconJson.Heartbeat
            .Replace("\"ts\"", "\"\\u0074s\"", StringComparison.Ordinal)
            .Replace("\"region\"", "\"re\\u0067ion\"", StringComparison.Ordinal);

        var ev = Accept(BeaconJson.Utf8(json));

        Assert.Equal(1764201600000, ev.TimestampMs);
        Assert.Equal("us-east", ev.Dimensions.Region);
    }

    [Fact]
    public void The_length_limit_applies_after_unescaping()
    {
        var escaped = string.Concat(Enumerable.Repeat("\\u0061", 128));
        var json = BeaconJson.Heartbeat.Replace("\"Comcast\"", $"\"{escaped}\"", StringComparison.Ordinal);

        Assert.Equal(new string('a', 128), Accept(BeaconJson.Utf8(json)).Dimensions.Isp);

        var tooLong = BeaconJson.Heartbeat.Replace("\"Comcast\"", $"\"{escaped}\\u0061\"", StringComparison.Ordinal);
        Assert.Equal("geo.isp", Reject(BeaconJson.Utf8(tooLong)).Field);
    }

    [Fact]
    public void Unknown_fields_are_ignored_at_every_level()
    {
        var json = BeaconJson.Valid();
        json["x_trace"] = "abc";
        json["x_nested"] = JsonNode.Parse("{\"a\":[1,{\"b\":null}],\"c\":{\"type\":\"oops\"}}");
        json["x_list"] = JsonNode.Parse("[\"v\",2,true]");
        json["device"]!["screen"] = "3840x2160";
        json["geo"]!["city"] = JsonNode.Parse("{\"name\":\"Ashburn\"}");

        var ev = Accept(json.Bytes());

        Assert.Equal(EventType.Heartbeat, ev.Type);
        Assert.Equal("tv", ev.Dimensions.DeviceType);
        Assert.Equal("us-east", ev.Dimensions.Region);
    }

    [Fact]
    public void Nesting_beyond_the_depth_limit_is_malformed()
    {
        var json = BeaconJson.Valid();
        json["x_deep"] = JsonNode.Parse(new string('[', 10) + new string(']', 10));

        Assert.Equal(InvalidEventReason.MalformedJson, Reject(json.Bytes()).Reason);
    }

    [Theory]
    [InlineData("device.model")]
    [InlineData("geo.asn")]
    [InlineData("playhead_ms")]
    [InlineData("error_code")]
    [InlineData("fatal")]
    public void Null_optional_fields_are_absent(string field)
    {
        var ev = Accept(BeaconJson.Valid("play_request").With(field, null).Bytes());

        Assert.Equal(EventType.PlayRequest, ev.Type);
        var beacon = new EventDecoder().DecodeBeacon(BeaconJson.Valid("play_request").With(field, null).Bytes());
        Assert.NotNull(beacon);
        Assert.Null(field switch
        {
            "device.model" => beacon.Device.Model,
            "geo.asn" => (object?)beacon.Geo.Asn,
            "playhead_ms" => beacon.PlayheadMs,
            "error_code" => beacon.ErrorCode,
            _ => beacon.Fatal,
        });
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void A_null_required_field_is_missing(string field)
    {
        var error = Reject(BeaconJson.Valid().With(field, null).Bytes());

        Assert.Equal(InvalidEventReason.MissingField, error.Reason);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("heartbeat", "bytes")]
    [InlineData("error", "fatal")]
    public void A_null_type_specific_field_is_missing(string type, string field)
    {
        var error = Reject(BeaconJson.Valid(type).With(field, null).Bytes());

        Assert.Equal(InvalidEventReason.MissingField, error.Reason);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_null_then_a_value_is_not_a_duplicate()
    {
        var json = BeaconJson.Heartbeat.Replace("\"cdn\":\"oca\"", "\"cdn\":null,\"cdn\":\"oca\"", StringComparison.Ordinal);

        Assert.Equal("oca", Accept(BeaconJson.Utf8(json)).Dimensions.Cdn);
    }

    [Theory]
    [InlineData("\"v\":1", "v")]
    [InlineData("\"event_id\":\"3f9c1a7e0b2d4c55\"", "event_id")]
    [InlineData("\"session_id\":\"s-6d1f0c9a3b2e4f71\"", "session_id")]
    [InlineData("\"type\":\"heartbeat\"", "type")]
    [InlineData("\"ts\":1764201600000", "ts")]
    [InlineData("\"type\":\"tv\"", "device.type")]
    [InlineData("\"model\":\"QN90C\"", "device.model")]
    [InlineData("\"isp\":\"Comcast\"", "geo.isp")]
    [InlineData("\"asn\":7922", "geo.asn")]
    [InlineData("\"title_id\":\"t000421\"", "title_id")]
    [InlineData("\"cache_hit\":true", "cache_hit")]
    [InlineData("\"bytes\":7250000", "bytes")]
    public void A_field_given_twice_is_a_duplicate(string field, string path)
    {
        var json = BeaconJson.Heartbeat.Replace(field, field + "," + field, StringComparison.Ordinal);

        var error = Reject(BeaconJson.Utf8(json));

        Assert.Equal(InvalidEventReason.DuplicateField, error.Reason);
        Assert.Equal(path, error.Field);
    }

    [Fact]
    public void A_nested_object_given_twice_is_a_duplicate()
    {
        var device = "\"device\":{\"type\":\"tv\",\"os\":\"tizen\",\"model\":\"QN90C\",\"app_version\":\"6.14.0\"}";
        var json = BeaconJson.Heartbeat.Replace(device, device + "," + device, StringComparison.Ordinal);
        Assert.NotEqual(BeaconJson.Heartbeat, json);

        var error = Reject(BeaconJson.Utf8(json));

        Assert.Equal(InvalidEventReason.DuplicateField, error.Reason);
        Assert.Equal("device", error.Field);
    }

    [Fact]
    public void Dimension_values_are_interned_across_beacons()
    {
        var a = Accept(BeaconJson.Valid().Bytes()).Dimensions;
        var b = Accept(BeaconJson.Valid("end").Bytes()).Dimensions;

        Assert.Same(a.Region, b.Region);
        Assert.Same(a.Isp, b.Isp);
        Assert.Same(a.TitleId, b.TitleId);
        Assert.Equal(10, _decoder.Pool.Count);
    }

    [Fact]
    public void A_rejection_does_not_leak_into_the_next_decode()
    {
        Reject(BeaconJson.Valid().With("session_id", "s-first").With("cdn", 5).Bytes());
        Assert.Equal("cdn", _decoder.Error.Field);

        var ev = Accept(BeaconJson.Valid().With("session_id", "s-second").With("event_id", "e2").Bytes());

        Assert.Equal(default, _decoder.Error);
        Assert.Equal("s-second", _decoder.SessionId.ToString());
        Assert.Equal("e2"u8.ToArray(), _decoder.EventIdUtf8.ToArray());
        Assert.Equal(StableHash.Hash64("e2"u8), ev.EventIdHash);
    }

    [Fact]
    public void DecodeBeacon_returns_the_object_form_or_null()
    {
        var beacon = _decoder.DecodeBeacon(BeaconJson.Utf8(BeaconJson.Heartbeat));

        Assert.Equal(
            new PlaybackBeacon
            {
                EventId = "3f9c1a7e0b2d4c55",
                SessionId = "s-6d1f0c9a3b2e4f71",
                Type = EventType.Heartbeat,
                TimestampMs = 1764201600000,
                Device = new DeviceInfo("tv", "tizen", "QN90C", "6.14.0"),
                Geo = new GeoInfo("us-east", "US", "Comcast", 7922),
                Cdn = "oca",
                Pop = "iad-2",
                TitleId = "t000421",
                PlayheadMs = 734000,
                BitrateKbps = 5800,
                Bytes = 7250000,
                CacheHit = true,
            },
            beacon);
        Assert.Null(_decoder.DecodeBeacon(BeaconJson.Valid().Without("geo").Bytes()));
        Assert.Equal(InvalidEventReason.MissingField, _decoder.Error.Reason);
    }

    [Fact]
    public void Non_ascii_session_ids_of_128_bytes_fit()
    {
        var id = new string('ж', 64);
        Accept(BeaconJson.Utf8(BeaconJson.Heartbeat.Replace("s-6d1f0c9a3b2e4f71", id, StringComparison.Ordinal)));

        Assert.Equal(id, _decoder.SessionId.ToString());
    }

    [Fact]
    public void Messages_name_the_rule_and_the_value()
    {
        var error = Reject(BeaconJson.Valid().With("bitrate_kbps", 0).Bytes());

        Assert.Contains("between 1 and 1000000", error.Message, StringComparison.Ordinal);
        Assert.Contains("got 0", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid_field(bitrate_kbps)", error.ToString(), StringComparison.Ordinal);
    }

    private static byte[] Padded(int size)
    {
        var json = BeaconJson.Valid();
        json["x_padding"] = string.Empty;
        var overhead = json.Bytes().Length;
        json["x_padding"] = new string('x', size - overhead);
        var bytes = json.Bytes();
        Assert.Equal(size, bytes.Length);
        return bytes;
    }

    private PlaybackEvent Accept(byte[] utf8)
    {
        Assert.True(_decoder.TryDecode(utf8, out var ev), $"{_decoder.Error} for {Encoding.UTF8.GetString(utf8)}");
        return ev;
    }

    private InvalidEvent Reject(byte[] utf8)
    {
        Assert.False(_decoder.TryDecode(utf8, out _), $"accepted {Encoding.UTF8.GetString(utf8)}");
        return _decoder.Error;
    }
}
