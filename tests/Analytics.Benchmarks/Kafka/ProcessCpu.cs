using System.Diagnostics;

namespace Analytics.Benchmarks.Kafka;

/// <summary>The measuring process's CPU time (all threads, chDB's included).</summary>
internal static class ProcessCpu
{
    public static TimeSpan Now()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime;
    }
}
