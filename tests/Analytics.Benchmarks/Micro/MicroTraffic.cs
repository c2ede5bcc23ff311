using Analytics.Ingest.Simulator;

namespace Analytics.Benchmarks.Micro;

/// <summary>Small slices of the seeded simulator's clean traffic for the micro-benchmarks.</summary>
internal static class MicroTraffic
{
    public static SimulatedMessage[] Messages(int count, int concurrentSessions, ulong seed = 7)
        => TrafficGenerator.Generate(new SimulatorOptions { Seed = seed, ConcurrentSessions = concurrentSessions, MaxEvents = count })
            .Take(count)
            .ToArray();
}
