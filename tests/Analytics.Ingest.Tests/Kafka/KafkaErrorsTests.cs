using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.Ingest.Tests.Kafka;

public sealed class KafkaErrorsTests
{
    [Theory]
    [InlineData(ErrorCode.Local_MsgTimedOut, true)]
    [InlineData(ErrorCode.Local_AllBrokersDown, true)]
    [InlineData(ErrorCode.NotEnoughReplicas, true)]
    [InlineData(ErrorCode.NotLeaderForPartition, true)]
    [InlineData(ErrorCode.TopicAuthorizationFailed, false)]
    [InlineData(ErrorCode.MsgSizeTooLarge, false)]
    [InlineData(ErrorCode.UnknownTopicOrPart, false)]
    public void Transient_errors_are_told_apart_from_permanent_ones(ErrorCode code, bool transient)
    {
        var error = KafkaErrors.ToException(new Error(code), "do the thing");

        Assert.Equal(transient, error.IsTransient);
        Assert.Contains(code.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("do the thing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fatal_error_is_never_transient() =>
        Assert.False(KafkaErrors.IsTransient(new Error(ErrorCode.Local_MsgTimedOut, "fenced", isFatal: true)));
}
