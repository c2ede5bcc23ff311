using Analytics.Common;

namespace Analytics.Processors.Sinks;

/// <summary>How rows are batched into ClickHouse inserts.</summary>
internal sealed record SinkOptions
{
    public const string Section = "Sink";

    /// <summary>The ClickHouse database holding the QoE tables.</summary>
    public string Database { get; init; } = "analytics";

    /// <summary>An insert is sent once this many rows are pending.</summary>
    public int MaxBatchRows { get; init; } = 100_000;

    /// <summary>…or once this many bytes are pending.</summary>
    public int MaxBatchBytes { get; init; } = 32 * 1024 * 1024;

    /// <summary>…or when the oldest pending row has waited this long (freshness of the NOC view).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Batches waiting for the writer; when full, processing waits (backpressure to Kafka).</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Attempts for an insert that fails with a transient error, before the pipeline stops.</summary>
    public int MaxAttempts { get; init; } = 8;

    public SinkOptions Validate()
    {
        const string Component = "Sink";
        if (string.IsNullOrWhiteSpace(Database) || !Database.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new OptionsValidationException(Component, nameof(Database), "must be letters, digits and underscores", Database);
        }

        if (MaxBatchRows < 1)
        {
            throw new OptionsValidationException(Component, nameof(MaxBatchRows), "must be at least 1", MaxBatchRows);
        }

        if (MaxBatchBytes < 64 * 1024)
        {
            throw new OptionsValidationException(Component, nameof(MaxBatchBytes), "must be at least 64 KiB", MaxBatchBytes);
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(50))
        {
            throw new OptionsValidationException(Component, nameof(FlushInterval), "must be at least 50 ms", FlushInterval);
        }

        if (QueueCapacity < 1)
        {
            throw new OptionsValidationException(Component, nameof(QueueCapacity), "must be at least 1", QueueCapacity);
        }

        if (MaxAttempts < 1)
        {
            throw new OptionsValidationException(Component, nameof(MaxAttempts), "must be at least 1", MaxAttempts);
        }

        return this;
    }
}
