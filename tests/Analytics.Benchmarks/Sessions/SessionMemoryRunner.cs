using System.Runtime.CompilerServices;
using Analytics.Benchmarks.EndToEnd;
using Analytics.Benchmarks.Harness;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;

namespace Analytics.Benchmarks.Sessions;

internal sealed record SessionMemoryPoint(int Sessions, int ActiveSessions, long HeapDeltaBytes, double BytesPerSession);

internal sealed record SessionMemoryPart(string Part, double BytesPerSession, string How);

internal sealed record SessionMemoryResult(
    DateTimeOffset StartedUtc,
    string Command,
    MachineInfo Machine,
    string Configuration,
    long BaselineHeapBytes,
    IReadOnlyList<SessionMemoryPoint> Points,
    double MarginalBytesPerSession,
    IReadOnlyList<SessionMemoryPart> Breakdown,
    int SessionCoreBytes,
    int SessionEventBytes,
    int DimensionCombinations,
    long WindowRows,
    long PeakRssBytes,
    double FeedSeconds);

/// <summary>
/// Managed memory per open session: one partition (full configuration) holding many concurrent sessions,
/// each fed a play_request, a first_frame and a heartbeat; the heap is measured after full collections.
/// </summary>
internal sealed class SessionMemoryRunner
{
    private readonly SessionMemoryOptions _options;

    public SessionMemoryRunner(SessionMemoryOptions options)
    {
        _options = options;
    }

    public SessionMemoryResult Run(string command)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        Progress.Report($"machine: {machine}");
        var configuration = PipelineConfiguration.Full;
        var n = _options.Sessions;
        var output = new CountingOutput();
        var processor = new PartitionProcessor(new PartitionId("bench/playback-events", 0), configuration.Options, output);
        using var beacons = new SessionBeacons(n, _options.Seed);

        var baseline = ProcessMemory.CollectAndMeasureHeap();
        long offset = 0;
        var points = new List<SessionMemoryPoint>();
        var feedSeconds = 0.0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var step = Math.Max(1, n / 10);
        for (var i = 0; i < n; i++)
        {
            beacons.Feed(i, (key, value) => processor.Process(offset++, 0, key, value));
            var count = i + 1;
            if (count == _options.Checkpoint || count == n)
            {
                feedSeconds += clock.Elapsed.TotalSeconds;
                var heap = ProcessMemory.CollectAndMeasureHeap() - baseline;
                points.Add(new SessionMemoryPoint(count, processor.ActiveSessions, heap, (double)heap / count));
                Progress.Report(Units.F($"{Units.Count(count)} sessions open: managed heap +{Units.Megabytes(heap)}, {(double)heap / count:F0} B/session"));
                clock.Restart();
            }
            else if (count % step == 0)
            {
                Progress.Report($"fed {Units.Count(count)} / {Units.Count(n)} sessions");
            }
        }

        if (processor.ActiveSessions != n)
        {
            throw new InvalidOperationException($"Expected {n} open sessions, the partition has {processor.ActiveSessions}: the beacons must keep every session open.");
        }

        var first = points[0];
        var last = points[^1];
        var marginal = (double)(last.HeapDeltaBytes - first.HeapDeltaBytes) / (last.Sessions - first.Sessions);
        var dims = processor.Catalog.Count;
        var rows = processor.Counters.WindowRows;
        var peak = ProcessMemory.Snapshot().PeakRssBytes;
        Progress.Report("measuring the parts of a session separately");
        var breakdown = Breakdown(processor, marginal);
        GC.KeepAlive(processor);

        return new SessionMemoryResult(
            started,
            command,
            machine,
            configuration.Name + " (" + configuration.Description + ")",
            baseline,
            points,
            marginal,
            breakdown,
            Unsafe.SizeOf<SessionCore>(),
            Unsafe.SizeOf<SessionEvent>(),
            dims,
            rows,
            peak,
            feedSeconds);
    }

    /// <summary>
    /// The structures a session owns, allocated alone in the same numbers and measured the same way; what
    /// is left of the marginal cost is in shared structures (windows, dimension catalog, string pool).
    /// </summary>
    private static SessionMemoryPart[] Breakdown(PartitionProcessor processor, double marginal)
    {
        var n = processor.ActiveSessions;
        var dims = processor.Sessions.First().Dims;
        var values = processor.Sessions.Select(s => s.Dims.Values).ToArray();
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
            ids[i] = "s-" + ((ulong)i * 0x9E3779B97F4A7C15UL).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        }

        var idBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;

        var sessions = new Session[n];
        before = ProcessMemory.CollectAndMeasureHeap();
        for (var i = 0; i < n; i++)
        {
            sessions[i] = new Session(ids[i], dims);
        }

        var sessionBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;
        GC.KeepAlive(ids);

        before = ProcessMemory.CollectAndMeasureHeap();
        var map = new Dictionary<string, Session>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            map.Add(ids[i], sessions[i]);
        }

        var mapBytes = (double)(ProcessMemory.CollectAndMeasureHeap() - before) / n;
        GC.KeepAlive(map);
        GC.KeepAlive(sessions);

        var pendingArray = 24 + (4 * Unsafe.SizeOf<SessionEvent>());
        var sessionObject = sessionBytes - pendingArray;
        return
        [
            new("Session object (Base and Head SessionCore, id, dims, pending count)", sessionObject, "measured: new Session() minus its pending array"),
            new("pending beacons array (SessionEvent[4], 3 in use)", pendingArray, "computed: 24 B array header + 4 × sizeof(SessionEvent)"),
            new("session id string (18 chars)", idBytes, "measured"),
            new("entry in the partition's Dictionary<string, Session>", mapBytes, "measured, grown by doubling as in the processor"),
            new(Units.F($"dimension catalog ({catalog.Count} combinations: SessionDims, cube keys, lookup)"), catalogBytes, "measured: the same dimension values interned in a new catalog"),
            new("the rest: window cells (accumulators, sketches), string pool", marginal - sessionBytes - idBytes - mapBytes - catalogBytes, "marginal cost minus the parts above"),
        ];
    }
}
