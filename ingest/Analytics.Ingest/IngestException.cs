using Analytics.Common;

namespace Analytics.Ingest;

/// <summary>Base of the ingest area: event decoding, Kafka, dead letters, the simulator.</summary>
internal abstract class IngestException : AnalyticsException
{
    protected IngestException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>A Kafka operation failed.</summary>
internal sealed class KafkaException : IngestException
{
    public KafkaException(string message, bool isTransient, Exception? inner = null)
        : base(message, inner)
    {
        IsTransient = isTransient;
    }

    public override bool IsTransient { get; }
}
