using System.Globalization;
using System.Numerics;
using System.Text;
using Analytics.Ingest.Events;
using Confluent.Kafka;

namespace Analytics.Ingest.DeadLetters;

/// <summary>
/// A rejected beacon with why and where it was read. On the dead-letter topic: key and value are
/// the original bytes, the rest are headers (<see cref="DeadLetterHeaders"/>) and the source
/// timestamp, when known, is the message timestamp.
/// </summary>
internal sealed record DeadLetterRecord
{
    public byte[]? OriginalKey { get; init; }

    public required byte[] OriginalValue { get; init; }

    /// <summary>The reason code, e.g. <c>missing_field</c> (<see cref="InvalidEventReasons.ToCode"/>).</summary>
    public required string Reason { get; init; }

    public string? Field { get; init; }

    public required string Message { get; init; }

    public required string SourceTopic { get; init; }

    public required int SourcePartition { get; init; }

    public required long SourceOffset { get; init; }

    public DateTimeOffset? SourceTimestamp { get; init; }

    /// <summary>Who rejected it. Filled when read back; the producer stamps its own id, ignoring this.</summary>
    public string? Processor { get; init; }

    /// <summary>The dead letter for a beacon read from Kafka and rejected by the decoder.</summary>
    public static DeadLetterRecord ForRejection(ConsumeResult<byte[], byte[]> source, InvalidEvent rejection) => new()
    {
        OriginalKey = source.Message.Key,
        OriginalValue = source.Message.Value ?? [],
        Reason = rejection.Code,
        Field = rejection.Field,
        Message = rejection.Message,
        SourceTopic = source.Topic,
        SourcePartition = source.Partition.Value,
        SourceOffset = source.Offset.Value,
        SourceTimestamp = source.Message.Timestamp.Type == TimestampType.NotAvailable
            ? null
            : source.Message.Timestamp.UtcDateTime,
    };

    /// <summary>Reads a message of the dead-letter topic back. Throws <see cref="DeadLetterFormatException"/> if a header is missing or bad.</summary>
    public static DeadLetterRecord FromMessage(ConsumeResult<byte[], byte[]> deadLetter)
    {
        var message = deadLetter.Message;
        var headers = message.Headers ?? [];
        var where = $"{deadLetter.Topic}[{deadLetter.Partition.Value}]@{deadLetter.Offset.Value}";
        return new DeadLetterRecord
        {
            OriginalKey = message.Key,
            OriginalValue = message.Value ?? [],
            Reason = Required(headers, DeadLetterHeaders.Reason, where),
            Field = Optional(headers, DeadLetterHeaders.Field),
            Message = Required(headers, DeadLetterHeaders.Message, where),
            SourceTopic = Required(headers, DeadLetterHeaders.SourceTopic, where),
            SourcePartition = Number<int>(headers, DeadLetterHeaders.SourcePartition, where),
            SourceOffset = Number<long>(headers, DeadLetterHeaders.SourceOffset, where),
            SourceTimestamp = message.Timestamp.Type == TimestampType.NotAvailable ? null : message.Timestamp.UtcDateTime,
            Processor = Required(headers, DeadLetterHeaders.Processor, where),
        };
    }

    /// <summary>The headers of docs/events.md; <c>dlq.field</c> only when there is a field.</summary>
    public Headers ToHeaders(string processor)
    {
        var headers = new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(Reason) },
        };
        if (Field is not null)
        {
            headers.Add(DeadLetterHeaders.Field, Encoding.UTF8.GetBytes(Field));
        }

        headers.Add(DeadLetterHeaders.Message, Encoding.UTF8.GetBytes(Message));
        headers.Add(DeadLetterHeaders.SourceTopic, Encoding.UTF8.GetBytes(SourceTopic));
        headers.Add(DeadLetterHeaders.SourcePartition, Encoding.UTF8.GetBytes(SourcePartition.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.SourceOffset, Encoding.UTF8.GetBytes(SourceOffset.ToString(CultureInfo.InvariantCulture)));
        headers.Add(DeadLetterHeaders.Processor, Encoding.UTF8.GetBytes(processor));
        return headers;
    }

    private static string? Optional(Headers headers, string key) =>
        headers.TryGetLastBytes(key, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static string Required(Headers headers, string key, string where) =>
        Optional(headers, key) ?? throw new DeadLetterFormatException(key, where, "is missing");

    private static T Number<T>(Headers headers, string key, string where)
        where T : IBinaryInteger<T>
    {
        var text = Required(headers, key, where);
        return T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DeadLetterFormatException(key, where, $"is not a non-negative integer (\"{text}\")");
    }
}

/// <summary>A message on the dead-letter topic lacks a header or has a bad one: not written by <see cref="DeadLetterProducer"/>.</summary>
internal sealed class DeadLetterFormatException : IngestException
{
    public DeadLetterFormatException(string header, string where, string problem)
        : base($"Dead letter {where}: header {header} {problem}. Only messages written by the processor's dead-letter producer can be read back.")
    {
        Header = header;
    }

    public string Header { get; }

    public override bool IsTransient => false;
}
