using Analytics.Alerts.Detectors;
using Analytics.Alerts.Detectors.Calibration;
using MathNet.Numerics;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class CalibrationTests
{
    [Fact]
    public void The_fast_erfc_matches_the_reference_within_its_stated_error()
    {
        for (var x = -5.0; x <= 8; x += 0.01)
        {
            var reference = SpecialFunctions.Erfc(x);
            Assert.True(Math.Abs(TailScore.Erfc(x) - reference) <= 1.2e-7 * reference, $"erfc({x})");
        }
    }

    [Fact]
    public void Scores_grow_with_the_decades_of_surprise_and_stay_below_one()
    {
        Assert.Equal(0, TailScore.FromTail(1));
        Assert.Equal(1 - Math.Exp(-1), TailScore.FromTail(1e-10), 1e-12);
        Assert.True(TailScore.FromTail(1e-40) > TailScore.FromTail(1e-20));
        Assert.True(TailScore.FromTail(0) < 1);
    }

    [Fact]
    public void A_surprise_that_recurs_every_hundred_points_is_worth_about_two_decades()
    {
        var calibrator = new TailCalibrator(new CalibrationOptions());
        double last = 0;
        for (var i = 1; i <= 20_000; i++)
        {
            var value = calibrator.Update(i % 100 == 0 ? 30 : 0.2);
            if (i % 100 == 0)
            {
                last = value;
            }
        }

        Assert.InRange(last, 1.7, 2.3);
    }

    [Fact]
    public void A_surprise_beyond_all_history_is_worth_more_the_further_beyond_it_is()
    {
        // The surprises of a well-calibrated model: −log10 of a uniform p-value, an exponential tail.
        double Fresh(double surprise)
        {
            var calibrator = new TailCalibrator(new CalibrationOptions());
            var random = new Random(3);
            for (var i = 0; i < 5000; i++)
            {
                calibrator.Update(-Math.Log10(1 - random.NextDouble()));
            }

            return calibrator.Update(surprise);
        }

        var once = Fresh(8);
        var twice = Fresh(17);
        Assert.True(once > Math.Log10(5000) - 0.5, $"{once:F2}");
        Assert.InRange(twice - once, 0.1, new CalibrationOptions().BeyondGain + 1e-9);
    }

    [Fact]
    public void A_heavy_tail_gains_less_beyond_its_records_than_a_light_one()
    {
        // Decades gained from just past the largest surprise seen to four times it, on the same history.
        double Beyond(Func<Random, double> surprise)
        {
            double After(double factor)
            {
                var calibrator = new TailCalibrator(new CalibrationOptions());
                var random = new Random(4);
                var max = 0.0;
                for (var i = 0; i < 5000; i++)
                {
                    var s = surprise(random);
                    max = Math.Max(max, s);
                    calibrator.Update(s);
                }

                return calibrator.Update(factor * max);
            }

            return After(4) - After(1.01);
        }

        var light = Beyond(r => -Math.Log10(1 - r.NextDouble()));
        var heavy = Beyond(r => Math.Pow(1 - r.NextDouble(), -1.5));
        Assert.True(heavy < light, $"heavy {heavy:F2}, light {light:F2}");
    }
}
