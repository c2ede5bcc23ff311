using System.Collections.Concurrent;
using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

/// <summary>
/// Seeded runs with injected incidents. Arrivals are spread evenly over the whole run (a ramp-up as
/// long as the run), so every minute has enough new sessions to measure; incidents span minutes 3 to 7.
/// </summary>
internal static class IncidentRuns
{
    public const string Window = "at=3m,for=4m";

    public static readonly SimulatorOptions Options = new()
    {
        Seed = 4242,
        ConcurrentSessions = 3000,
        RampUp = TimeSpan.FromMinutes(10),
        Duration = TimeSpan.FromMinutes(10),
        FollowDiurnalCurve = false,
    };

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<SimulatedMessage>>> Runs = new();

    public static long StartMs => SimulatorOptions.DefaultStartTimeMs;

    public static long IncidentStartMs => StartMs + 180_000;

    public static long IncidentEndMs => StartMs + 420_000;

    /// <summary>The run without incidents.</summary>
    public static IReadOnlyList<PlaybackBeacon> Baseline => Beacons();

    public static IReadOnlyList<SimulatedMessage> Messages(params string[] incidents)
        => Runs.GetOrAdd(string.Join(';', incidents), _ => new(() => TrafficGenerator.Generate(Options with { Incidents = incidents }).ToList())).Value;

    public static IReadOnlyList<PlaybackBeacon> Beacons(params string[] incidents)
        => Messages(incidents).Select(m => m.Beacon!).ToList();

    public static bool Inside(long t) => t >= IncidentStartMs && t < IncidentEndMs;

    /// <summary>Sessions by id, each with its beacons in event-time order.</summary>
    public static IEnumerable<IReadOnlyList<PlaybackBeacon>> Sessions(IEnumerable<PlaybackBeacon> beacons)
        => beacons.GroupBy(b => b.SessionId).Select(g => (IReadOnlyList<PlaybackBeacon>)g.OrderBy(b => b.TimestampMs).ToList());

    public static double Share<T>(IEnumerable<T> items, Func<T, bool> predicate)
    {
        var list = items.ToList();
        Assert.True(list.Count >= 30, $"only {list.Count} items: too few to measure");
        return list.Count(predicate) / (double)list.Count;
    }
}
