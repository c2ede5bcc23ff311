using System.Diagnostics;
using Analytics.Benchmarks.Traffic;
using Analytics.Processors.Pipeline;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>What one pass of the corpus through the processors cost, GC included.</summary>
internal sealed record PipelineRunResult(
    TimeSpan Elapsed,
    TimeSpan FinishElapsed,
    long Rows,
    long Corrections,
    long SessionsEnded,
    long Timeouts,
    long Invalid,
    long Checksum,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan GcPause,
    long PeakHeapAfterGcBytes,
    long HeapBeforeFinishBytes,
    int ActiveSessionsBeforeFinish);

/// <summary>
/// Feeds every message of the corpus, in delivery order, to the processor of its partition, all on the
/// calling thread (one core), then finishes every partition so all windows fire.
/// </summary>
internal static class PipelineRun
{
    private const int HeapSampleInterval = 65_536;

    public static PipelineRunResult Run(EventCorpus corpus, ProcessorOptions options, IPartitionOutput? output = null)
    {
        var counting = output as CountingOutput;
        output ??= counting = new CountingOutput();
        var processors = new PartitionProcessor[corpus.Partitions];
        for (var p = 0; p < processors.Length; p++)
        {
            processors[p] = new PartitionProcessor(new PartitionId("bench/playback-events", p), options, output);
        }

        var offsets = new long[processors.Length];
        var gen0 = GC.CollectionCount(0);
        var gen1 = GC.CollectionCount(1);
        var gen2 = GC.CollectionCount(2);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var pause = GC.GetTotalPauseDuration();
        long peakAfterGc = 0;
        var lastGcIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < corpus.Count; i++)
        {
            var p = corpus.Partition(i);
            processors[p].Process(offsets[p]++, corpus.RecordTimestampMs(i), corpus.Key(i), corpus.Value(i));

            // The heap right after a collection is the live state; sampled rarely enough to cost nothing.
            if ((i & (HeapSampleInterval - 1)) == 0)
            {
                var info = GC.GetGCMemoryInfo(GCKind.Any);
                if (info.Index != lastGcIndex)
                {
                    lastGcIndex = info.Index;
                    peakAfterGc = Math.Max(peakAfterGc, info.HeapSizeBytes - info.FragmentedBytes);
                }
            }
        }

        var beforeFinish = clock.Elapsed;
        var heapBeforeFinish = GC.GetTotalMemory(forceFullCollection: false);
        var active = processors.Sum(p => p.ActiveSessions);
        foreach (var p in processors)
        {
            p.Finish();
        }

        clock.Stop();
        return new PipelineRunResult(
            clock.Elapsed,
            clock.Elapsed - beforeFinish,
            counting?.Rows ?? processors.Sum(p => p.Counters.WindowRows),
            counting?.Corrections ?? processors.Sum(p => p.Counters.Corrections),
            processors.Sum(p => p.Counters.SessionsEnded),
            processors.Sum(p => p.Counters.Timeouts),
            processors.Sum(p => p.Counters.Invalid),
            counting?.Checksum ?? 0,
            GC.GetTotalAllocatedBytes(precise: true) - allocated,
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2,
            GC.GetTotalPauseDuration() - pause,
            peakAfterGc,
            heapBeforeFinish,
            active);
    }
}
