using Analytics.Benchmarks.Harness;

namespace Analytics.Benchmarks.EndToEnd;

/// <summary>Everything one e2e run measured; serialized as the JSON summary and rendered as tables.</summary>
internal sealed record EndToEndResult
{
    public required DateTimeOffset StartedUtc { get; init; }

    public required string Command { get; init; }

    public required MachineInfo Machine { get; init; }

    public required EndToEndSettings Settings { get; init; }

    public required CorpusSummary Corpus { get; init; }

    public required IReadOnlyList<PhaseSummary> Phases { get; init; }

    public required IReadOnlyList<RatioSummary> Ratios { get; init; }

    public required IReadOnlyList<PipelineSummary> Pipelines { get; init; }

    public required IReadOnlyList<MemoryPoint> Memory { get; init; }

    public CrossCheck? CrossCheck { get; init; }

    public string? ChDbVersion { get; init; }
}

internal sealed record EndToEndSettings(int Events, int Rounds, int Partitions, ulong Seed, int ConcurrentSessions, bool ChDb);

internal sealed record CorpusSummary(int Events, long JsonBytes, double AverageEventBytes, int Sessions, double EventTimeMinutes, double GenerationSeconds, long FootprintBytes, long HeapWithCorpusBytes);

internal sealed record PhaseSummary(string Name, string Description, double MedianEventsPerSecond, double MinEventsPerSecond, double MaxEventsPerSecond, double MedianSeconds, double CpuPerWall, double MedianEventsPerCpuSecond, IReadOnlyList<double> EventsPerSecond);

internal sealed record RatioSummary(string Numerator, string Denominator, double Ratio, string Meaning);

internal sealed record PipelineSummary(
    string Name,
    long Rows,
    long Corrections,
    long SessionsEnded,
    long Timeouts,
    long Invalid,
    double AllocatedBytesPerEvent,
    double Gen0,
    double Gen1,
    double Gen2,
    double GcPauseMs,
    double GcPausePercent,
    long PeakHeapAfterGcBytes,
    long HeapBeforeFinishBytes,
    int ActiveSessionsBeforeFinish,
    double FinishSeconds);

internal sealed record MemoryPoint(string When, long RssBytes, long PeakRssBytes, long ManagedHeapBytes);

internal sealed record CrossCheck(long ChDbAttempts, long PipelineAttempts, long ChDbPlays, long PipelinePlays, long ChDbErrors, long PipelineErrors, long ChDbGroups, long PipelineGroups)
{
    public bool Agrees => ChDbAttempts == PipelineAttempts && ChDbPlays == PipelinePlays && ChDbErrors == PipelineErrors;
}
