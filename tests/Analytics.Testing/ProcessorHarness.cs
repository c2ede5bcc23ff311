using Analytics.Processors.Pipeline;
using Analytics.Testing.Reference;

namespace Analytics.Testing;

/// <summary>Runs messages through one <see cref="PartitionProcessor"/> per partition, in memory, and finishes the input.</summary>
internal static class ProcessorHarness
{
    public static (CollectingOutput Output, Dictionary<int, PartitionProcessor> Partitions) Run(
        IEnumerable<DeliveredMessage> messages, ProcessorOptions options, bool finish = true)
    {
        var output = new CollectingOutput(options.ResolveWindows(), options.ResolveCubes());
        return (output, RunInto(messages, options, output, finish));
    }

    /// <summary>Runs the messages into any output; returns the partitions' processors.</summary>
    public static Dictionary<int, PartitionProcessor> RunInto(
        IEnumerable<DeliveredMessage> messages, ProcessorOptions options, IPartitionOutput output, bool finish = true)
    {
        var partitions = new Dictionary<int, PartitionProcessor>();
        var offsets = new Dictionary<int, long>();
        foreach (var m in messages)
        {
            if (!partitions.TryGetValue(m.Partition, out var p))
            {
                partitions[m.Partition] = p = new PartitionProcessor(new PartitionId("test/topic", m.Partition), options, output);
            }

            var offset = offsets.GetValueOrDefault(m.Partition);
            offsets[m.Partition] = offset + 1;
            p.Process(offset, 0, m.Key, m.Value);
        }

        if (finish)
        {
            foreach (var p in partitions.Values)
            {
                p.Finish();
            }
        }

        return partitions;
    }

    /// <summary>The processor's default event-time and session rules with no cubes: for session-level checks only.</summary>
    public static ReferenceOptions DefaultSessionRules => ReferenceOptionsFor(new ProcessorOptions()) with { Cubes = [] };

    public static ReferenceOptions ReferenceOptionsFor(ProcessorOptions o)
    {
        var sizes = o.ResolveWindows().Sizes;
        var bySize = o.CubesBySize();
        return new(
            (long)o.OutOfOrderness.TotalMilliseconds,
            (long)o.AllowedLateness.TotalMilliseconds,
            (long)o.SessionTimeout.TotalMilliseconds,
            o.ResolveCubes().Select((c, i) => new ReferenceCube(
                c.Name,
                c.Dimensions.Select(d => Processors.Dimensions.Dimensions.ColumnName(d)).ToArray(),
                sizes.Where((_, s) => bySize[s].Contains(i)).ToArray())).ToArray());
    }
}
