using Analytics.Alerts.Detectors.ChangePoint;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class ChangePointTests
{
    [Fact]
    public void A_level_shift_that_persists_is_found_soon_after_it_starts()
    {
        var input = SyntheticSeries.Noise(3000, 10, 1, seed: 31);
        for (var i = 2000; i < input.Length; i++)
        {
            input[i] += 2.5;
        }

        var scores = SyntheticSeries.Run(new CusumDetector(), input);
        var before = SyntheticSeries.Max(scores, 300, 2000);
        var after = SyntheticSeries.Max(scores, 2000, 2050);
        Assert.True(after > before, $"after the shift {after:F3}, before {before:F3}");
    }

    [Fact]
    public void A_change_of_spread_is_found_too()
    {
        var input = SyntheticSeries.Noise(3000, 10, 1, seed: 32);
        for (var i = 2000; i < input.Length; i++)
        {
            input[i] = 10 + ((input[i] - 10) * 4);
        }

        var detector = new CusumDetector();
        var scores = SyntheticSeries.Run(detector, input);
        Assert.True(SyntheticSeries.Max(scores, 2000, 2100) > SyntheticSeries.Max(scores, 300, 2000));
    }

    [Fact]
    public void One_spike_is_not_a_change()
    {
        var input = SyntheticSeries.Noise(1000, 10, 1, seed: 33);
        input[600] += 50;
        var detector = new CusumDetector();
        var statistic = 0.0;
        for (var i = 0; i < input.Length; i++)
        {
            detector.Score(SyntheticSeries.Timestamp(i), input[i]);
            if (i >= 600 && i < 610)
            {
                statistic = Math.Max(statistic, detector.LastStatistic);
            }
        }

        // Clipped at 4 deviations: one point adds at most 4·1 − 0.5 to the level CUSUM.
        Assert.True(statistic < new ChangePointOptions().DecisionLevel, $"statistic {statistic:F2}");
    }
}
