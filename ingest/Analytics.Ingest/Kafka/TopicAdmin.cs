using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Analytics.Ingest.Kafka;

/// <summary>A topic we need. ReplicationFactor -1 takes the broker's default.</summary>
internal sealed record TopicSpec(string Name, int Partitions, short ReplicationFactor = -1);

internal enum TopicState
{
    Created,
    Existed,

    /// <summary>The topic exists with another partition count; it was left alone.</summary>
    PartitionCountDiffers,
}

internal sealed record TopicCheck(string Name, TopicState State, int WantedPartitions, int ActualPartitions)
{
    /// <summary>A sentence for the operator when the topic is not as wanted, otherwise null.</summary>
    public string? Warning => State == TopicState.PartitionCountDiffers
        ? $"Topic {Name} has {ActualPartitions} partitions, not {WantedPartitions}. It was left as it is: "
          + "repartitioning moves keys (sessions) between partitions, so change it only on purpose with the cluster's tools."
        : null;
}

internal static class TopicAdmin
{
    private const string NoControllerAdvice =
        "The cluster did not answer in time or has no controller. librdkafka's mock cluster cannot create topics: "
        + "start it with ./analytics broker, which creates ours.";

    /// <summary>
    /// Creates the topics that are missing (tolerating a concurrent creator) and reports those
    /// whose partition count differs. Throws <see cref="KafkaException"/> if the cluster is
    /// unreachable or refuses to create one.
    /// </summary>
    /// <remarks>librdkafka's mock cluster does not implement CreateTopics: create its topics with
    /// <see cref="MockKafkaCluster.CreateTopic"/> (the broker host does).</remarks>
    public static async Task<IReadOnlyList<TopicCheck>> EnsureTopicsAsync(
        KafkaOptions options, IEnumerable<TopicSpec> topics, CancellationToken cancellationToken)
    {
        var wanted = topics.ToList();
        foreach (var spec in wanted)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(spec.Partitions, 1, nameof(topics));
        }

        LibRdKafka.EnsureLoaded();
        using var admin = new AdminClientBuilder(options.ToAdminConfig()).SetLogHandler(static (_, _) => { }).Build();

        var existing = await PartitionCountsAsync(admin, options, cancellationToken);
        var missing = wanted.Where(t => !existing.ContainsKey(t.Name)).ToList();
        var created = new HashSet<string>(StringComparer.Ordinal);
        if (missing.Count > 0)
        {
            var specs = missing.Select(t => new TopicSpecification { Name = t.Name, NumPartitions = t.Partitions, ReplicationFactor = t.ReplicationFactor });
            var createOptions = new CreateTopicsOptions { RequestTimeout = options.AdminTimeout, OperationTimeout = options.AdminTimeout };
            try
            {
                await admin.CreateTopicsAsync(specs, createOptions).WaitAsync(cancellationToken);
                created.UnionWith(missing.Select(t => t.Name));
            }
            catch (CreateTopicsException e)
            {
                var failed = e.Results.Where(r => r.Error.IsError && r.Error.Code != ErrorCode.TopicAlreadyExists).ToList();
                if (failed.Count > 0)
                {
                    var first = failed[0];
                    var detail = string.Join("; ", failed.Select(r => $"{r.Topic}: {r.Error.Reason} ({r.Error.Code})"));
                    throw new KafkaException(
                        $"Kafka: could not create topic(s): {detail}. "
                        + (first.Error.Code == ErrorCode.Local_TimedOut
                            ? NoControllerAdvice
                            : "Create them with the cluster's tools or fix the settings (permissions, replication factor)."),
                        KafkaErrors.IsTransient(first.Error),
                        e);
                }

                created.UnionWith(e.Results.Where(r => !r.Error.IsError).Select(r => r.Topic));
                // Someone else created the others meanwhile: read their real partition counts.
                existing = await PartitionCountsAsync(admin, options, cancellationToken);
            }
            catch (Confluent.Kafka.KafkaException e)
            {
                var names = string.Join(", ", missing.Select(t => t.Name));
                throw new KafkaException(
                    $"Kafka: could not create topic(s) {names}: {e.Error.Reason} ({e.Error.Code}). "
                    + (e.Error.Code == ErrorCode.Local_TimedOut ? NoControllerAdvice : "Create them with the cluster's tools or fix the settings."),
                    KafkaErrors.IsTransient(e.Error),
                    e);
            }
        }

        return wanted.Select(t =>
        {
            if (created.Contains(t.Name))
            {
                return new TopicCheck(t.Name, TopicState.Created, t.Partitions, t.Partitions);
            }

            if (!existing.TryGetValue(t.Name, out var actual))
            {
                throw new KafkaException($"Kafka: topic {t.Name} was reported as existing but is not in the metadata yet. Retry in a moment.", isTransient: true);
            }

            return new TopicCheck(t.Name, actual == t.Partitions ? TopicState.Existed : TopicState.PartitionCountDiffers, t.Partitions, actual);
        }).ToList();
    }

    private static Task<Dictionary<string, int>> PartitionCountsAsync(IAdminClient admin, KafkaOptions options, CancellationToken cancellationToken) =>
        Task.Run(
            () =>
            {
                Metadata metadata;
                try
                {
                    metadata = admin.GetMetadata(options.AdminTimeout);
                }
                catch (Confluent.Kafka.KafkaException e)
                {
                    throw KafkaErrors.ToException(e.Error, $"read the topic list from {options.BootstrapServers}", e);
                }

                return metadata.Topics
                    .Where(t => !t.Error.IsError)
                    .ToDictionary(t => t.Topic, t => t.Partitions.Count, StringComparer.Ordinal);
            },
            cancellationToken);
}
