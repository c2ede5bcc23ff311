using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Testing;

/// <summary>Seeded simulator traffic as delivered messages, partitioned by session key like Kafka's default partitioner would keep sessions together.</summary>
internal static class SimulatedTraffic
{
    /// <summary>
    /// Yesterday, 00:00 UTC: recent enough for the fact tables' retention (rows older than their TTL are
    /// dropped on insert), fixed enough that a seed gives the same traffic all day.
    /// </summary>
    public static long RecentStartMs => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-1), TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static SimulatorOptions WithAllKnobs(ulong seed, int sessions, TimeSpan duration) => new()
    {
        Seed = seed,
        StartTimeMs = RecentStartMs,
        ConcurrentSessions = sessions,
        Duration = duration,
        OutOfOrderFraction = 0.05,
        LateFraction = 0.01,
        TooLateFraction = 0.003,
        DuplicateFraction = 0.01,
        MalformedFraction = 0.005,
    };

    public static List<DeliveredMessage> Deliver(SimulatorOptions options, int partitions)
        => TrafficGenerator.Generate(options)
            .Select(m => new DeliveredMessage(
                (int)(StableHash.Hash64(m.Key) % (ulong)partitions),
                m.DeliveryTimeMs,
                m.Key,
                m.Value,
                m.Beacon))
            .ToList();
}
