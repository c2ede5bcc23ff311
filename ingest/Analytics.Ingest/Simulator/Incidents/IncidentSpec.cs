using System.Globalization;
using Analytics.Common;

namespace Analytics.Ingest.Simulator.Incidents;

/// <summary>
/// One injected incident as written on the command line: <c>KIND:key=value,…,at=…,for=…</c>, e.g.
/// <c>pop-outage:pop=iad-2,at=2m,for=5m</c>. <c>at</c> and <c>for</c> are event-time offsets from the
/// simulation start; <c>ramp</c> grows the effect linearly from nothing to its full size.
/// <see cref="Resolve"/> pins it to a start time and gives the ground truth a backtest scores against.
/// </summary>
internal sealed record IncidentSpec
{
    private IncidentSpec(string text, IncidentKindInfo info, string value)
    {
        Text = text;
        Info = info;
        Value = value;
    }

    /// <summary>The spec as given.</summary>
    public string Text { get; }

    public IncidentKindInfo Info { get; }

    public IncidentKind Kind => Info.Kind;

    /// <summary>The value of the kind's dimension (canonical spelling from the catalog).</summary>
    public string Value { get; }

    public long AtMs { get; private init; }

    public long ForMs { get; private init; }

    public long RampMs { get; private init; }

    /// <summary>The kind's numeric knobs, defaults filled in.</summary>
    public IReadOnlyDictionary<string, double> Knobs { get; private init; } = new Dictionary<string, double>();

    /// <summary>The error code of failing kinds (pop-outage, app-crash, title-encoding); null otherwise.</summary>
    public string? ErrorCode { get; private init; }

    /// <summary>The affected slice as dimension → value, e.g. {"pop": "iad-2"}.</summary>
    public IReadOnlyDictionary<string, string> Slice => new Dictionary<string, string>(StringComparer.Ordinal) { [Info.Dimension] = Value };

    /// <summary>Dimensions the slice lies within, as the catalog knows them: a POP's CDN, an ISP's country.</summary>
    public IReadOnlyDictionary<string, string> Parents => Info.Dimension switch
    {
        "pop" => new Dictionary<string, string>(StringComparer.Ordinal) { ["cdn"] = DimensionCatalog.Pops.Single(p => p.Name == Value).Cdn },
        "isp" => new Dictionary<string, string>(StringComparer.Ordinal) { ["country"] = DimensionCatalog.Isps.Single(i => i.Name == Value).Country },
        _ => new Dictionary<string, string>(StringComparer.Ordinal),
    };

    /// <summary>The metric family the incident moves: vsf_rate, rebuffering_ratio, vpf_rate, attempts or cache_hit_ratio.</summary>
    public string Metric => Info.Metric;

    public double Knob(string name) => Knobs[name];

    public Incident Resolve(long simulationStartMs) => new(this, simulationStartMs + AtMs, simulationStartMs + AtMs + ForMs);

    public override string ToString() => Text;

    /// <summary>Parses one spec; titles are checked against a catalogue of <paramref name="titleCount"/> titles.</summary>
    public static IncidentSpec Parse(string text, int titleCount = 1000)
    {
        var spec = text.Trim();
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var kindName = colon < 0 ? spec : spec[..colon];
        var info = IncidentKindInfo.Find(kindName.Trim())
            ?? throw Error(spec, $"unknown incident kind \"{kindName.Trim()}\"; kinds: {IncidentKindInfo.Names}. Write KIND:key=value,…,at=…,for=…");
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (colon < 0 ? string.Empty : spec[(colon + 1)..]).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Error(spec, $"\"{part}\" is not key=value; {info.Name} takes {string.Join(", ", info.Keys)}");
            }

            var key = part[..eq].Trim();
            if (!info.Keys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Error(spec, $"{info.Name} does not take \"{key}\"; it takes {string.Join(", ", info.Keys)}");
            }

            if (!pairs.TryAdd(key, part[(eq + 1)..].Trim()))
            {
                throw Error(spec, $"\"{key}\" is given twice");
            }
        }

        var value = pairs.GetValueOrDefault(info.Dimension)
            ?? throw Error(spec, $"{info.Name} needs {info.Dimension}=…, e.g. {info.Dimension}={Examples(info.Dimension, titleCount).First()}");
        var at = Duration(spec, pairs, "at", required: true);
        var length = Duration(spec, pairs, "for", required: true);
        var ramp = Duration(spec, pairs, "ramp", required: false);
        if (length <= 0)
        {
            throw Error(spec, "for must be positive, e.g. for=5m");
        }

        if (ramp > length)
        {
            throw Error(spec, $"ramp ({Durations.Format(ramp)}) must not be longer than for ({Durations.Format(length)})");
        }

        var knobs = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var knob in info.Knobs)
        {
            knobs[knob.Name] = pairs.TryGetValue(knob.Name, out var given) ? Number(spec, knob, given) : knob.Default;
        }

        var code = pairs.GetValueOrDefault("code") ?? info.DefaultErrorCode;
        if (code is not null && (code.Length is 0 or > 64 || code.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))))
        {
            throw Error(spec, $"code \"{code}\" must be 1 to 64 letters, digits, '_', '-' or '.', e.g. code={info.DefaultErrorCode}");
        }

        return new IncidentSpec(spec, info, Canonical(spec, info.Dimension, value, titleCount))
        {
            AtMs = at,
            ForMs = length,
            RampMs = ramp,
            Knobs = knobs,
            ErrorCode = code,
        };
    }

    /// <summary>
    /// Parses a list whose items may have been split at commas by a configuration layer: an item
    /// that does not start with "KIND:" continues the spec before it.
    /// </summary>
    public static IReadOnlyList<IncidentSpec> ParseAll(IEnumerable<string> items, int titleCount = 1000)
    {
        var specs = new List<string>();
        foreach (var item in items.Select(i => i.Trim()).Where(i => i.Length > 0))
        {
            var colon = item.IndexOf(':', StringComparison.Ordinal);
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var startsSpec = colon > 0 && (eq < 0 || colon < eq);
            if (startsSpec || specs.Count == 0)
            {
                specs.Add(item);
            }
            else
            {
                specs[^1] += "," + item;
            }
        }

        return specs.Select(s => Parse(s, titleCount)).ToList();
    }

    private static long Duration(string spec, Dictionary<string, string> pairs, string key, bool required)
    {
        if (!pairs.TryGetValue(key, out var text))
        {
            return required ? throw Error(spec, $"needs {key}=…, an offset such as {Durations.Examples}") : 0;
        }

        return Durations.TryParseMs(text, out var ms) && ms >= 0
            ? ms
            : throw Error(spec, $"{key} \"{text}\" is not a duration; write it like {Durations.Examples}");
    }

    private static double Number(string spec, IncidentKnob knob, string text)
    {
        var ok = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            && (knob.MinExclusive ? n > knob.Min : n >= knob.Min) && n <= knob.Max;
        var low = knob.MinExclusive ? $"greater than {F(knob.Min)}" : $"at least {F(knob.Min)}";
        return ok ? n : throw Error(spec, $"{knob.Name} \"{text}\" must be a number {low} and at most {F(knob.Max)} ({knob.Meaning}; default {F(knob.Default)})");
    }

    private static string Canonical(string spec, string dimension, string value, int titleCount)
    {
        var known = dimension switch
        {
            "pop" => DimensionCatalog.Pops.Select(p => p.Name),
            "isp" => DimensionCatalog.Isps.Select(i => i.Name),
            "region" => DimensionCatalog.Regions.Select(r => r.Name),
            "cdn" => DimensionCatalog.Pops.Select(p => p.Cdn).Distinct(),
            "app_version" => DimensionCatalog.DeviceTypes.SelectMany(d => d.AppVersions).Distinct(),
            _ => null,
        };
        if (known is not null)
        {
            return known.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase))
                ?? throw Error(spec, $"{dimension} \"{value}\" is not in the simulator's catalog; valid values include {string.Join(", ", Examples(dimension, titleCount))}");
        }

        // Titles are t000001 … tNNNNNN, most watched first.
        return value.Length == 7 && value[0] is 't' or 'T' && int.TryParse(value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var rank) && rank >= 1 && rank <= titleCount
            ? $"t{rank:D6}"
            : throw Error(spec, $"title_id \"{value}\" is not in the catalog of {titleCount} titles; valid values are t000001 (most watched) to t{titleCount:D6}");
    }

    private static IEnumerable<string> Examples(string dimension, int titleCount) => dimension switch
    {
        "pop" => DimensionCatalog.Pops.Select(p => p.Name).Take(6),
        "isp" => DimensionCatalog.Isps.Select(i => i.Name).Take(6),
        "region" => DimensionCatalog.Regions.Select(r => r.Name),
        "cdn" => DimensionCatalog.Pops.Select(p => p.Cdn).Distinct().Order(StringComparer.Ordinal),
        "app_version" => DimensionCatalog.DeviceTypes.SelectMany(d => d.AppVersions).Distinct().Take(6),
        _ => ["t000001", "t000002", $"t{titleCount:D6}"],
    };

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static IncidentSpecException Error(string spec, string problem) => new(spec, problem);
}
