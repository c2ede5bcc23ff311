using Analytics.Processors.Pipeline;
using Analytics.Testing;
using Analytics.Testing.Reference;

namespace Analytics.Processors.Tests.Pipeline;

/// <summary>
/// The streaming processor against the batch reference model over adversarial random traffic:
/// out-of-order, late, too-late, duplicate and junk messages, sessions that time out, and every
/// beacon type in odd places. Both must agree exactly on counts and sums, and within the sketch's
/// bound on start-time percentiles.
/// </summary>
public sealed class StreamingMatchesReferenceTests
{
    private static readonly ProcessorOptions Options = new()
    {
        Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)],
    };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Agrees_with_reference_on_random_traffic(int seed)
    {
        var messages = RandomTraffic.Generate(seed, new RandomTraffic.Settings());
        AssertAgrees(messages, Options);
    }

    [Fact]
    public void Agrees_with_reference_over_many_seeds()
    {
        for (var seed = 100; seed < 400; seed++)
        {
            var messages = RandomTraffic.Generate(seed, new RandomTraffic.Settings { Sessions = 8 });
            AssertAgrees(messages, Options, $"seed {seed}");
        }
    }

    [Fact]
    public void Agrees_when_everything_arrives_in_order()
    {
        var messages = RandomTraffic.Generate(7, new RandomTraffic.Settings
        {
            OutOfOrder = 0,
            Late = 0,
            TooLate = 0,
            Duplicates = 0,
            Junk = 0,
            LongGap = 0,
        });
        var (output, partitions) = AssertAgrees(messages, Options);
        Assert.Equal(0, partitions.Values.Sum(p => p.Counters.Replays));
    }

    [Fact]
    public void Agrees_with_reference_on_simulated_traffic_with_every_delivery_knob()
    {
        var messages = SimulatedTraffic.Deliver(SimulatedTraffic.WithAllKnobs(seed: 7, sessions: 400, TimeSpan.FromMinutes(12)), partitions: 3);
        var (_, partitions) = AssertAgrees(messages, Options);

        // The traffic must actually exercise what the test claims to cover.
        Assert.True(partitions.Values.Sum(p => p.Counters.TooLate) > 0, "no too-late beacons");
        Assert.True(partitions.Values.Sum(p => p.Counters.Duplicates) > 0, "no duplicates");
        Assert.True(partitions.Values.Sum(p => p.Counters.Invalid) > 0, "no invalid messages");
        Assert.True(partitions.Values.Sum(p => p.Counters.Replays) > 0, "no late beacon was replayed");
    }

    internal static (CollectingOutput Output, Dictionary<int, PartitionProcessor> Partitions) AssertAgrees(
        List<DeliveredMessage> messages, ProcessorOptions options, string context = "")
    {
        var (output, partitions) = ProcessorHarness.Run(messages, options);
        var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(options));
        var problems = RowComparer.Compare(expected.Rows, output.Merged());
        Assert.True(problems.Count == 0, $"{context}\n{string.Join('\n', problems)}");
        Assert.Equal(expected.Invalid, partitions.Values.Sum(p => p.Counters.Invalid));
        Assert.Equal(expected.TooLate, partitions.Values.Sum(p => p.Counters.TooLate));
        // A copy of a beacon whose session was already finalized is an orphan to the stream and a
        // duplicate to the batch reference; both are excluded from every metric.
        Assert.Equal(expected.Duplicates + expected.AfterEnd, partitions.Values.Sum(p => p.Counters.Duplicates + p.Counters.Orphans));
        Assert.Equal(0, output.StaleVersions);
        Assert.All(partitions.Values, p => Assert.Equal(0, p.Windows.LostContributions));
        Assert.All(partitions.Values, p => Assert.Equal(0, p.ActiveSessions));
        Assert.Equal(expected.Sessions.Count, output.EndedSessions.Count);
        return (output, partitions);
    }
}
