using System.Globalization;
using System.Text;
using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Testing.DecoderFuzz;

/// <summary>
/// Seeded inputs for the differential decoder fuzz: the simulator's beacons (valid and malformed),
/// rebuilt member by member and then changed the ways producers get JSON wrong: members dropped,
/// duplicated, renamed or escaped, values swapped for other types or edge numbers, strings with
/// escapes and unicode, deep nesting, odd whitespace, then sometimes bytes flipped, cut, inserted
/// or appended. About a third stay valid. Text is built as byte strings (one char per byte).
/// </summary>
internal sealed class BeaconMutator
{
    private const string DeviceSlot = "<device>";
    private const string GeoSlot = "<geo>";

    private static readonly string[] UnknownNames =
        ["x", "extra", "V", "tss", "Type", "device_", "region", "asn", "model", "os", "ts ", "", "\u00c3\u00a9", "session", "v2"];

    private readonly SimulatedMessage[] _bases;
    private SimRandom _rng;

    public BeaconMutator(ulong seed, int baseCount = 4_000)
    {
        _rng = new SimRandom(seed);
        _bases = TrafficGenerator.Generate(new SimulatorOptions
        {
            Seed = seed,
            ConcurrentSessions = 300,
            MaxEvents = baseCount,
            MalformedFraction = 0.05,
            IncludeOversizeMalformed = false,
        }).ToArray();
    }

    /// <summary>The next input.</summary>
    public byte[] Next()
    {
        var source = _bases[_rng.NextInt(_bases.Length)];
        string text;
        if (source.Beacon is null)
        {
            text = Encoding.Latin1.GetString(source.Value);
        }
        else
        {
            var top = Top(source.Beacon);
            var device = Device(source.Beacon.Device);
            var geo = Geo(source.Beacon.Geo);
            if (_rng.Chance(0.35))
            {
                Vary(top, device, geo);
            }
            else
            {
                for (var n = 1 + _rng.NextInt(3); n > 0; n--)
                {
                    var which = _rng.NextInt(10);
                    Mutate(which < 6 ? top : which < 8 ? device : geo);
                }
            }

            var gaps = _rng.Chance(0.2) ? 0.3 : 0.0;
            text = Render(top, device, geo, gaps);
            if (_rng.Chance(1.0 / 4_000))
            {
                text = Oversize(text);
            }
        }

        if (_rng.Chance(0.2))
        {
            text = MutateBytes(text);
        }

        return Encoding.Latin1.GetBytes(text);
    }

    private static List<(string Name, string Value)> Top(PlaybackBeacon b)
    {
        var list = new List<(string, string)>
        {
            ("\"v\"", "1"),
            ("\"event_id\"", Str(b.EventId)),
            ("\"session_id\"", Str(b.SessionId)),
            ("\"type\"", Str(b.Type.ToWire())),
            ("\"ts\"", Num(b.TimestampMs)),
            ("\"device\"", DeviceSlot),
            ("\"geo\"", GeoSlot),
            ("\"cdn\"", Str(b.Cdn)),
            ("\"pop\"", Str(b.Pop)),
            ("\"title_id\"", Str(b.TitleId)),
        };
        Optional(list, "playhead_ms", b.PlayheadMs is { } p ? Num(p) : null);
        Optional(list, "bitrate_kbps", b.BitrateKbps is { } k ? Num(k) : null);
        Optional(list, "bytes", b.Bytes is { } n ? Num(n) : null);
        Optional(list, "cache_hit", b.CacheHit is { } h ? (h ? "true" : "false") : null);
        Optional(list, "error_code", b.ErrorCode is { } e ? Str(e) : null);
        Optional(list, "fatal", b.Fatal is { } f ? (f ? "true" : "false") : null);
        return list;
    }

    private static List<(string Name, string Value)> Device(DeviceInfo d)
    {
        var list = new List<(string, string)> { ("\"type\"", Str(d.Type)), ("\"os\"", Str(d.Os)) };
        Optional(list, "model", d.Model is null ? null : Str(d.Model));
        list.Add(("\"app_version\"", Str(d.AppVersion)));
        return list;
    }

    private static List<(string Name, string Value)> Geo(GeoInfo g)
    {
        var list = new List<(string, string)> { ("\"region\"", Str(g.Region)), ("\"country\"", Str(g.Country)), ("\"isp\"", Str(g.Isp)) };
        Optional(list, "asn", g.Asn is { } a ? Num(a) : null);
        return list;
    }

    /// <summary>Changes that mostly keep a beacon valid: order, unknown members, nulls, unicode, escapes.</summary>
    private void Vary(List<(string Name, string Value)> top, List<(string Name, string Value)> device, List<(string Name, string Value)> geo)
    {
        if (_rng.Chance(0.2))
        {
            Shuffle(top);
        }

        if (_rng.Chance(0.3))
        {
            var list = Pick(top, device, geo);
            list.Insert(_rng.NextInt(list.Count + 1), (Str(Pick(UnknownNames)), BenignValue()));
        }

        if (_rng.Chance(0.2))
        {
            var list = Pick(top, device, geo);
            list.Insert(_rng.NextInt(list.Count + 1), (list[_rng.NextInt(list.Count)].Name, "null"));
        }

        if (_rng.Chance(0.2))
        {
            EditString(Pick(top, device, geo));
        }
    }

    private void Mutate(List<(string Name, string Value)> list)
    {
        if (list.Count == 0)
        {
            list.Add(("\"x\"", "1"));
            return;
        }

        var i = _rng.NextInt(list.Count);
        var (name, value) = list[i];
        switch (_rng.NextInt(9))
        {
            case 0:
                list.RemoveAt(i);
                break;
            case 1:
                list.Insert(_rng.NextInt(list.Count + 1), (name, _rng.Chance(0.5) ? value : OddValue()));
                break;
            case 2:
                list[i] = (Rename(name), value);
                break;
            case 3:
                list[i] = (name, OddValue());
                break;
            case 4:
                list[i] = (name, "null");
                break;
            case 5:
                list.Insert(_rng.NextInt(list.Count + 1), (Str(Pick(UnknownNames)), _rng.Chance(0.5) ? BenignValue() : OddValue()));
                break;
            case 6:
                Shuffle(list);
                break;
            case 7:
                EditString(list);
                break;
            default:
                list.Insert(_rng.NextInt(list.Count + 1), ("\"deep\"", FuzzValues.Nested(1 + _rng.NextInt(10), _rng.Chance(0.5))));
                break;
        }
    }

    private string Rename(string name)
    {
        var bare = name.Trim('"');
        if (bare.Length == 0)
        {
            return "\"a\"";
        }

        var at = _rng.NextInt(bare.Length);
        return _rng.NextInt(5) switch
        {
            0 => "\"" + FuzzValues.Escaped(bare, at) + "\"",
            1 => "\"" + bare.ToUpperInvariant() + "\"",
            2 => "\"" + bare[..at] + (char)('a' + _rng.NextInt(26)) + bare[(at + 1)..] + "\"",
            3 => "\"" + bare + "_\"",
            _ => "\"" + bare[..at] + "\\/" + bare[at..] + "\"",
        };
    }

    /// <summary>Appends unicode or an escape to a string value, or empties it.</summary>
    private void EditString(List<(string Name, string Value)> list)
    {
        var strings = list.Select((m, i) => (m, i)).Where(x => x.m.Value.StartsWith('"')).ToArray();
        if (strings.Length == 0)
        {
            return;
        }

        var (member, index) = strings[_rng.NextInt(strings.Length)];
        var inner = member.Value[1..^1];
        var at = _rng.NextInt(inner.Length + 1);
        var edited = _rng.NextInt(4) switch
        {
            0 => string.Empty,
            1 when inner.Length > 0 => FuzzValues.Escaped(inner, at),
            _ => inner[..at] + Pick(FuzzValues.Unicode) + inner[at..],
        };
        list[index] = (member.Name, "\"" + edited + "\"");
    }

    private string OddValue() => _rng.NextInt(5) switch
    {
        0 => Pick(FuzzValues.Numbers),
        1 => Pick(FuzzValues.Strings),
        2 => Pick(FuzzValues.Literals),
        3 => Pick(FuzzValues.Containers),
        _ => FuzzValues.Nested(1 + _rng.NextInt(10), _rng.Chance(0.5)),
    };

    /// <summary>Values an unknown member may have in a valid beacon.</summary>
    private string BenignValue() => _rng.NextInt(6) switch
    {
        0 => "1.5e-3",
        1 => "\"" + Pick(FuzzValues.Unicode) + "x\"",
        2 => "[1,{\"a\":null},\"b\",-0.5,true]",
        3 => FuzzValues.Nested(1 + _rng.NextInt(5), _rng.Chance(0.5)),
        4 => "{}",
        _ => Num(_rng.NextLong(-1_000_000, 1_000_000)),
    };

    private string Render(List<(string Name, string Value)> top, List<(string Name, string Value)> device, List<(string Name, string Value)> geo, double gaps)
    {
        var sb = new StringBuilder(512);
        RenderObject(sb, top, device, geo, gaps);
        return sb.ToString();
    }

    private void RenderObject(StringBuilder sb, List<(string Name, string Value)> members, List<(string Name, string Value)> device, List<(string Name, string Value)> geo, double gaps)
    {
        sb.Append('{').Append(Gap(gaps));
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(Gap(gaps)).Append(',').Append(Gap(gaps));
            }

            sb.Append(members[i].Name).Append(Gap(gaps)).Append(':').Append(Gap(gaps));
            switch (members[i].Value)
            {
                case DeviceSlot:
                    RenderObject(sb, device, [], [], gaps);
                    break;
                case GeoSlot:
                    RenderObject(sb, geo, [], [], gaps);
                    break;
                default:
                    sb.Append(members[i].Value);
                    break;
            }
        }

        sb.Append(Gap(gaps)).Append('}');
    }

    private string Gap(double p) => p > 0 && _rng.Chance(p) ? Pick(FuzzValues.Gaps[..(_rng.Chance(0.9) ? 6 : FuzzValues.Gaps.Length)]) : string.Empty;

    private string MutateBytes(string text)
    {
        var at = _rng.NextInt(text.Length + 1);
        return _rng.NextInt(6) switch
        {
            0 when at < text.Length => text[..at] + FuzzValues.FlipBytes[_rng.NextInt(FuzzValues.FlipBytes.Length)] + text[(at + 1)..],
            1 when at < text.Length => text[..at] + (char)_rng.NextInt(256) + text[(at + 1)..],
            2 => text[..at],
            3 => text[..at] + FuzzValues.FlipBytes[_rng.NextInt(FuzzValues.FlipBytes.Length)] + text[at..],
            4 => text + Pick(FuzzValues.Trailers),
            _ => (_rng.Chance(0.5) ? "\u00ef\u00bb\u00bf" : Pick(FuzzValues.Gaps)) + text,
        };
    }

    /// <summary>Pads with an unknown member to about the size limit, on either side of it.</summary>
    private string Oversize(string text)
    {
        var target = EventDecoder.MaxEventBytes - 2 + _rng.NextInt(5);
        var pad = target - text.Length - "\"pad\":\"\",".Length;
        return pad <= 0 ? text : "{\"pad\":\"" + new string('p', pad) + "\"," + text[1..];
    }

    private void Shuffle<T>(List<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = _rng.NextInt(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private T Pick<T>(params T[] items) => items[_rng.NextInt(items.Length)];

    private static void Optional(List<(string, string)> list, string name, string? value)
    {
        if (value is not null)
        {
            list.Add(("\"" + name + "\"", value));
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A plain string value as UTF-8 bytes; the simulator's values need no escapes.</summary>
    private static string Str(string value) => "\"" + Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(value)) + "\"";
}
