using Analytics.Processors.Aggregates;

namespace Analytics.Processors.Tests.Aggregates;

/// <summary>Each aggregate alone: init, accumulate, deaccumulate, merge, result.</summary>
public sealed class AggregateTests
{
    [Fact]
    public void Sum_accumulates_retracts_and_merges()
    {
        var s = SumAggregate.Init();
        s = SumAggregate.Accumulate(s, 5);
        s = SumAggregate.Accumulate(s, 7);
        s = SumAggregate.Deaccumulate(s, 5);
        Assert.Equal(7, SumAggregate.Result(s));
        Assert.Equal(10, SumAggregate.Result(SumAggregate.Merge(s, 3)));
    }

    [Fact]
    public void Ratio_is_a_ratio_of_sums_not_an_average_of_ratios()
    {
        // 1 of 1 and 1 of 9 is 2 of 10, not the mean of 100 % and 11 %.
        var a = RatioAggregate.Accumulate(RatioAggregate.Init(), new RatioState(1, 1));
        var b = RatioAggregate.Accumulate(RatioAggregate.Init(), new RatioState(1, 9));
        Assert.Equal(0.2, RatioAggregate.Result(RatioAggregate.Merge(a, b)), 12);
        Assert.True(double.IsNaN(RatioAggregate.Result(RatioAggregate.Init())));
        Assert.Equal(RatioAggregate.Init(), RatioAggregate.Deaccumulate(a, new RatioState(1, 1)));
    }

    [Fact]
    public void Time_weighted_average_weights_each_value_by_its_duration()
    {
        var s = TimeWeightedAverageAggregate.Init();
        s = TimeWeightedAverageAggregate.Accumulate(s, (1000, 9_000));
        s = TimeWeightedAverageAggregate.Accumulate(s, (8000, 1_000));
        Assert.Equal(1700, TimeWeightedAverageAggregate.Result(s), 9);
        s = TimeWeightedAverageAggregate.Deaccumulate(s, (8000, 1_000));
        Assert.Equal(1000, TimeWeightedAverageAggregate.Result(s), 9);
        var other = TimeWeightedAverageAggregate.Accumulate(TimeWeightedAverageAggregate.Init(), (3000, 9_000));
        Assert.Equal(2000, TimeWeightedAverageAggregate.Result(TimeWeightedAverageAggregate.Merge(s, other)), 9);
    }

    [Fact]
    public void Quantile_aggregate_wraps_a_sketch()
    {
        var s = QuantileAggregate.Init();
        foreach (var v in new[] { 100.0, 200, 300, 400, 500 })
        {
            s = QuantileAggregate.Accumulate(s, v);
        }

        s = QuantileAggregate.Deaccumulate(s, 500);
        var other = QuantileAggregate.Accumulate(QuantileAggregate.Init(), 1000);
        var result = QuantileAggregate.Result(QuantileAggregate.Merge(s, other));
        Assert.Equal(5, result.Count);
        Assert.InRange(result.Quantile(0.5), 297, 303);
    }

    [Fact]
    public void Count_by_key_drops_keys_that_return_to_zero()
    {
        var s = CountByKeyAggregate.Init();
        s = CountByKeyAggregate.Accumulate(s, "E1");
        s = CountByKeyAggregate.Accumulate(s, "E1");
        s = CountByKeyAggregate.Accumulate(s, "E2");
        s = CountByKeyAggregate.Deaccumulate(s, "E2");
        Assert.Equal(new Dictionary<string, long> { ["E1"] = 2 }, CountByKeyAggregate.Result(s));
        var merged = CountByKeyAggregate.Merge(s, new Dictionary<string, long> { ["E1"] = -2, ["E3"] = 1 });
        Assert.Equal(new Dictionary<string, long> { ["E3"] = 1 }, merged);
    }

    [Fact]
    public void Qoe_accumulator_contributions_retract_exactly_and_merge()
    {
        var contributions = new[]
        {
            Contribution.Attempt, Contribution.Play(1800), Contribution.Playing(4000, 5800), Contribution.Rebuffering(500, seekInduced: true),
            Contribution.RebufferStart(seekInduced: true), Contribution.BitrateSwitch, Contribution.ConcurrentPlay,
            Contribution.Delivered(1_000_000, cacheHit: true), Contribution.Error("E42", fatal: true), Contribution.PlaybackFailure,
            Contribution.VideoStartFailure, Contribution.ExitBeforeVideoStart,
        };
        var acc = new QoeAccumulator();
        foreach (var c in contributions)
        {
            c.ApplyTo(acc, +1);
        }

        var summary = acc.Result();
        Assert.Equal(1, summary.Attempts);
        Assert.Equal(1, summary.Plays);
        Assert.Equal(500.0 / 4500, summary.RebufferingRatio, 12);
        Assert.Equal(0, summary.ConnectionInducedRebufferingRatio, 12);
        Assert.Equal(5800, summary.AverageBitrateKbps, 9);
        Assert.Equal(1.0, summary.CacheHitRatio, 12);

        var twice = new QoeAccumulator();
        twice.Merge(acc);
        twice.Merge(acc);
        Assert.Equal(2, twice.Attempts);
        Assert.Equal(8000, twice.PlayingMs);
        Assert.Equal(2, twice.ErrorsByCode!["E42"]);

        foreach (var c in contributions)
        {
            c.ApplyTo(acc, -1);
        }

        Assert.True(acc.IsZero);
    }
}
