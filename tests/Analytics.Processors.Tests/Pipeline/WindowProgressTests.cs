using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Pipeline;

/// <summary>
/// The window-close signal alerting relies on: once a partition says a window is final, nothing
/// about it changes any more, and the boundaries only move forward.
/// </summary>
public sealed class WindowProgressTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void No_row_arrives_for_a_window_already_declared_final(int seed)
    {
        var options = new ProcessorOptions { Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)] };
        var messages = RandomTraffic.Generate(seed, new RandomTraffic.Settings { Sessions = 60, Late = 0.1, LongGap = 0.05 });
        var output = new RecordingOutput(options.ResolveWindows().Sizes);
        ProcessorHarness.RunInto(messages, options, output);

        Assert.NotEmpty(output.Signals);
        Assert.True(output.Rows > 0);
        Assert.Empty(output.AfterFinal);
        foreach (var (partition, signals) in output.Signals.GroupBy(s => s.Partition).Select(g => (g.Key, g.Select(s => s.Progress).ToList())))
        {
            for (var i = 1; i < signals.Count; i++)
            {
                Assert.True(signals[i].ClosedThroughMs >= signals[i - 1].ClosedThroughMs, $"closed went back on partition {partition}");
                Assert.True(signals[i].FinalThroughMs >= signals[i - 1].FinalThroughMs, $"final went back on partition {partition}");
            }

            Assert.All(signals, s => Assert.True(s.FinalThroughMs <= s.ClosedThroughMs));
        }

        // Finishing the input makes every window final, so the check above covered every row.
        Assert.All(output.Signals.GroupBy(s => s.Partition), g => Assert.True(g.Last().Progress.FinalThroughMs >= output.LastWindowEnd[g.Key]));
    }

    [Fact]
    public void A_partition_that_never_had_a_beacon_follows_the_watermark_it_is_given()
    {
        var options = new ProcessorOptions();
        var output = new RecordingOutput(options.ResolveWindows().Sizes);
        var processor = new PartitionProcessor(new PartitionId("test/topic", 3), options, output);

        processor.AdvanceWatermark(1_764_201_615_000);

        var signal = Assert.Single(output.Signals);
        Assert.Equal(3, signal.Partition);
        Assert.Equal(1_764_201_610_000, signal.Progress.ClosedThroughMs);
        Assert.Equal(1_764_201_615_000, processor.Watermark);
    }

    private sealed class RecordingOutput(long[] sizes) : IPartitionOutput
    {
        private readonly Dictionary<int, long> _final = [];

        public List<(int Partition, WindowProgress Progress)> Signals { get; } = [];

        public List<string> AfterFinal { get; } = [];

        public Dictionary<int, long> LastWindowEnd { get; } = [];

        public int Rows { get; private set; }

        public void WindowRow(PartitionId partition, long version, int sizeIndex, long windowStart, int cube, CubeKey key, QoeAccumulator acc, bool correction)
        {
            Rows++;
            var end = windowStart + sizes[sizeIndex];
            LastWindowEnd[partition.Partition] = Math.Max(LastWindowEnd.GetValueOrDefault(partition.Partition, long.MinValue), end);
            if (_final.TryGetValue(partition.Partition, out var final) && end <= final)
            {
                AfterFinal.Add($"partition {partition.Partition}: a row for the window ending {end} after final through {final}");
            }
        }

        public void WindowsClosed(PartitionId partition, in WindowProgress progress)
        {
            Signals.Add((partition.Partition, progress));
            _final[partition.Partition] = progress.FinalThroughMs;
        }

        public void SessionEnded(PartitionId partition, long version, Session session)
        {
        }

        public void Late(PartitionId partition, in LateBeacon beacon)
        {
        }

        public void Orphan(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs)
        {
        }

        public void Invalid(PartitionId partition, long offset, InvalidEvent error, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
        }
    }
}
