using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Benchmarks.Sessions;

/// <summary>
/// Beacons of freshly started sessions: the simulator's play_request (realistic dimensions and ids), a
/// first_frame within 2 s, then heartbeats every 10 s. All sessions start within <see cref="SpreadMs"/>,
/// and beacons are produced phase by phase (every session's start, then every session's first
/// heartbeat…), so event time only moves forward and no session reaches the timeout. Nothing is kept
/// between calls: the heap measured holds only what the partition keeps.
/// </summary>
internal sealed class SessionBeacons : IDisposable
{
    public const long SpreadMs = 5_000;
    public const long HeartbeatIntervalMs = 10_000;

    private readonly int _sessions;
    private readonly ulong _seed;
    private readonly DimensionCatalog _catalog = new();
    private readonly double[] _regionLoads = new double[DimensionCatalog.Regions.Count];
    private readonly EventEncoder _encoder = new();

    public SessionBeacons(int sessions, ulong seed)
    {
        _sessions = sessions;
        _seed = seed;
        DiurnalCurve.RegionLoads(StartMs, _regionLoads);
    }

    public static long StartMs => SimulatorOptions.DefaultStartTimeMs;

    /// <summary>Phase 0: play_request and first_frame of session <paramref name="index"/>.</summary>
    public void Start(int index, Action<byte[], ReadOnlySpan<byte>> feed)
    {
        var (key, request, start) = Request(index);
        feed(key, _encoder.Encode(request));
        feed(key, _encoder.Encode(request with
        {
            EventId = request.EventId + "-ff",
            Type = EventType.FirstFrame,
            TimestampMs = start + 800 + (index % 1000),
            BitrateKbps = 3000,
        }));
    }

    /// <summary>Phase <paramref name="n"/> (1, 2, …): the n-th heartbeat of session <paramref name="index"/>.</summary>
    public void Heartbeat(int index, int n, Action<byte[], ReadOnlySpan<byte>> feed)
    {
        var (key, request, start) = Request(index);
        feed(key, _encoder.Encode(request with
        {
            EventId = $"{request.EventId}-hb{n}",
            Type = EventType.Heartbeat,
            TimestampMs = start + (n * HeartbeatIntervalMs),
            PlayheadMs = (n * HeartbeatIntervalMs) - 1_000,
            BitrateKbps = 3000,
            Bytes = 4_000_000,
            CacheHit = index % 10 != 0,
        }));
    }

    public void Dispose() => _encoder.Dispose();

    // The simulator derives a session from its seed and index alone, so it can be rebuilt for every beacon.
    private (byte[] Key, PlaybackBeacon Request, long Start) Request(int index)
    {
        var start = StartMs + (long)(index * (double)SpreadMs / _sessions);
        var player = new PlayerSession(index, _seed, start, _catalog, _regionLoads);
        var request = player.Step() ?? throw new InvalidOperationException("The simulator's first beacon of a session is always play_request.");
        return (player.Key, request, start);
    }
}
