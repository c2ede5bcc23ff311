namespace Analytics.Ingest.Simulator.Incidents;

/// <summary>The kinds of injected incident, plus the premiere of a normal day (a healthy spike).</summary>
internal enum IncidentKind
{
    PopOutage,
    IspCongestion,
    AppCrash,
    TitleEncoding,
    RegionalDrop,
    CdnCacheMiss,
    Premiere,
}

/// <summary>A numeric knob of a kind: its default and the range it must lie in.</summary>
internal sealed record IncidentKnob(string Name, double Default, double Min, double Max, bool MinExclusive, string Meaning);

/// <summary>
/// What a kind is written as, which dimension it needs, which metric family it moves and which
/// knobs it takes. One table, so that parsing, help texts and docs cannot drift apart.
/// </summary>
internal sealed record IncidentKindInfo(
    IncidentKind Kind,
    string Name,
    string Dimension,
    string Metric,
    IReadOnlyList<IncidentKnob> Knobs,
    string? DefaultErrorCode,
    string Summary)
{
    public static IReadOnlyList<IncidentKindInfo> All { get; } =
    [
        new(IncidentKind.PopOutage, "pop-outage", "pop", "vsf_rate", [Rate(0.6, "share of the POP's attempts that fail before first_frame")], "CDN_HTTP_503",
            "attempts at the POP fail before first_frame (VSF) with a CDN error"),
        new(IncidentKind.IspCongestion, "isp-congestion", "isp", "rebuffering_ratio",
            [
                new("slowdown", 4, 1, 20, false, "start time multiplier"),
                new("stalls", 8, 1, 100, false, "rebuffering frequency multiplier (stalls also last 1.5 times as long)"),
            ],
            null,
            "sessions on the ISP rebuffer far more and start slowly"),
        new(IncidentKind.AppCrash, "app-crash", "app_version", "vpf_rate", [Rate(0.5, "share of the release's plays that crash after first_frame")], "APP_CRASH",
            "plays on the release end in a fatal error after first_frame (VPF)"),
        new(IncidentKind.TitleEncoding, "title-encoding", "title_id", "vsf_rate", [Rate(0.7, "share of the title's attempts that fail")], "MEDIA_ERR_SRC_NOT_SUPPORTED",
            "attempts on the title fail before first_frame with one error code"),
        new(IncidentKind.RegionalDrop, "regional-drop", "region", "attempts", [Rate(0.8, "share of the region's new sessions that never start")], null,
            "new sessions in the region mostly do not arrive"),
        new(IncidentKind.CdnCacheMiss, "cdn-cache-miss", "cdn", "cache_hit_ratio",
            [
                new("hit", 0.4, 0, 1, false, "cache hit probability of heartbeats during the incident"),
                new("slowdown", 1.5, 1, 20, false, "start time multiplier"),
            ],
            null,
            "the CDN's cache hit ratio collapses and starts get slower"),
        new(IncidentKind.Premiere, "premiere", "title_id", "attempts", [new("boost", 5, 1, 100, true, "new sessions on the title are multiplied by this")], null,
            "a popular premiere: more new sessions on the title, healthy QoE"),
    ];

    /// <summary>Keys every kind takes besides its dimension and knobs.</summary>
    public static IReadOnlyList<string> TimingKeys { get; } = ["at", "for", "ramp"];

    public static string Names => string.Join(", ", All.Select(k => k.Name));

    public static IncidentKindInfo Of(IncidentKind kind) => All[(int)kind];

    public static IncidentKindInfo? Find(string name) => All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every key the kind accepts, in the order they are documented.</summary>
    public IEnumerable<string> Keys => new[] { Dimension }.Concat(TimingKeys).Concat(Knobs.Select(k => k.Name)).Concat(DefaultErrorCode is null ? [] : ["code"]);

    /// <summary>One line per kind for help texts: "pop-outage:pop=…,at=…,for=…[,ramp=…,rate=0.6,code=CDN_HTTP_503]".</summary>
    public string Syntax => $"{Name}:{Dimension}=…,at=…,for=…[,ramp=…{string.Concat(Knobs.Select(k => $",{k.Name}={k.Default.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))}{(DefaultErrorCode is null ? "" : $",code={DefaultErrorCode}")}]";

    private static IncidentKnob Rate(double value, string meaning) => new("rate", value, 0, 1, true, meaning);
}
