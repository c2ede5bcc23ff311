using Analytics.Ingest.DeadLetters;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;

namespace Analytics.IntegrationTests.Kafka;

internal static class DeadLetterRecords
{
    public static DeadLetterRecord Sample(string sourceTopic, int n = 0, string reason = "missing_field") => new()
    {
        OriginalKey = Bytes($"s-{n}"),
        OriginalValue = Bytes($"{{\"v\":1,\"n\":{n}}}"),
        Reason = reason,
        Field = "geo.region",
        Message = "geo.region is required.",
        SourceTopic = sourceTopic,
        SourcePartition = n % 3,
        SourceOffset = 1000 + n,
        SourceTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_764_201_600_000 + n),
    };
}
