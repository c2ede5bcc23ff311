using System.Globalization;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Windows;

namespace Analytics.Cli;

/// <summary>The pipeline's status as one plain line, for logs and terminals without a live view.</summary>
internal static class StatusLine
{
    public static string Format(PipelineStatus s)
    {
        var watermark = s.Watermark == long.MinValue ? "-" : EventTime.Format(s.Watermark);
        var failure = s.Failure is null ? string.Empty : $" | FAILED: {s.Failure}";
        var lost = s.Lost == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" | LOST {s.Lost:N0} (deleted before read)");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"partitions {s.Partitions} | consumed {s.Messages:N0} (invalid {s.Invalid:N0}, late {s.TooLate:N0}, dup {s.Duplicates:N0}) | lag {s.Lag:N0} | sessions {s.ActiveSessions:N0} | rows {s.RowsWritten:N0} in {s.Inserts:N0} inserts | checkpoints {s.Checkpoints:N0}, commits {s.Commits:N0} | dead letters {s.DeadLetters:N0} | watermark {watermark}{lost}{failure}");
    }
}
