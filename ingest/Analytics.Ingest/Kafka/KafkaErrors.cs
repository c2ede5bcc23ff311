using Confluent.Kafka;

namespace Analytics.Ingest.Kafka;

/// <summary>Turns librdkafka error codes into our <see cref="KafkaException"/> with IsTransient decided once, here.</summary>
internal static class KafkaErrors
{
    /// <summary>Errors that can clear by themselves: broker restarts, leader moves, timeouts, a full local queue.</summary>
    public static bool IsTransient(Error error) => !error.IsFatal && IsTransient(error.Code);

    public static bool IsTransient(ErrorCode code) => code switch
    {
        ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut
            or ErrorCode.Local_MsgTimedOut or ErrorCode.Local_QueueFull or ErrorCode.Local_WaitCoord
            or ErrorCode.Local_Retry or ErrorCode.Local_TimedOutQueue or ErrorCode.Local_Resolve
            or ErrorCode.Local_Destroy or ErrorCode.Local_Partial
            or ErrorCode.RequestTimedOut or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition
            or ErrorCode.BrokerNotAvailable or ErrorCode.ReplicaNotAvailable or ErrorCode.NetworkException
            or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend
            or ErrorCode.GroupLoadInProgress or ErrorCode.GroupCoordinatorNotAvailable or ErrorCode.NotCoordinatorForGroup
            or ErrorCode.RebalanceInProgress or ErrorCode.NotController or ErrorCode.KafkaStorageError
            or ErrorCode.FetchSessionIdNotFound or ErrorCode.InvalidFetchSessionEpoch
            or ErrorCode.ConcurrentTransactions
            or ErrorCode.UnknownLeaderEpoch or ErrorCode.FencedLeaderEpoch or ErrorCode.OffsetNotAvailable
            or ErrorCode.PreferredLeaderNotAvailable or ErrorCode.ThrottlingQuotaExceeded => true,
        _ => false,
    };

    public static KafkaException ToException(Error error, string doing, Exception? inner = null)
    {
        // An Error built from a bare code asks librdkafka for its text.
        LibRdKafka.EnsureLoaded();
        var transient = IsTransient(error);
        var next = transient
            ? "This usually clears by itself: check that the brokers are up and reachable, then retry."
            : "Retrying unchanged will not help: check the topic, its permissions and the Kafka settings.";
        return new KafkaException($"Kafka: could not {doing}: {error.Reason} ({error.Code}). {next}", transient, inner);
    }
}
