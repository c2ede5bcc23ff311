using System.Text;
using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Events;
using Confluent.Kafka;
using FsCheck;
using FsCheck.Fluent;

namespace Analytics.Ingest.Tests.DeadLetters;

public sealed class DeadLetterRecordTests
{
    private static readonly DeadLetterRecord Sample = new()
    {
        OriginalKey = "s-1"u8.ToArray(),
        OriginalValue = "{\"v\":2}"u8.ToArray(),
        Reason = "unsupported_schema_version",
        Field = "v",
        Message = "Schema version 2 is not read by this processor.",
        SourceTopic = "playback-events",
        SourcePartition = 4,
        SourceOffset = 123_456_789_012,
        SourceTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_764_201_600_123),
    };

    [Fact]
    public void Headers_follow_the_contract_in_order()
    {
        var headers = Sample.ToHeaders("proc-7").Select(h => (h.Key, Encoding.UTF8.GetString(h.GetValueBytes())));

        Assert.Equal(
            [
                ("dlq.reason", "unsupported_schema_version"), ("dlq.field", "v"),
                ("dlq.message", "Schema version 2 is not read by this processor."), ("dlq.source.topic", "playback-events"),
                ("dlq.source.partition", "4"), ("dlq.source.offset", "123456789012"), ("dlq.processor", "proc-7"),
            ],
            headers);
    }

    [Fact]
    public void The_field_header_is_absent_when_there_is_no_field() =>
        Assert.DoesNotContain(DeadLetterHeaders.Field, (Sample with { Field = null }).ToHeaders("p").Select(h => h.Key));

    [Fact]
    public void A_dead_letter_message_reads_back_as_the_record_that_wrote_it()
    {
        var back = DeadLetterRecord.FromMessage(AsDeadLetter(Sample, "proc-7"));

        Assert.Equal(Sample with { OriginalKey = back.OriginalKey, OriginalValue = back.OriginalValue, Processor = "proc-7" }, back);
        Assert.Equal(Sample.OriginalKey, back.OriginalKey);
        Assert.Equal(Sample.OriginalValue, back.OriginalValue);
    }

    [Fact]
    public void Any_record_survives_the_round_trip_through_headers()
    {
        var records =
            from reason in Gen.Elements(InvalidEventReasons.All.Select(r => r.ToCode()).ToArray())
            from field in Gen.OneOf(Gen.Constant<string?>(null), ArbMap.Default.GeneratorFor<NonEmptyString>().Select(s => (string?)s.Get))
            from message in ArbMap.Default.GeneratorFor<NonEmptyString>()
            from partition in Gen.Choose(0, int.MaxValue)
            from offset in ArbMap.Default.GeneratorFor<long>().Select(Math.Abs)
            from value in ArbMap.Default.GeneratorFor<byte[]>()
            select new DeadLetterRecord
            {
                OriginalKey = null,
                OriginalValue = value,
                Reason = reason,
                Field = field,
                Message = message.Get,
                SourceTopic = "t",
                SourcePartition = partition,
                SourceOffset = offset == long.MinValue ? 0 : offset,
            };

        Prop.ForAll(records.ToArbitrary(), record =>
        {
            var back = DeadLetterRecord.FromMessage(AsDeadLetter(record, "p"));
            return back.Reason == record.Reason && back.Field == record.Field && back.Message == record.Message
                && back.SourcePartition == record.SourcePartition && back.SourceOffset == record.SourceOffset
                && back.OriginalValue.AsSpan().SequenceEqual(record.OriginalValue);
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(DeadLetterHeaders.Reason)]
    [InlineData(DeadLetterHeaders.SourceOffset)]
    [InlineData(DeadLetterHeaders.Processor)]
    public void A_missing_header_is_reported_by_name(string header)
    {
        var message = AsDeadLetter(Sample, "p");
        message.Message.Headers.Remove(header);

        var error = Assert.Throws<DeadLetterFormatException>(() => DeadLetterRecord.FromMessage(message));

        Assert.Equal(header, error.Header);
        Assert.False(error.IsTransient);
        Assert.Contains("dlq-topic[2]@77", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_numeric_offset_is_rejected()
    {
        var message = AsDeadLetter(Sample, "p");
        message.Message.Headers.Remove(DeadLetterHeaders.SourceOffset);
        message.Message.Headers.Add(DeadLetterHeaders.SourceOffset, "-5"u8.ToArray());

        Assert.Equal(DeadLetterHeaders.SourceOffset, Assert.Throws<DeadLetterFormatException>(() => DeadLetterRecord.FromMessage(message)).Header);
    }

    [Fact]
    public void A_rejection_becomes_a_record_with_the_source_position_and_bytes()
    {
        var source = new ConsumeResult<byte[], byte[]>
        {
            TopicPartitionOffset = new TopicPartitionOffset("playback-events", 3, 42),
            Message = new Message<byte[], byte[]>
            {
                Key = "s-9"u8.ToArray(),
                Value = "{}"u8.ToArray(),
                Timestamp = new Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(1_764_201_600_000)),
            },
        };

        var record = DeadLetterRecord.ForRejection(source, new InvalidEvent(InvalidEventReason.MissingField, "event_id", "event_id is required."));

        Assert.Equal("missing_field", record.Reason);
        Assert.Equal("event_id", record.Field);
        Assert.Equal("event_id is required.", record.Message);
        Assert.Equal(("playback-events", 3, 42L), (record.SourceTopic, record.SourcePartition, record.SourceOffset));
        Assert.Equal(source.Message.Key, record.OriginalKey);
        Assert.Equal(source.Message.Value, record.OriginalValue);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_764_201_600_000), record.SourceTimestamp);
    }

    private static ConsumeResult<byte[], byte[]> AsDeadLetter(DeadLetterRecord record, string processor) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("dlq-topic", 2, 77),
        Message = new Message<byte[], byte[]>
        {
            Key = record.OriginalKey!,
            Value = record.OriginalValue,
            Headers = record.ToHeaders(processor),
            Timestamp = record.SourceTimestamp is { } ts ? new Timestamp(ts) : default,
        },
    };
}
