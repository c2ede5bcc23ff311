using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

/// <summary>
/// Normalised score = 100 · (raw − null) / (perfect − null): null is a detector that never fires
/// (−fnWeight per scorable window), perfect is tpWeight per labelled window.
/// The corpus is the sweep tests' one: A has 40 rows and window 20..29, B 20 rows and window 10..13.
/// </summary>
public sealed class NabNormalisationTests
{
    private static readonly NabSeries A = NabFile("g/a.csv", Layout(40, (20, 29)));
    private static readonly NabSeries B = NabFile("g/b.csv", Layout(20, (10, 13)));

    public static TheoryData<string> ProfileNames => ["standard", "reward_low_FP_rate", "reward_low_FN_rate"];

    private static NabProfile Profile(string name) => Profiles.Single(p => p.Name == name);

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void A_detector_that_never_fires_scores_zero(string name)
    {
        var profile = Profile(name);
        List<(NabSeries, double[])> scored = [(A, new double[40]), (B, new double[20])];

        var result = NabScorer.ScoreAt("never", scored, profile, double.PositiveInfinity);

        Assert.Equal(-2.0 * profile.FnWeight, result.Raw);
        Assert.Equal(-2.0 * profile.FnWeight, result.Null);
        Assert.Equal(2.0 * profile.TpWeight, result.Perfect);
        Assert.Equal(0.0, result.Normalized);
        Assert.Equal((0, 0, 2, 37), (result.Total.TruePositives, result.Total.FalsePositives, result.Total.FalseNegatives, result.Total.TrueNegatives));
    }

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void A_silent_detector_with_its_threshold_optimised_scores_zero_when_firing_everywhere_is_worse(string name)
    {
        // 100 rows, window 50..59: firing at every row would cost 35 + 40 false positives, far more than the
        // window earns even under reward_low_FN_rate.
        var result = NabScorer.Score("silent", [(NabFile("g/long.csv", Layout(100, (50, 59))), new double[100])], Profile(name));

        Assert.Equal(double.PositiveInfinity, result.Threshold);
        Assert.Equal(result.Null, result.Raw);
        Assert.Equal(0.0, result.Normalized);
    }

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void A_perfect_detector_scores_one_hundred(string name)
    {
        var profile = Profile(name);
        List<(NabSeries, double[])> scored = [(A, Detections(40, 20)), (B, Detections(20, 10))];

        var result = NabScorer.Score("perfect", scored, profile);

        Assert.Equal(1.0, result.Threshold);
        Assert.Equal(2.0 * profile.TpWeight, result.Raw);
        Assert.Equal(2.0 * profile.TpWeight, result.Perfect);
        Assert.Equal(-2.0 * profile.FnWeight, result.Null);
        Assert.Equal(100.0, result.Normalized, Tolerance);
    }

    [Theory]
    [MemberData(nameof(ProfileNames))]
    public void The_null_score_is_that_of_never_firing_even_where_firing_everywhere_would_score_more(string name)
    {
        // After probation every row of this file is in the window (rows 3..19), so a detector firing at every
        // row would earn the whole window; the null detector still earns −fnWeight.
        var profile = Profile(name);
        var covered = NabFile("g/c.csv", Layout(20, (3, 19)));

        var perfect = NabScorer.Score("perfect", [(covered, Detections(20, 3))], profile);
        Assert.Equal(-profile.FnWeight, perfect.Null);
        Assert.Equal(profile.TpWeight, perfect.Perfect);
        Assert.Equal(100.0, perfect.Normalized, Tolerance);

        var never = NabScorer.ScoreAt("never", [(covered, new double[20])], profile, double.PositiveInfinity);
        Assert.Equal(0.0, never.Normalized);
    }

    [Fact]
    public void An_intermediate_detector_scores_the_hand_computed_share()
    {
        // The sweep tests' scores: the standard profile picks threshold 0.7, where A has its window's first row
        // and a false positive 4 rows past it, and B a detection half-way into its window.
        List<(NabSeries, double[])> scored =
        [
            (A, Scores(40, (3, 0.95), (10, 0.5), (20, 0.9), (22, 0.8), (25, 0.65), (33, 0.7))),
            (B, Scores(20, (12, 0.7), (15, 0.6))),
        ];
        var raw = 1.0 + (0.11 * S(4.0 / 9.0)) + (S(-0.5) / S(-1.0));

        var standard = NabScorer.Score("some", scored, Standard);
        Assert.Equal(0.7, standard.Threshold);
        Assert.Equal(raw, standard.Raw, Tolerance);
        Assert.Equal(-2.0, standard.Null);
        Assert.Equal(2.0, standard.Perfect);
        Assert.Equal(100.0 * (raw + 2.0) / 4.0, standard.Normalized, Tolerance);
        Assert.Equal(new[] { "g/a.csv", "g/b.csv" }, standard.Files.Select(f => f.Key));

        // reward_low_FN_rate: the same detections, but the null detector now scores −4.
        var lowFn = NabScorer.Score("some", scored, LowFn);
        Assert.Equal(0.7, lowFn.Threshold);
        Assert.Equal(100.0 * (raw + 4.0) / 6.0, lowFn.Normalized, Tolerance);

        // At a fixed threshold of 0.9 only A's window is hit: raw 0 with the standard weights, halfway from −2 to 2.
        Assert.Equal(50.0, NabScorer.ScoreAt("some", scored, Standard, 0.9).Normalized, Tolerance);
    }

    [Fact]
    public void The_perfect_score_counts_windows_inside_probation_too()
    {
        // As NAB does, the perfect score counts every labelled window; the null score only the scorable ones.
        var early = NabFile("g/early.csv", Layout(40, (1, 4)));
        List<(NabSeries, double[])> scored = [(A, Detections(40, 20)), (early, new double[40])];

        var result = NabScorer.Score("hits A", scored, Standard);

        Assert.Equal(1.0, result.Raw);
        Assert.Equal(-1.0, result.Null);
        Assert.Equal(2.0, result.Perfect);
        Assert.Equal(100.0 * 2.0 / 3.0, result.Normalized, Tolerance);
    }
}
