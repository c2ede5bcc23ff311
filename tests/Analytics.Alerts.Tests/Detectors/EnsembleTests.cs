using Analytics.Alerts.Detectors.Ensemble;

namespace Analytics.Alerts.Tests.Detectors;

public sealed class EnsembleTests
{
    [Fact]
    public void A_spike_is_reported_once_and_a_repeat_within_the_hold_is_not()
    {
        var input = SyntheticSeries.Daily(14, 3, seed: 51);
        input[3000] += 150;
        input[3050] += 150;
        var detector = new EnsembleDetector();
        var scores = new double[input.Length];
        var levels = new double[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            scores[i] = detector.Score(SyntheticSeries.Timestamp(i), input[i]);
            levels[i] = detector.LastLevel;
        }

        Assert.Equal(3000, SyntheticSeries.ArgMax(scores, 1000));

        // Held: not reported, though its level shows it.
        Assert.Equal(0, scores[3050]);
        Assert.True(levels[3050] > 0.1, $"level of the repeat {levels[3050]:F3}");
    }

    [Fact]
    public void The_level_shows_the_unheld_anomaly_while_the_score_reports_its_onset()
    {
        var input = SyntheticSeries.Daily(14, 3, seed: 52);
        var detector = new EnsembleDetector();
        var levels = new double[input.Length];
        var scores = new double[input.Length];
        for (var i = 0; i < input.Length; i++)
        {
            if (i >= 3000 && i < 3060)
            {
                input[i] -= 120;
            }

            scores[i] = detector.Score(SyntheticSeries.Timestamp(i), input[i]);
            levels[i] = detector.LastLevel;
        }

        // The level stays raised through the drop (it fades as the detectors learn it); the score
        // reports the onset and then holds.
        Assert.True(levels[3000] > 0.3, $"level at onset {levels[3000]:F3}");
        Assert.True(levels.AsSpan(3000, 60).ToArray().Count(l => l > 0.1) >= 30);
        Assert.True(scores.AsSpan(3000, 60).ToArray().Count(s => s > 0) <= 2);
    }
}
