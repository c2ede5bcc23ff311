using System.Globalization;

namespace Analytics.Benchmarks.Harness;

/// <summary>What the process holds: resident memory from /proc/self/status and the managed heap.</summary>
internal readonly record struct MemorySnapshot(long RssBytes, long PeakRssBytes, long ManagedHeapBytes, long GcCommittedBytes)
{
    public override string ToString()
        => $"RSS {Units.Megabytes(RssBytes)}, peak RSS (VmHWM) {Units.Megabytes(PeakRssBytes)}, managed heap {Units.Megabytes(ManagedHeapBytes)}, GC committed {Units.Megabytes(GcCommittedBytes)}";
}

internal static class ProcessMemory
{
    public static MemorySnapshot Snapshot()
    {
        var (rss, hwm) = ReadStatus();
        var info = GC.GetGCMemoryInfo();
        return new MemorySnapshot(rss, hwm, GC.GetTotalMemory(forceFullCollection: false), info.TotalCommittedBytes);
    }

    /// <summary>Full blocking, compacting collection (large objects too), so a heap figure holds only live objects.</summary>
    public static long CollectAndMeasureHeap()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>
    /// Sets VmHWM back to the current RSS (Linux 4.0+, "5" to /proc/self/clear_refs), so the next peak
    /// belongs to what runs next. Returns false where that is not allowed.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static (long Rss, long Hwm) ReadStatus()
    {
        long rss = -1, hwm = -1;
        if (!File.Exists("/proc/self/status"))
        {
            return (rss, hwm);
        }

        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line) * 1024;
            }
        }

        return (rss, hwm);
    }

    private static long Kilobytes(string line)
    {
        var parts = line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(parts[1], CultureInfo.InvariantCulture);
    }
}
