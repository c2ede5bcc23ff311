using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Benchmarks.Sessions;

/// <summary>
/// The three beacons of a freshly started session: the simulator's play_request (realistic dimensions and
/// ids), then a first_frame and a heartbeat a few seconds later. All sessions start within
/// <see cref="SpreadMs"/>, so none reaches the session timeout and no window is purged.
/// </summary>
internal sealed class SessionBeacons : IDisposable
{
    public const long SpreadMs = 20_000;

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

    /// <summary>Calls <paramref name="feed"/> with the key and each encoded beacon of session <paramref name="index"/>, in order.</summary>
    public void Feed(int index, Action<byte[], ReadOnlySpan<byte>> feed)
    {
        var start = StartMs + (long)(index * (double)SpreadMs / _sessions);
        var player = new PlayerSession(index, _seed, start, _catalog, _regionLoads);
        var request = player.Step() ?? throw new InvalidOperationException("The simulator's first beacon of a session is always play_request.");
        feed(player.Key, _encoder.Encode(request));
        var firstFrame = request with
        {
            EventId = request.EventId + "-ff",
            Type = EventType.FirstFrame,
            TimestampMs = start + 800 + (index % 1000),
            BitrateKbps = 3000,
        };
        feed(player.Key, _encoder.Encode(firstFrame));
        var heartbeat = firstFrame with
        {
            EventId = request.EventId + "-hb",
            Type = EventType.Heartbeat,
            TimestampMs = start + 10_000,
            PlayheadMs = 9_000,
            Bytes = 4_000_000,
            CacheHit = index % 10 != 0,
        };
        feed(player.Key, _encoder.Encode(heartbeat));
    }

    public void Dispose() => _encoder.Dispose();
}
