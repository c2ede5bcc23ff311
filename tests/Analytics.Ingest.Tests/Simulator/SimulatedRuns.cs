using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

/// <summary>Seeded runs shared by the simulator tests, generated once per test process.</summary>
internal static class SimulatedRuns
{
    public static readonly SimulatorOptions CleanOptions = new()
    {
        Seed = 20260115,
        ConcurrentSessions = 3000,
        Duration = TimeSpan.FromMinutes(15),
    };

    public static readonly SimulatorOptions KnobOptions = new()
    {
        Seed = 77,
        ConcurrentSessions = 500,
        Duration = TimeSpan.FromMinutes(10),
        OutOfOrderFraction = 0.10,
        LateFraction = 0.05,
        TooLateFraction = 0.02,
        DuplicateFraction = 0.05,
        MalformedFraction = 0.05,
    };

    private static readonly Lazy<IReadOnlyList<SimulatedMessage>> CleanRun = new(() => TrafficGenerator.Generate(CleanOptions).ToList());

    private static readonly Lazy<IReadOnlyList<SimulatedMessage>> KnobRun = new(() => TrafficGenerator.Generate(KnobOptions).ToList());

    private static readonly Lazy<IReadOnlyList<IReadOnlyList<PlaybackBeacon>>> CleanSessionList = new(() => Clean
        .Where(m => m.Kind != DeliveryKind.Duplicate && m.Beacon is not null)
        .OrderBy(m => m.Sequence)
        .GroupBy(m => m.Beacon!.SessionId)
        .Select(g => (IReadOnlyList<PlaybackBeacon>)g.Select(m => m.Beacon!).ToList())
        .ToList());

    /// <summary>3000 concurrent sessions for 15 minutes, no delivery knobs.</summary>
    public static IReadOnlyList<SimulatedMessage> Clean => CleanRun.Value;

    /// <summary>500 concurrent sessions for 10 minutes with every delivery knob on.</summary>
    public static IReadOnlyList<SimulatedMessage> Knobs => KnobRun.Value;

    /// <summary>The clean run's beacons by session, each in generation (event-time) order.</summary>
    public static IReadOnlyList<IReadOnlyList<PlaybackBeacon>> CleanSessions => CleanSessionList.Value;

    public static long CleanEndMs => SimulatorOptions.DefaultStartTimeMs + (long)CleanOptions.Duration!.Value.TotalMilliseconds;
}
