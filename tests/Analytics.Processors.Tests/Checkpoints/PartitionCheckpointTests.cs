using Analytics.Processors.Checkpoints;
using Analytics.Processors.Pipeline;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Checkpoints;

public sealed class PartitionCheckpointTests
{
    private static readonly ProcessorOptions Options = new()
    {
        Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)],
    };

    [Theory]
    [InlineData(11, 0.3)]
    [InlineData(12, 0.5)]
    [InlineData(13, 0.8)]
    public void Restoring_mid_stream_writes_the_same_rows_as_an_uninterrupted_run(int seed, double cut)
    {
        var messages = RandomTraffic.Generate(seed, new RandomTraffic.Settings { Partitions = 1, Sessions = 30 });
        var (uninterrupted, _) = ProcessorHarness.Run(messages, Options);

        var split = (int)(messages.Count * cut);
        var output = new CollectingOutput(Options.ResolveWindows(), Options.ResolveCubes());
        var id = new PartitionId("test/topic", 0);
        var first = new PartitionProcessor(id, Options, output);
        for (var i = 0; i < split; i++)
        {
            first.Process(i, 0, messages[i].Key, messages[i].Value);
        }

        var snapshot = PartitionCheckpoint.Capture(first, Options);
        var second = PartitionCheckpoint.Restore(snapshot, id, Options, output);
        Assert.Equal(first.NextOffset, second.NextOffset);
        Assert.Equal(first.ActiveSessions, second.ActiveSessions);
        for (var i = split; i < messages.Count; i++)
        {
            second.Process(i, 0, messages[i].Key, messages[i].Value);
        }

        second.Finish();
        Assert.Equal(0, output.StaleVersions);
        var expected = uninterrupted.Merged();
        var actual = output.Merged();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, acc) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var other), $"missing {key}");
            Assert.Equal(acc.Result(), other.Result());
            Assert.Equal(acc.Bitrate, other.Bitrate);
            Assert.Equal(acc.StartTime.Keys.ToArray(), other.StartTime.Keys.ToArray());
        }
    }

    [Fact]
    public void A_checkpoint_taken_with_other_windows_is_refused_with_a_reason()
    {
        var messages = RandomTraffic.Generate(5, new RandomTraffic.Settings { Partitions = 1 });
        var id = new PartitionId("test/topic", 0);
        var p = new PartitionProcessor(id, Options, new CollectingOutput(Options.ResolveWindows(), Options.ResolveCubes()));
        for (var i = 0; i < messages.Count / 2; i++)
        {
            p.Process(i, 0, messages[i].Key, messages[i].Value);
        }

        var snapshot = PartitionCheckpoint.Capture(p, Options);
        var other = Options with { Windows = [TimeSpan.FromMinutes(1)] };
        var ex = Assert.Throws<CheckpointException>(() => PartitionCheckpoint.Restore(snapshot, id, other, new CollectingOutput(other.ResolveWindows(), other.ResolveCubes())));
        Assert.Contains("other processor settings", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_checkpoint_is_reported_as_such()
    {
        var id = new PartitionId("test/topic", 3);
        var ex = Assert.Throws<CheckpointException>(() => PartitionCheckpoint.Restore([1, 2, 3, 4], id, Options, new CollectingOutput(Options.ResolveWindows(), Options.ResolveCubes())));
        Assert.Contains("test/topic[3]", ex.Message, StringComparison.Ordinal);
    }
}
