using Analytics.Alerts.Detectors.Seasonal;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class SeasonalBaselineTests
{
    [Fact]
    public void A_day_that_loses_its_daily_pattern_scores_above_every_ordinary_day()
    {
        var input = SyntheticSeries.Daily(21, 4, seed: 21);
        const int BrokenDay = 16;
        for (var i = BrokenDay * 288; i < (BrokenDay + 1) * 288; i++)
        {
            input[i] = 100 + (input[i] - Math.Round(input[i])); // the curve is gone, the noise stays
        }

        var scores = SyntheticSeries.Run(new SeasonalBaselineDetector(), input);
        var broken = SyntheticSeries.Max(scores, BrokenDay * 288, (BrokenDay + 1) * 288);
        for (var day = 8; day < 21; day++)
        {
            if (day != BrokenDay)
            {
                Assert.True(SyntheticSeries.Max(scores, day * 288, (day + 1) * 288) < broken, $"day {day} scored as high as the broken day");
            }
        }
    }

    [Fact]
    public void A_slot_median_ignores_one_odd_day_and_the_expectation_interpolates_between_slot_centres()
    {
        var profile = new SeasonProfile(slots: 24, cycles: 5, cycleMs: 86_400_000);
        double[] nine = [10, 11, 1000, 12, 13];
        double[] ten = [20, 21, 22, 23, 24];
        foreach (var (a, b) in nine.Zip(ten))
        {
            profile.Add(9, a);
            profile.Add(10, b);
        }

        Assert.Equal(12, profile.Median(9, minCycles: 1));
        Assert.Equal(22, profile.Median(10, minCycles: 1));

        // 09:30 is slot 9's centre; 10:00 lies halfway between the centres of slots 9 and 10.
        Assert.Equal(12, profile.Expected(SyntheticSeries.Start + (long)(9.5 * 3_600_000), minCycles: 1), 1e-9);
        Assert.Equal(17, profile.Expected(SyntheticSeries.Start + (10 * 3_600_000), minCycles: 1), 1e-9);
        Assert.True(double.IsNaN(profile.Expected(SyntheticSeries.Start + (3 * 3_600_000), minCycles: 1)));
    }

    [Fact]
    public void Weeks_start_on_monday_in_the_time_of_week_profile()
    {
        var week = new SeasonProfile(slots: 168, cycles: 2, cycleMs: 7 * 86_400_000L);
        Assert.Equal(0, week.SlotOf(SyntheticSeries.Start)); // a Monday, 00:00 UTC
        Assert.Equal(24 + 13, week.SlotOf(SyntheticSeries.Start + (24 + 13) * 3_600_000L + 59_000));
        Assert.Equal(167, week.SlotOf(SyntheticSeries.Start - 1));
    }
}
