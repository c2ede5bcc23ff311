namespace Analytics.Cli.Backtest;

/// <summary>
/// One backtest run: simulated traffic over a time range, with the incidents injected into it. A
/// scenario without incidents is a normal day: every page it raises is a false page.
/// </summary>
/// <param name="Name">The name in the report.</param>
/// <param name="Duration">Event time simulated (the week-before baseline is as long).</param>
/// <param name="Incidents">Incident specs, as <c>analytics simulate --incident</c> takes them.</param>
internal sealed record BacktestScenario(string Name, TimeSpan Duration, IReadOnlyList<string> Incidents)
{
    /// <summary>Each injected kind once, onset 20 minutes in, for 10 minutes with a 1-minute ramp.</summary>
    public static IReadOnlyList<BacktestScenario> Injected { get; } =
    [
        Single("pop-outage:pop=iad-1"),
        Single("isp-congestion:isp=Comcast"),
        Single("app-crash:app_version=6.14.0"),
        Single("title-encoding:title_id=t000001"),
        Single("regional-drop:region=eu-west"),
        Single("cdn-cache-miss:cdn=fastly"),
    ];

    /// <summary>24 hours of event time with the diurnal curve and a popular premiere at 20:00.</summary>
    public static BacktestScenario NormalDay { get; } = new("normal-day", TimeSpan.FromHours(24), ["premiere:title_id=t000007,at=20h,for=2h,boost=5"]);

    public bool IsNormal => Incidents.All(i => i.StartsWith("premiere:", StringComparison.Ordinal));

    private static BacktestScenario Single(string spec)
        => new(spec[..spec.IndexOf(':', StringComparison.Ordinal)], TimeSpan.FromMinutes(45), [$"{spec},at=20m,for=10m,ramp=1m"]);
}
