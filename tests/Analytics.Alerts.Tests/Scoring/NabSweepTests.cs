using Analytics.Alerts.Scoring;
using static Analytics.Alerts.Tests.Scoring.NabCases;

namespace Analytics.Alerts.Tests.Scoring;

/// <summary>
/// The threshold sweep over a two-file corpus, enumerated by hand.
/// File A: 40 rows (probation 6), window rows 20..29; scores 0 except row 3 = 0.95 (probation), row 10 = 0.5,
/// row 20 = 0.9, row 22 = 0.8, row 25 = 0.65, row 33 = 0.7.
/// File B: 20 rows (probation 3), window rows 10..13 (width 4); scores 0 except row 12 = 0.7, row 15 = 0.6.
/// Outside rows after probation: A 14 + 10 = 24, B 7 + 6 = 13, so 37 negatives; 2 windows.
/// </summary>
public sealed class NabSweepTests
{
    private static readonly NabFileLayout LayoutA = Layout(40, (20, 29));
    private static readonly NabFileLayout LayoutB = Layout(20, (10, 13));
    private static readonly double[] ScoresA = Scores(40, (3, 0.95), (10, 0.5), (20, 0.9), (22, 0.8), (25, 0.65), (33, 0.7));
    private static readonly double[] ScoresB = Scores(20, (12, 0.7), (15, 0.6));

    private static IReadOnlyList<(NabFileLayout, double[])> Corpus => [(LayoutA, ScoresA), (LayoutB, ScoresB)];

    /// <summary>The whole standard-profile curve: (threshold, score, tp, fp, fn, tn).</summary>
    private static List<NabOutcome> ExpectedStandardCurve()
    {
        const double Fp = 0.11;
        var hitA = 1.0; // row 20 at 0.9, the window's first row
        var hitB = S(-2.0 / 4.0) / S(-1.0); // row 12 at 0.7: −(13 − 12 + 1)/4
        var fpA33 = Fp * S(4.0 / 9.0); // |29 − 33| / (10 − 1)
        var fpB15 = Fp * S(2.0 / 3.0); // |13 − 15| / (4 − 1)
        var fpA10 = -Fp; // no window before row 10
        var at07 = hitA + hitB + fpA33;
        var at06 = at07 + fpB15;
        var at05 = at06 + fpA10;

        // At 0 every row after probation fires: both windows earn their first row (tpWeight), every outside row is a false positive.
        var everything = 2.0 - (Fp * (14 + 7));
        for (var row = 30; row <= 39; row++)
        {
            everything += Fp * S((row - 29) / 9.0);
        }

        for (var row = 14; row <= 19; row++)
        {
            everything += Fp * S((row - 13) / 3.0);
        }

        return
        [
            new(double.PositiveInfinity, -2.0, 0, 0, 2, 37),
            new(0.9, 0.0, 1, 0, 1, 37),
            new(0.8, 0.0, 1, 0, 1, 37), // row 22 is a later detection in a window already hit
            new(0.7, at07, 2, 1, 0, 36),
            new(0.65, at07, 2, 1, 0, 36), // row 25 likewise: the same score as at 0.7
            new(0.6, at06, 2, 2, 0, 35),
            new(0.5, at05, 2, 3, 0, 34),
            new(0.0, everything, 2, 37, 0, 0),
        ];
    }

    [Fact]
    public void The_standard_curve_matches_the_hand_enumeration()
    {
        var expected = ExpectedStandardCurve();
        var curve = NabSweep.Curve(Corpus, Standard);

        Assert.Equal(expected.Select(o => o.Threshold), curve.Select(o => o.Threshold));
        for (var k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k].Score, curve[k].Score, Tolerance);
            Assert.Equal(expected[k] with { Score = 0 }, curve[k] with { Score = 0 });
        }

        // 0.95 is a probationary score, so it is not a candidate threshold.
        Assert.DoesNotContain(curve, o => o.Threshold == 0.95);
    }

    [Fact]
    public void The_best_threshold_is_the_highest_of_those_with_the_best_score()
    {
        var curve = NabSweep.Curve(Corpus, Standard);
        var at07 = curve.Single(o => o.Threshold == 0.7);
        var at065 = curve.Single(o => o.Threshold == 0.65);

        // The tie is exact: the row scored 0.65 only repeats a hit.
        Assert.Equal(at07.Score, at065.Score);
        Assert.All(curve, o => Assert.True(o.Score <= at07.Score));

        var best = NabSweep.Best(curve);
        Assert.Equal(0.7, best.Threshold);
        Assert.Equal(ExpectedStandardCurve()[3].Score, best.Score, Tolerance);

        // The same rule over a reversed curve would pick 0.65, so the order matters and is highest first.
        Assert.Equal(0.65, NabSweep.Best([.. Enumerable.Reverse(curve)]).Threshold);
    }

    [Fact]
    public void Best_prefers_the_never_threshold_and_higher_thresholds_on_ties()
    {
        List<NabOutcome> flat =
        [
            new(double.PositiveInfinity, -1.0, 0, 0, 1, 10),
            new(0.9, -1.0, 0, 0, 1, 10),
            new(0.5, -1.5, 1, 5, 0, 5),
        ];
        Assert.Equal(double.PositiveInfinity, NabSweep.Best(flat).Threshold);

        List<NabOutcome> plateau =
        [
            new(double.PositiveInfinity, -2.0, 0, 0, 2, 10),
            new(0.9, 0.5, 1, 0, 1, 10),
            new(0.8, 0.5, 1, 0, 1, 10),
            new(0.1, 0.5, 1, 0, 1, 10),
            new(0.0, 0.4, 2, 10, 0, 0),
        ];
        Assert.Equal(0.9, NabSweep.Best(plateau).Threshold);
    }

    [Fact]
    public void Each_files_outcome_at_the_chosen_threshold_sums_to_the_sweeps_best()
    {
        var best = NabSweep.Best(NabSweep.Curve(Corpus, Standard));
        var a = NabSweep.At(LayoutA, ScoresA, Standard, best.Threshold);
        var b = NabSweep.At(LayoutB, ScoresB, Standard, best.Threshold);

        Assert.Equal(1.0 + (0.11 * S(4.0 / 9.0)), a.Score, Tolerance);
        Assert.Equal(S(-0.5) / S(-1.0), b.Score, Tolerance);
        Assert.Equal(best.Score, a.Score + b.Score, Tolerance);
        Assert.Equal(best.TruePositives, a.TruePositives + b.TruePositives);
        Assert.Equal(best.FalsePositives, a.FalsePositives + b.FalsePositives);
        Assert.Equal(best.FalseNegatives, a.FalseNegatives + b.FalseNegatives);
        Assert.Equal(best.TrueNegatives, a.TrueNegatives + b.TrueNegatives);
    }

    [Fact]
    public void At_agrees_with_the_curve_at_every_threshold_and_between_them()
    {
        var curve = NabSweep.Curve(Corpus, Standard);
        foreach (var outcome in curve)
        {
            var a = NabSweep.At(LayoutA, ScoresA, Standard, outcome.Threshold);
            var b = NabSweep.At(LayoutB, ScoresB, Standard, outcome.Threshold);
            Assert.Equal(outcome.Score, a.Score + b.Score, Tolerance);
            Assert.Equal(outcome.FalsePositives, a.FalsePositives + b.FalsePositives);
        }

        // A threshold between two candidates detects what the next higher candidate detects: scores ≥ 0.75.
        var between = NabSweep.At(LayoutA, ScoresA, Standard, 0.75).Score + NabSweep.At(LayoutB, ScoresB, Standard, 0.75).Score;
        Assert.Equal(curve.Single(o => o.Threshold == 0.8).Score, between, Tolerance);
    }

    [Fact]
    public void Other_profiles_move_the_curve_and_the_choice()
    {
        // reward_low_FN_rate: a miss costs 2, so the never threshold scores −4 and one hit −1.
        var lowFn = NabSweep.Curve(Corpus, LowFn);
        Assert.Equal(-4.0, lowFn[0].Score);
        Assert.Equal(-1.0, lowFn[1].Score, Tolerance);
        Assert.Equal(ExpectedStandardCurve()[3].Score, lowFn[3].Score, Tolerance);

        // reward_low_FP_rate: false positives cost twice as much; 0.7 still wins.
        var lowFp = NabSweep.Curve(Corpus, LowFp);
        var expected = 1.0 + (S(-0.5) / S(-1.0)) + (0.22 * S(4.0 / 9.0));
        Assert.Equal(expected, lowFp[3].Score, Tolerance);
        Assert.Equal(0.7, NabSweep.Best(lowFp).Threshold);
        Assert.Equal(expected + (0.22 * S(2.0 / 3.0)) - 0.22, lowFp[6].Score, Tolerance);
    }
}
