namespace Analytics.Ingest.DeadLetters;

/// <summary>The dead-letter headers of docs/events.md. Values are UTF-8; numbers in invariant decimal.</summary>
internal static class DeadLetterHeaders
{
    public const string Reason = "dlq.reason";
    public const string Field = "dlq.field";
    public const string Message = "dlq.message";
    public const string SourceTopic = "dlq.source.topic";
    public const string SourcePartition = "dlq.source.partition";
    public const string SourceOffset = "dlq.source.offset";
    public const string Processor = "dlq.processor";
}
