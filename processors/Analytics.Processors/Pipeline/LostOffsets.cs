using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// Says loudly when an owned partition skipped offsets: its messages were deleted (retention, or
/// the embedded broker's size limit) before this processor read them. Kafka moves a consumer past
/// deleted data without an error; the processor must not.
/// </summary>
internal sealed class LostOffsets(ILogger log)
{
    private readonly Dictionary<PartitionCounters, long> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>Messages lost on this instance so far.</summary>
    public long Total { get; private set; }

    /// <summary>Logs an error for every partition that lost messages since the previous call.</summary>
    public void Check(IEnumerable<KeyValuePair<int, PartitionProcessor>> owned)
    {
        var current = new HashSet<PartitionCounters>(ReferenceEqualityComparer.Instance);
        foreach (var (partition, processor) in owned)
        {
            var counters = processor.Counters;
            current.Add(counters);
            var skipped = Interlocked.Read(ref counters.Skipped);
            var before = _seen.GetValueOrDefault(counters);
            _seen[counters] = skipped;
            if (skipped > before)
            {
                Total += skipped - before;
                log.LogError(
                    "Partition {Partition} lost {Lost} messages: they were deleted (retention, or the broker's size limit) before this processor read them ({Total} lost in all; pipeline_health metric lost_messages). Give the processor room to keep up, or lengthen the topic's retention.",
                    partition,
                    skipped - before,
                    Total);
            }
        }

        foreach (var gone in _seen.Keys.Where(c => !current.Contains(c)).ToList())
        {
            _seen.Remove(gone);
        }
    }
}
