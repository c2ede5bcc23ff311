using Confluent.Kafka;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// The partition workers as the consumer thread sees them: which worker owns a partition, the
/// batches of messages being gathered for each, and the blocking send that is the backpressure.
/// </summary>
internal sealed class WorkerPool
{
    private readonly Task _failed;
    private readonly List<ConsumeResult<byte[], byte[]>>[] _batches;
    private int _batched;

    public WorkerPool(PartitionWorker[] workers, Task failed)
    {
        Workers = workers;
        _failed = failed;
        _batches = workers.Select(_ => new List<ConsumeResult<byte[], byte[]>>()).ToArray();
    }

    public PartitionWorker[] Workers { get; }

    /// <summary>Messages gathered and not yet sent to a worker.</summary>
    public int Batched => _batched;

    public PartitionWorker For(int partition) => Workers[partition % Workers.Length];

    /// <summary>Adds a message to its worker's batch; returns the number gathered so far.</summary>
    public int Add(ConsumeResult<byte[], byte[]> message)
    {
        _batches[message.Partition.Value % Workers.Length].Add(message);
        return ++_batched;
    }

    public void SendBatches()
    {
        if (_batched == 0)
        {
            return;
        }

        for (var i = 0; i < Workers.Length; i++)
        {
            if (_batches[i].Count > 0)
            {
                Send(Workers[i], new MessagesItem(_batches[i]));
                _batches[i] = [];
            }
        }

        _batched = 0;
    }

    public void Send(int partition, WorkItem item) => Send(For(partition), item);

    /// <summary>Sends to every worker (e.g. the flush tick).</summary>
    public void SendAll(Func<WorkItem> item)
    {
        foreach (var w in Workers)
        {
            Send(w, item());
        }
    }

    /// <summary>Blocks the consumer thread while the worker is full: this is the backpressure. A pipeline failure unblocks it.</summary>
    private void Send(PartitionWorker worker, WorkItem item)
    {
        var write = worker.Input.Writer.WriteAsync(item);
        if (!write.IsCompleted)
        {
            Task.WhenAny(write.AsTask(), _failed).GetAwaiter().GetResult();
        }
    }
}
