using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

/// <summary>
/// Raw NAB scores of single hand-made files. The main file has 40 rows, so ⌊0.15 · 40⌋ = 6 probationary rows,
/// and one window over rows 20..29 (width 10); 24 rows lie after probation and outside the window.
/// </summary>
public sealed class NabFileScoreTests
{
    private const int Rows = 40;

    public static TheoryData<string, int[], double, int, int, int, int> StandardCases => new()
    {
        // name, detections, raw score, tp, fp, fn, tn
        { "(a) at the window's first row", [20], 1.0, 1, 0, 0, 24 },
        { "(b) half-way into the window", [25], S(-5.0 / 10.0) / S(-1.0), 1, 0, 0, 24 },
        { "(b') at the window's last row", [29], S(-1.0 / 10.0) / S(-1.0), 1, 0, 0, 24 },
        { "(c) two in the window: the earlier counts", [22, 27], S(-8.0 / 10.0) / S(-1.0), 1, 0, 0, 24 },
        { "(d) before any window, window missed", [10], -1.0 - 0.11, 0, 1, 1, 23 },
        { "(e) after the window, window missed", [33], -1.0 + (0.11 * S(4.0 / 9.0)), 0, 1, 1, 23 },
        { "(e') after the window, window hit", [20, 33], 1.0 + (0.11 * S(4.0 / 9.0)), 1, 1, 0, 23 },
        { "(e'') every row after the window", [30, 31, 32, 33, 34, 35, 36, 37, 38, 39], -1.0 + (0.11 * AfterWindowSum()), 0, 10, 1, 14 },
        { "(f) in probation only", [3], -1.0, 0, 0, 1, 24 },
        { "(f') in probation and at the window start", [3, 20], 1.0, 1, 0, 0, 24 },
        { "no detection", [], -1.0, 0, 0, 1, 24 },
    };

    [Theory]
    [MemberData(nameof(StandardCases))]
    public void Standard_profile_raw_score_of_one_window_file(string name, int[] detections, double raw, int tp, int fp, int fn, int tn)
    {
        var layout = Layout(Rows, (20, 29));
        var scores = Detections(Rows, detections);

        var at = NabSweep.At(layout, scores, Standard, 1.0);

        Assert.True(Math.Abs(raw - at.Score) <= Tolerance, $"{name}: expected {raw:R}, got {at.Score:R}");
        Assert.Equal((tp, fp, fn, tn), (at.TruePositives, at.FalsePositives, at.FalseNegatives, at.TrueNegatives));
        Assert.Equal(1.0, at.Threshold);

        // The sweep's outcome at threshold 1 (the last at or above it) is the same.
        var swept = NabSweep.Curve([(layout, scores)], Standard).Last(o => o.Threshold >= 1.0);
        Assert.True(Math.Abs(raw - swept.Score) <= Tolerance, $"{name} (sweep): expected {raw:R}, got {swept.Score:R}");
        Assert.Equal((tp, fp, fn, tn), (swept.TruePositives, swept.FalsePositives, swept.FalseNegatives, swept.TrueNegatives));
    }

    [Fact]
    public void Profiles_weigh_the_same_detections_differently()
    {
        var layout = Layout(Rows, (20, 29));

        // (d): a false positive with no window before it costs the whole fpWeight, the missed window fnWeight.
        var before = Detections(Rows, 10);
        Assert.Equal(-1.0 - 0.11, NabSweep.At(layout, before, Standard, 1.0).Score, Tolerance);
        Assert.Equal(-1.0 - 0.22, NabSweep.At(layout, before, LowFp, 1.0).Score, Tolerance);
        Assert.Equal(-2.0 - 0.11, NabSweep.At(layout, before, LowFn, 1.0).Score, Tolerance);

        // (e'): a hit, then a false positive 4 rows past a window of width 10.
        var after = Detections(Rows, 20, 33);
        Assert.Equal(1.0 + (0.22 * S(4.0 / 9.0)), NabSweep.At(layout, after, LowFp, 1.0).Score, Tolerance);
        Assert.Equal(1.0 + (0.11 * S(4.0 / 9.0)), NabSweep.At(layout, after, LowFn, 1.0).Score, Tolerance);

        // A profile with tpWeight 2 doubles the hit, half-way in too.
        var doubled = new NabProfile("double", 2.0, 0.11, 1.0, 1.0);
        Assert.Equal(2.0 * S(-0.5) / S(-1.0), NabSweep.At(layout, Detections(Rows, 25), doubled, 1.0).Score, Tolerance);
    }

    [Fact]
    public void Detections_in_probation_count_for_nothing()
    {
        var layout = Layout(Rows, (20, 29));
        var silent = NabSweep.At(layout, new double[Rows], Standard, 1.0);

        for (var row = 0; row < 6; row++)
        {
            Assert.Equal(silent, NabSweep.At(layout, Detections(Rows, row), Standard, 1.0));
        }

        // Row 6 is the first that counts.
        Assert.Equal(-1.0 - 0.11, NabSweep.At(layout, Detections(Rows, 6), Standard, 1.0).Score, Tolerance);
    }

    [Fact]
    public void A_window_wholly_inside_probation_is_not_missed_but_still_precedes_false_positives()
    {
        // Window rows 1..4 (width 4) lie inside the 6 probationary rows.
        var layout = Layout(Rows, (1, 4));
        Assert.Equal(1, layout.WindowCount);

        var none = NabSweep.At(layout, new double[Rows], Standard, 1.0);
        Assert.Equal(new NabOutcome(1.0, 0.0, 0, 0, 0, 34), none);

        var inside = NabSweep.At(layout, Detections(Rows, 2), Standard, 1.0);
        Assert.Equal(none, inside);

        // Row 8 is 4 rows past the window's right edge: x = |4 − 8| / (4 − 1).
        var after = NabSweep.At(layout, Detections(Rows, 8), Standard, 1.0);
        Assert.Equal(0.11 * S(4.0 / 3.0), after.Score, Tolerance);
        Assert.Equal((0, 1, 0, 33), (after.TruePositives, after.FalsePositives, after.FalseNegatives, after.TrueNegatives));

        var swept = NabSweep.Curve([(layout, new double[Rows])], Standard);
        Assert.Equal(0.0, swept[0].Score);
        Assert.Equal(0, swept[0].FalseNegatives);
    }

    [Fact]
    public void A_window_straddling_probation_scores_only_its_later_rows_but_keeps_its_width()
    {
        // Window rows 4..9 (width 6); rows 4 and 5 are probationary.
        var layout = Layout(Rows, (4, 9));

        Assert.Equal(-1.0, NabSweep.At(layout, Detections(Rows, 5), Standard, 1.0).Score, Tolerance);
        Assert.Equal(S(-4.0 / 6.0) / S(-1.0), NabSweep.At(layout, Detections(Rows, 6), Standard, 1.0).Score, Tolerance);
        Assert.Equal(S(-3.0 / 6.0) / S(-1.0), NabSweep.At(layout, Detections(Rows, 5, 7), Standard, 1.0).Score, Tolerance);
    }

    [Fact]
    public void A_false_positive_more_than_three_window_widths_past_costs_the_whole_fpWeight()
    {
        // Window rows 20..21 (width 2): the denominator is 2 − 1 = 1.
        var layout = Layout(Rows, (20, 21));

        // Row 25: x = 4 > 3.
        Assert.Equal(1.0 - 0.11, NabSweep.At(layout, Detections(Rows, 20, 25), Standard, 1.0).Score, Tolerance);

        // Row 24: x = 3 exactly is still on the curve, 2/(1 + e^15) − 1, not −1.
        var atThree = NabSweep.At(layout, Detections(Rows, 20, 24), Standard, 1.0).Score;
        Assert.Equal(1.0 + (0.11 * ((2.0 / (1.0 + Math.Exp(15.0))) - 1.0)), atThree, Tolerance);
        Assert.True(atThree > 1.0 - 0.11 + 1e-8);
    }

    [Fact]
    public void Two_windows_each_count_once_and_false_positives_follow_the_nearer_one_before()
    {
        // Windows 10..14 (width 5) and 25..29 (width 5) in 40 rows.
        var layout = Layout(Rows, (10, 14), (25, 29));
        var scores = Detections(Rows, 12, 13, 18, 35);

        var at = NabSweep.At(layout, scores, Standard, 1.0);

        var expected = (S(-3.0 / 5.0) / S(-1.0)) // first window, row 12
            + (0.11 * S(4.0 / 4.0)) // row 18, 4 past the first window
            - 1.0 // second window missed
            + (0.11 * S(6.0 / 4.0)); // row 35, 6 past the second window
        Assert.Equal(expected, at.Score, Tolerance);
        Assert.Equal((1, 2, 1), (at.TruePositives, at.FalsePositives, at.FalseNegatives));
        Assert.Equal(expected, NabSweep.Curve([(layout, scores)], Standard)[^2].Score, Tolerance);
    }

    [Fact]
    public void Scores_must_match_the_rows()
    {
        var error = Assert.Throws<NabCorpusException>(() => NabSweep.At(Layout(Rows, (20, 29)), new double[Rows - 1], Standard, 1.0));
        Assert.Contains("40 rows but 39 scores", error.Message, StringComparison.Ordinal);
    }

    private static double AfterWindowSum()
    {
        var sum = 0.0;
        for (var row = 30; row < Rows; row++)
        {
            sum += S((row - 29) / 9.0);
        }

        return sum;
    }
}
