namespace Analytics.Ingest.Kafka;

/// <summary>Kafka protocol request types, for injecting errors into the mock cluster.</summary>
internal enum KafkaApiKey : short
{
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    ApiVersions = 18,
    InitProducerId = 22,
}
