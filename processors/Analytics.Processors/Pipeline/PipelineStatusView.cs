namespace Analytics.Processors.Pipeline;

/// <summary>Assembles <see cref="PipelineStatus"/> from the parts of a running pipeline.</summary>
internal static class PipelineStatusView
{
    public static PipelineStatus Of(PartitionAssignments? assignments, OutputCounters output, long commits, long deadLetters, long lag, Exception? failure)
    {
        var processors = assignments?.Processors.Select(p => p.Value).ToList() ?? [];
        long Sum(Func<PartitionCounters, long> f) => assignments?.Sum(f) ?? 0;
        return new PipelineStatus(
            processors.Count,
            Sum(c => c.Messages),
            Sum(c => c.Valid),
            Sum(c => c.Invalid),
            Sum(c => c.TooLate),
            Sum(c => c.Duplicates),
            Sum(c => c.Orphans),
            processors.Sum(p => (long)p.ActiveSessions),
            Sum(c => c.WindowRows),
            Sum(c => c.Corrections),
            output.RowsWritten,
            output.Inserts,
            output.Checkpoints,
            commits,
            deadLetters,
            lag,
            processors.Count == 0 ? long.MinValue : processors.Min(p => p.Watermark),
            failure?.Message)
        {
            RowsByTable = output.RowsByTable,
            CoalescedRows = assignments?.CoalescedRows ?? 0,
            Lost = Sum(c => c.Skipped),
        };
    }
}
