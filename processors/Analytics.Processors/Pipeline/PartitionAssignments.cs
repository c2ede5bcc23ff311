using System.Collections.Concurrent;
using System.Globalization;
using Analytics.Processors.Checkpoints;
using Analytics.Processors.Health;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// The partitions this instance owns. Assignment restores each from its checkpoint; revocation and
/// shutdown hand it over (checkpoint, commit, release); a lost partition is dropped without a
/// checkpoint, as another consumer may already own it. Runs on the consumer thread, inside
/// librdkafka's rebalance callbacks.
/// </summary>
internal sealed class PartitionAssignments
{
    private static readonly TimeSpan HandoverTimeout = TimeSpan.FromSeconds(60);
    private readonly ProcessorOptions _options;
    private readonly string _topic;
    private readonly IPipelineOutput _output;
    private readonly WorkerPool _workers;
    private readonly OffsetCommitter _committer;
    private readonly IdlePartitions _idle;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Task _failed;
    private readonly ConcurrentDictionary<int, (PartitionProcessor Processor, PartitionOutput Output)> _assigned = new();
    private readonly PartitionCounters _released = new();
    private readonly ConcurrentQueue<KeyValuePair<int, PartitionProcessor>> _retired = new();
    private long _coalescedReleased;

    public PartitionAssignments(
        ProcessorOptions options,
        string topic,
        IPipelineOutput output,
        WorkerPool workers,
        OffsetCommitter committer,
        IdlePartitions idle,
        TimeProvider time,
        ILogger log,
        Task failed)
    {
        _options = options;
        _topic = topic;
        _output = output;
        _workers = workers;
        _committer = committer;
        _idle = idle;
        _time = time;
        _log = log;
        _failed = failed;
    }

    public string Source { get; set; } = "";

    /// <summary>Told when a partition is assigned, so its checkpoint age starts there.</summary>
    public DurabilityClock? Durability { get; init; }

    public bool IsEmpty => _assigned.IsEmpty;

    public ICollection<int> Partitions => _assigned.Keys;

    public IEnumerable<KeyValuePair<int, PartitionProcessor>> Processors
        => _assigned.Select(a => KeyValuePair.Create(a.Key, a.Value.Processor));

    /// <summary>The partitions released since the previous call, for their last health figures.</summary>
    public IReadOnlyList<KeyValuePair<int, PartitionProcessor>> TakeRetired()
    {
        var taken = new List<KeyValuePair<int, PartitionProcessor>>();
        while (_retired.TryDequeue(out var r))
        {
            taken.Add(r);
        }

        return taken;
    }

    /// <summary>Sums counts over the assigned partitions and those released earlier.</summary>
    public long Sum(Func<PartitionCounters, long> count)
    {
        var processors = _assigned.Values.Select(a => a.Processor).ToList();
        lock (_released)
        {
            return count(_released) + processors.Sum(p => count(p.Counters));
        }
    }

    public long CoalescedRows => Interlocked.Read(ref _coalescedReleased) + _assigned.Values.Sum(a => a.Output.CoalescedRows);

    public IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions, CancellationToken ct)
    {
        var result = new List<TopicPartitionOffset>();
        foreach (var tp in partitions)
        {
            var id = new PartitionId(Source, tp.Partition.Value);
            var stored = _output.LoadCheckpointAsync(id, ct).GetAwaiter().GetResult();
            var output = new PartitionOutput(_options, _topic);
            var processor = stored is null
                ? new PartitionProcessor(id, _options, output)
                : PartitionCheckpoint.Restore(stored.Data, id, _options, output);
            _assigned[tp.Partition.Value] = (processor, output);
            Durability?.Assigned(tp.Partition.Value);
            _idle.Seen(tp.Partition.Value, _time.GetTimestamp());
            _workers.Send(tp.Partition.Value, new AssignItem(processor, output));
            _log.LogInformation(
                "Assigned {Partition}: {From}.",
                id,
                stored is null ? "no checkpoint, starting at the committed offset" : string.Create(CultureInfo.InvariantCulture, $"checkpoint {stored.Id} at offset {stored.NextOffset}, {processor.ActiveSessions} open sessions"));
            result.Add(new TopicPartitionOffset(tp, stored is null ? Offset.Unset : new Offset(stored.NextOffset)));
        }

        return result;
    }

    public void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions)
        => Handover(consumer, partitions.Select(p => p.Partition.Value).ToList(), "rebalance");

    public void OnLost(List<TopicPartitionOffset> partitions)
    {
        foreach (var tp in partitions)
        {
            var p = tp.Partition.Value;
            _log.LogWarning("Lost partition {Partition}; its state is dropped and its new owner resumes from the last checkpoint.", p);
            if (Release(p))
            {
                _workers.Send(p, new DropItem(p));
            }
        }
    }

    /// <summary>Checkpoints and releases partitions, then commits their offsets: used when they are revoked and at shutdown.</summary>
    public void Handover(IConsumer<byte[], byte[]> consumer, List<int> partitions, string why)
    {
        _workers.SendBatches();
        var done = new List<Task>();
        foreach (var p in partitions)
        {
            if (!_assigned.ContainsKey(p))
            {
                continue;
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _workers.Send(p, new CheckpointRequest(p, Release: true, tcs));
            done.Add(tcs.Task);
        }

        var all = Task.WhenAll(done);
        var finished = Task.WhenAny(all, _failed, Task.Delay(HandoverTimeout, _time)).GetAwaiter().GetResult();
        if (finished != all)
        {
            _log.LogError("Could not checkpoint {Count} partitions for {Why} within {Timeout}; their offsets stay where they were.", done.Count, why, HandoverTimeout);
        }

        _committer.Commit(consumer);
        foreach (var p in partitions)
        {
            Release(p);
        }
    }

    /// <summary>Forgets a partition, keeping its counts in the totals.</summary>
    private bool Release(int partition)
    {
        if (!_assigned.TryRemove(partition, out var owned))
        {
            return false;
        }

        _retired.Enqueue(KeyValuePair.Create(partition, owned.Processor));
        Interlocked.Add(ref _coalescedReleased, owned.Output.CoalescedRows);
        lock (_released)
        {
            _released.Add(owned.Processor.Counters);
        }

        return true;
    }
}
