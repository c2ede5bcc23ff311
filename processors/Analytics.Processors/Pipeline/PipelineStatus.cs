namespace Analytics.Processors.Pipeline;

/// <summary>A point-in-time view of the pipeline, for the live console and logs.</summary>
internal sealed record PipelineStatus(
    int Partitions,
    long Messages,
    long Valid,
    long Invalid,
    long TooLate,
    long Duplicates,
    long Orphans,
    long ActiveSessions,
    long WindowRows,
    long Corrections,
    long RowsWritten,
    long Inserts,
    long Checkpoints,
    long Commits,
    long DeadLetters,
    long Lag,
    long Watermark,
    string? Failure)
{
    /// <summary>Rows inserted, by table.</summary>
    public IReadOnlyDictionary<string, long> RowsByTable { get; init; } = new Dictionary<string, long>();

    /// <summary>Messages deleted by retention before they were read (offsets skipped).</summary>
    public long Lost { get; init; }

    /// <summary>Window rows never inserted because a correction replaced them while still buffered.</summary>
    public long CoalescedRows { get; init; }
}
