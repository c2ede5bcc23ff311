namespace Analytics.Ingest;

/// <summary>
/// Root of every exception the project throws on purpose. Retry logic reads <see cref="IsTransient"/>,
/// never the message.
/// </summary>
internal abstract class AnalyticsException : Exception
{
    protected AnalyticsException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>True when the same operation may succeed if retried unchanged.</summary>
    public abstract bool IsTransient { get; }
}

/// <summary>Base of the ingest area: event decoding, Kafka, dead letters, the simulator.</summary>
internal abstract class IngestException : AnalyticsException
{
    protected IngestException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>An options record broke one of its rules at start-up.</summary>
internal sealed class OptionsValidationException : AnalyticsException
{
    public OptionsValidationException(string component, string key, string rule, object? value)
        : base($"{component}: {key} {rule} (got {Format(value)}).")
    {
        Component = component;
        Key = key;
        Rule = rule;
        Value = value;
    }

    public string Component { get; }

    public string Key { get; }

    public string Rule { get; }

    public object? Value { get; }

    public override bool IsTransient => false;

    private static string Format(object? value) => value switch
    {
        null => "nothing",
        string s => $"\"{s}\"",
        TimeSpan t => t.ToString(),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "nothing",
    };
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
