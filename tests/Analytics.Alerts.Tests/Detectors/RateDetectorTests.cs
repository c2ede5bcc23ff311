using Analytics.Alerts.Detectors.Rates;
using MathNet.Numerics.Distributions;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class RateDetectorTests
{
    /// <summary>A steady 2 % failure rate at 1,000 attempts a window, with binomial noise.</summary>
    private static RateDetector Trained(RateOptions? options = null)
    {
        var detector = new RateDetector(options);
        var random = new Random(41);
        for (var i = 0; i < 300; i++)
        {
            var failures = Enumerable.Range(0, 1000).Count(_ => random.NextDouble() < 0.02);
            detector.Score(SyntheticSeries.Timestamp(i), failures, 1000);
        }

        return detector;
    }

    [Fact]
    public void Three_failures_in_twelve_is_noise_and_three_hundred_in_twelve_hundred_an_outage()
    {
        var small = Trained().Score(SyntheticSeries.Timestamp(300), 3, 12);
        var large = Trained().Score(SyntheticSeries.Timestamp(300), 300, 1200);
        Assert.True(small < 0.25, $"small slice scored {small:F3}");
        Assert.True(large > 0.95, $"large slice scored {large:F3}");
    }

    [Fact]
    public void An_ordinary_window_scores_low()
    {
        var detector = Trained();
        Assert.True(detector.Score(SyntheticSeries.Timestamp(300), 22, 1000) < 0.1);
        Assert.InRange(detector.BaselineRate, 0.018, 0.022);
    }

    [Fact]
    public void Only_the_direction_asked_for_is_an_anomaly()
    {
        Assert.True(Trained().Score(SyntheticSeries.Timestamp(300), 0, 2000) < 0.05);
        Assert.True(Trained(new RateOptions { Direction = RateDirection.Down }).Score(SyntheticSeries.Timestamp(300), 0, 2000) > 0.5);
        Assert.True(Trained(new RateOptions { Direction = RateDirection.Down }).Score(SyntheticSeries.Timestamp(300), 300, 1200) < 0.05);
    }

    [Fact]
    public void An_outage_does_not_become_the_baseline()
    {
        var detector = Trained();
        for (var i = 0; i < 30; i++)
        {
            detector.Score(SyntheticSeries.Timestamp(300 + i), 500, 1000);
        }

        Assert.True(detector.BaselineRate < 0.1, $"baseline {detector.BaselineRate:F3}");
        Assert.True(detector.Score(SyntheticSeries.Timestamp(330), 500, 1000) > 0.9);
    }

    [Fact]
    public void Windows_below_the_minimum_volume_are_not_judged()
    {
        var detector = Trained(new RateOptions { MinDenominator = 50 });
        Assert.Equal(0, detector.Score(SyntheticSeries.Timestamp(300), 40, 40));
        Assert.Equal(1, detector.LastTailProbability);
    }

    [Theory]
    [InlineData(3, 12, 0.05)]
    [InlineData(30, 1000, 0.02)]
    [InlineData(0, 500, 0.01)]
    [InlineData(7, 7, 0.3)]
    public void Without_overdispersion_the_tail_is_the_binomial_tail(int k, int n, double p)
    {
        var up = k == 0 ? 1 : 1 - Binomial.CDF(p, n, k - 1);
        var down = Binomial.CDF(p, n, k);
        Assert.Equal(up, RateDetector.Tail(k, n, p, rho: 0, RateDirection.Up), 1e-9);
        Assert.Equal(down, RateDetector.Tail(k, n, p, rho: 0, RateDirection.Down), 1e-9);
    }

    [Fact]
    public void Overdispersion_shrinks_the_evidence_of_a_large_window()
    {
        var binomial = RateDetector.Tail(40, 1000, 0.02, rho: 0, RateDirection.Up);
        var overdispersed = RateDetector.Tail(40, 1000, 0.02, rho: 0.01, RateDirection.Up);
        Assert.True(overdispersed > 100 * binomial);
    }

    [Fact]
    public void Counts_that_are_not_counts_are_missing_points()
    {
        var detector = Trained();
        Assert.Equal(0, detector.Score(SyntheticSeries.Timestamp(300), -1, 10));
        Assert.Equal(0, detector.Score(SyntheticSeries.Timestamp(300), 1, double.NaN));
        Assert.Equal(2, detector.MissingPoints);
    }
}
