using Analytics.Ingest.Events;
using Analytics.Processors.Pipeline;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Pipeline;

/// <summary>Messages deleted before they were read leave holes in the offsets; each is counted and said out loud.</summary>
public sealed class LostOffsetsTests
{
    private const long T0 = 1_764_201_600_000;
    private static readonly ProcessorOptions Options = new() { Windows = [TimeSpan.FromMinutes(1)], Cubes = ["delivery"] };

    [Fact]
    public void A_hole_in_the_offsets_is_counted_and_logged_once_with_the_partition()
    {
        var output = new CollectingOutput(Options.ResolveWindows(), Options.ResolveCubes());
        var processor = new PartitionProcessor(new PartitionId("test/topic", 2), Options, output);
        var log = new CapturingLogger();
        var lost = new LostOffsets(log);
        void Send(long offset) => processor.Process(offset, T0, "s"u8, Beacons.Encode(Beacons.Make("s", EventType.Heartbeat, T0 + offset)));

        Send(0);
        Send(1);
        lost.Check([KeyValuePair.Create(2, processor)]);
        Assert.Empty(log.Lines);

        // Offsets 2..41 were deleted by retention before they were read.
        Send(42);
        Send(43);
        lost.Check([KeyValuePair.Create(2, processor)]);
        lost.Check([KeyValuePair.Create(2, processor)]);

        Assert.Equal(40, processor.Counters.Skipped);
        Assert.Equal(40, lost.Total);
        var line = Assert.Single(log.Lines);
        Assert.Contains("Partition 2 lost 40 messages", line, StringComparison.Ordinal);
        Assert.Contains("retention", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_processor_restored_from_a_checkpoint_counts_the_messages_deleted_since()
    {
        var output = new CollectingOutput(Options.ResolveWindows(), Options.ResolveCubes());
        var first = new PartitionProcessor(new PartitionId("test/topic", 0), Options, output);
        first.Process(0, T0, "s"u8, Beacons.Encode(Beacons.Make("s", EventType.PlayRequest, T0)));
        var restored = Analytics.Processors.Checkpoints.PartitionCheckpoint.Restore(
            Analytics.Processors.Checkpoints.PartitionCheckpoint.Capture(first, Options), first.Id, Options, output);

        // The checkpoint resumes at offset 1; the log now starts at 10.
        restored.Process(10, T0, "s"u8, Beacons.Encode(Beacons.Make("s", EventType.Heartbeat, T0 + 10_000)));

        Assert.Equal(9, restored.Counters.Skipped);
    }
}
