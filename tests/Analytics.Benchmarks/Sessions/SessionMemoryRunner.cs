using System.Diagnostics;
using System.Runtime.CompilerServices;
using Analytics.Benchmarks.EndToEnd;
using Analytics.Benchmarks.Harness;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;

namespace Analytics.Benchmarks.Sessions;

internal sealed record SessionMemoryPoint(
    int Sessions,
    int ActiveSessions,
    long HeapDeltaBytes,
    double BytesPerSession,
    double PendingBeaconsPerSession,
    int DimensionCombinations,
    int OpenWindows,
    long WindowRows,
    double FeedSeconds);

internal sealed record SessionMemoryPart(string Part, double BytesPerSession, string How);

internal sealed record SessionMemoryResult(
    DateTimeOffset StartedUtc,
    string Command,
    MachineInfo Machine,
    string Configuration,
    int Heartbeats,
    IReadOnlyList<SessionMemoryPoint> Points,
    double MarginalBytesPerSession,
    IReadOnlyList<SessionMemoryPart> Breakdown,
    int SessionCoreBytes,
    int SessionEventBytes,
    long PeakRssBytes);

/// <summary>
/// Managed memory per open session: one partition (full configuration) holding many concurrent sessions,
/// measured after full collections. Two independent runs (the checkpoint count, then the full count) give
/// the cost per session and the marginal cost, which leaves out what does not grow with sessions.
/// </summary>
internal sealed class SessionMemoryRunner
{
    private readonly SessionMemoryOptions _options;

    public SessionMemoryRunner(SessionMemoryOptions options)
    {
        _options = options;
    }

    private static PipelineConfiguration Configuration => PipelineConfiguration.Full;

    public SessionMemoryResult Run(string command)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        Progress.Report($"machine: {machine}");
        var (small, _) = Measure(_options.Checkpoint);
        var (large, processor) = Measure(_options.Sessions);
        var marginal = (double)(large.HeapDeltaBytes - small.HeapDeltaBytes) / (large.Sessions - small.Sessions);
        var peak = ProcessMemory.Snapshot().PeakRssBytes;
        Progress.Report("measuring the parts of a session separately");
        var breakdown = Breakdown(processor, marginal);
        GC.KeepAlive(processor);

        return new SessionMemoryResult(
            started,
            command,
            machine,
            Configuration.Name + " (" + Configuration.Description + ")",
            _options.Heartbeats,
            [small, large],
            marginal,
            breakdown,
            Unsafe.SizeOf<SessionCore>(),
            Unsafe.SizeOf<SessionEvent>(),
            peak);
    }

    private (SessionMemoryPoint Point, PartitionProcessor Processor) Measure(int n)
    {
        Progress.Report($"{Units.Count(n)} sessions: play_request + first_frame, then {_options.Heartbeats} heartbeat(s) each");
        var processor = new PartitionProcessor(new PartitionId("bench/playback-events", 0), Configuration.Options, new CountingOutput());
        using var beacons = new SessionBeacons(n, _options.Seed);
        var baseline = ProcessMemory.CollectAndMeasureHeap();
        long offset = 0;
        void Feed(byte[] key, ReadOnlySpan<byte> value) => processor.Process(offset++, 0, key, value);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            beacons.Start(i, Feed);
        }

        for (var k = 1; k <= _options.Heartbeats; k++)
        {
            for (var i = 0; i < n; i++)
            {
                beacons.Heartbeat(i, k, Feed);
            }

            if (k % 6 == 0 && k < _options.Heartbeats)
            {
                Progress.Report($"  heartbeat {k} / {_options.Heartbeats} of every session fed");
            }
        }

        var feed = clock.Elapsed.TotalSeconds;
        var heap = ProcessMemory.CollectAndMeasureHeap() - baseline;
        if (processor.ActiveSessions != n || processor.Counters.Valid != offset || processor.Counters.TooLate != 0)
        {
            throw new InvalidOperationException(
                $"Expected {n} open sessions and every beacon accepted in time; the partition has {processor.ActiveSessions} sessions, "
                + $"{processor.Counters.Valid} of {offset} beacons valid, {processor.Counters.TooLate} too late.");
        }

        var pending = processor.Sessions.Sum(s => (long)s.PendingCount);
        var point = new SessionMemoryPoint(
            n,
            processor.ActiveSessions,
            heap,
            (double)heap / n,
            (double)pending / n,
            processor.Catalog.Count,
            processor.Windows.OpenWindowCount,
            processor.Counters.WindowRows,
            feed);
        Progress.Report(Units.F($"  {Units.Count(n)} sessions open: managed heap +{Units.Megabytes(heap)}, {point.BytesPerSession:F0} B/session, {point.PendingBeaconsPerSession:F1} pending beacons/session, fed in {Units.Seconds(feed)}"));
        return (point, processor);
    }

    /// <summary>
    /// The structures a session owns, rebuilt alone from the partition's live sessions and measured the same
    /// way; what is left of the marginal cost is in shared structures (windows, string pool).
    /// </summary>
    private static SessionMemoryPart[] Breakdown(PartitionProcessor processor, double marginal)
    {
        var live = processor.Sessions.ToArray();
        var n = live.Length;
        var values = live.Select(s => s.Dims.Values).ToArray();
        var before = ProcessMemory.CollectAndMeasureHeap();
        var catalog = new DimensionCatalog(processor.Cubes);
        foreach (var v in values)
        {
            catalog.Intern(v);
        }

        var catalogBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;
        GC.KeepAlive(catalog);
        GC.KeepAlive(values);

        var ids = new string[n];
        before = ProcessMemory.CollectAndMeasureHeap();
        for (var i = 0; i < n; i++)
        {
            ids[i] = new string(live[i].Id);
        }

        var idBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;

        var bare = new Session[n];
        before = ProcessMemory.CollectAndMeasureHeap();
        for (var i = 0; i < n; i++)
        {
            bare[i] = new Session(ids[i], live[i].Dims);
        }

        var bareBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;
        var initialArray = 24 + (4 * Unsafe.SizeOf<SessionEvent>());
        var sessionObject = bareBytes - initialArray;
        GC.KeepAlive(bare);

        var copies = new Session[n];
        before = ProcessMemory.CollectAndMeasureHeap();
        for (var i = 0; i < n; i++)
        {
            var copy = new Session(ids[i], live[i].Dims);
            foreach (var e in live[i].Pending)
            {
                copy.Insert(copy.PendingCount, e);
            }

            copies[i] = copy;
        }

        var pendingBytes = ((double)(ProcessMemory.CollectAndMeasureHeap() - before) / n) - sessionObject;
        GC.KeepAlive(copies);

        before = ProcessMemory.CollectAndMeasureHeap();
        var map = new Dictionary<string, Session>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            map.Add(ids[i], copies[i]);
        }

        var mapBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;
        GC.KeepAlive(map);
        GC.KeepAlive(ids);

        var pending = live.Average(s => s.PendingCount);
        return
        [
            new("Session object (Base and Head SessionCore, refs, pending count)", sessionObject, "measured: new Session() minus its initial pending array"),
            new(Units.F($"pending beacons array ({pending:F1} beacons in use on average)"), pendingBytes, "measured: the live sessions' pending beacons inserted into copies"),
            new("session id string", idBytes, "measured: copies of the live ids"),
            new("entry in the partition's Dictionary<string, Session>", mapBytes, "measured, grown by doubling as in the processor"),
            new(Units.F($"dimension catalog ({catalog.Count} combinations: SessionDims, cube keys, lookup)"), catalogBytes, "measured: the live sessions' dimensions interned in a new catalog (an average, not marginal)"),
            new("the rest: window cells (accumulators, sketches), string pool", marginal - sessionObject - pendingBytes - idBytes - mapBytes - catalogBytes, "marginal cost minus the parts above"),
        ];
    }
}
