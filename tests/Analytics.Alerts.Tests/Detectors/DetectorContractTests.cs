using Analytics.Alerts.Detectors;

namespace Analytics.Alerts.Tests.Detectors;

/// <summary>What every value detector promises: no look-ahead, determinism, exact resumption, bounded state.</summary>
public sealed class DetectorContractTests
{
    public static TheoryData<string> Names() => [.. DetectorCatalog.Names.Where(n => DetectorCatalog.Create(n) is IAnomalyDetector)];

    private static IAnomalyDetector Create(string name) => (IAnomalyDetector)DetectorCatalog.Create(name);

    private static double[] Input() => [.. SyntheticSeries.Daily(16, 5, seed: 3).Select((v, i) => i == 3000 ? v + 200 : v)];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_score_depends_only_on_the_points_up_to_it(string name)
    {
        var input = Input();
        var other = (double[])input.Clone();
        for (var i = 2500; i < other.Length; i++)
        {
            other[i] = 5000 - other[i];
        }

        var first = SyntheticSeries.Run(Create(name), input);
        var second = SyntheticSeries.Run(Create(name), other);
        Assert.Equal(first.AsSpan(0, 2500).ToArray(), second.AsSpan(0, 2500).ToArray());
        Assert.NotEqual(first.AsSpan(2500).ToArray(), second.AsSpan(2500).ToArray());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Scores_are_in_the_unit_interval_and_the_same_on_every_run(string name)
    {
        var first = SyntheticSeries.Run(Create(name), Input());
        var second = SyntheticSeries.Run(Create(name), Input());
        Assert.Equal(first, second);
        Assert.All(first, s => Assert.InRange(s, 0, 1));
        Assert.Contains(first, s => s > 0);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_restored_detector_continues_exactly_where_the_saved_one_was(string name)
    {
        var input = Input();
        var uninterrupted = SyntheticSeries.Run(Create(name), input);

        var before = Create(name);
        for (var i = 0; i < 2000; i++)
        {
            before.Score(SyntheticSeries.Timestamp(i), input[i]);
        }

        var state = DetectorState.Save(before);
        var after = Create(name);
        DetectorState.Restore(after, state);
        Assert.Equal(state, DetectorState.Save(after));
        for (var i = 2000; i < input.Length; i++)
        {
            Assert.Equal(uninterrupted[i], after.Score(SyntheticSeries.Timestamp(i), input[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_missing_value_scores_zero_is_counted_and_changes_nothing_else(string name)
    {
        var input = Input();
        var withGaps = Create(name);
        var without = Create(name);
        var scored = new List<(double WithGaps, double Without)>();
        for (var i = 0; i < 1500; i++)
        {
            if (i == 1000)
            {
                Assert.Equal(0, withGaps.Score(SyntheticSeries.Timestamp(i), double.NaN));
                Assert.Equal(0, withGaps.Score(SyntheticSeries.Timestamp(i), double.NegativeInfinity));
            }

            scored.Add((withGaps.Score(SyntheticSeries.Timestamp(i), input[i]), without.Score(SyntheticSeries.Timestamp(i), input[i])));
        }

        Assert.Equal(2, withGaps.MissingPoints);
        Assert.Equal(0, without.MissingPoints);
        Assert.All(scored, s => Assert.Equal(s.Without, s.WithGaps));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_state_stays_the_same_size_however_long_the_series(string name)
    {
        var detector = Create(name);
        var input = SyntheticSeries.Daily(60, 5, seed: 4);
        var sizes = new List<int>();
        for (var i = 0; i < input.Length; i++)
        {
            detector.Score(SyntheticSeries.Timestamp(i), input[i]);
            if (i % 4000 == 3999)
            {
                sizes.Add(DetectorState.Save(detector).Length);
            }
        }

        Assert.Single(sizes.Distinct());
    }

    [Fact]
    public void The_ensemble_state_including_the_seasonal_baseline_fits_in_4_KB()
    {
        var detector = Create(DetectorCatalog.Default);
        SyntheticSeries.Run(detector, SyntheticSeries.Daily(30, 5, seed: 5));
        Assert.True(DetectorState.Save(detector).Length <= 4096, $"{DetectorState.Save(detector).Length} bytes");
    }
}
